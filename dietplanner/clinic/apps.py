from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "dietplanner.clinic"
    label = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from dietplanner.programs.signals import program_refreshed

        from .tasks import queue_client_lines_refresh

        program_refreshed.connect(queue_client_lines_refresh, dispatch_uid="clinic-client-lines")
