from django.urls import path

from .views import invites

# /clinic/  (inviting patients: e-mail invites and the personal code)
urlpatterns = [
    path("invite/", invites.invite, name="invite"),
    path("invite/<uuid:invite_id>/cancel/", invites.invite_cancel, name="invite-cancel"),
]
