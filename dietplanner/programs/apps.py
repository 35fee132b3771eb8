from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "dietplanner.programs"
    label = "programs"
    verbose_name = "Programs"
