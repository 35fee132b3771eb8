from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from dietplanner.accounts import urls as account_urls
from dietplanner.programs.views import lookup
from dietplanner.programs.views import settings as patient_settings

from . import views

handler404 = "dietplanner.views.page_not_found"
handler500 = "dietplanner.views.server_error"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("about/safety/", TemplateView.as_view(template_name="safety.html"), name="safety"),
    # /accounts/
    # The settings page edits the account and the running program, so programs holds it;
    # it keeps its address and its name in the accounts namespace (accounts:settings).
    path(
        "accounts/",
        include(
            (
                [path("settings/", patient_settings.settings_page, name="settings")]
                + account_urls.urlpatterns,
                account_urls.app_name,
            )
        ),
    ),
    # /today/, /diary/
    path("", include("dietplanner.diary.urls")),
    # /program/
    path("program/", include("dietplanner.programs.urls")),
    # /clinic/
    path("clinic/", include("dietplanner.clinic.urls")),
    # /reminders/
    path("reminders/", include("dietplanner.reminders.urls")),
    # /foods/lookup/: the catalogue's search, with a patient's own status per food (programs)
    path("foods/", include(([path("lookup/", lookup.lookup, name="lookup")], "foods"))),
    # /admin/
    path("admin/", admin.site.urls),
]
