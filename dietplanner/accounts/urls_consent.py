from django.urls import path

from . import consent_views as views

# /accounts/  (consent: my dietitians, invites, who saw my data)
urlpatterns = [
    path("dietitians/", views.dietitians, name="dietitians"),
    path("dietitians/code/", views.code_redeem, name="code-redeem"),
    path("dietitians/<uuid:link_id>/stop/", views.link_stop, name="link-stop"),
    path("invites/<uuid:invite_id>/answer/", views.invite_answer, name="invite-answer"),
    path("invite/<str:token>/", views.invite_accept, name="invite-accept"),
    path("who-saw-my-data/", views.who_saw, name="who-saw"),
]
