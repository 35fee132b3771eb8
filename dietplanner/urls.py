from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import views

handler404 = "dietplanner.views.page_not_found"
handler500 = "dietplanner.views.server_error"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("about/safety/", TemplateView.as_view(template_name="safety.html"), name="safety"),
    # /accounts/
    path("accounts/", include("dietplanner.accounts.urls")),
    # /today/, /diary/
    path("", include("dietplanner.diary.urls")),
    # /program/
    path("program/", include("dietplanner.programs.urls")),
    # /clinic/
    path("clinic/", include("dietplanner.clinic.urls")),
    # /reminders/
    path("reminders/", include("dietplanner.reminders.urls")),
    # /foods/
    path("foods/", include("foods.urls")),
    # /admin/
    path("admin/", admin.site.urls),
]
