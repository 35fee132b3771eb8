from django.urls import include, path

app_name = "clinic"

# /clinic/  (the dietitian's side; every view checks for an active, patient-approved link)
urlpatterns = [
    path("", include("dietplanner.clinic.urls_clients")),
    path("", include("dietplanner.clinic.urls_plan")),
    path("", include("dietplanner.clinic.urls_invites")),
]
