from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "dietplanner.clinic"
    label = "clinic"
    verbose_name = "Clinic"
