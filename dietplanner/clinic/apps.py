from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "dietplanner.clinic"
    label = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from dietplanner.programs.signals import program_refreshed

        from .services import (
            client_lines_follow_link,
            client_lines_follow_link_deleted,
            client_lines_follow_patient,
        )
        from .tasks import queue_client_lines_refresh

        program_refreshed.connect(queue_client_lines_refresh, dispatch_uid="clinic-client-lines")
        # The client list's lines copy the link's state and the patient's name, e-mail and
        # time zone (`ClientSummary`): the copies follow every save of either, and the dietitian's
        # list state (`ClientListState`) every link that starts, ends or is deleted.
        post_save.connect(
            client_lines_follow_link, sender="accounts.CareLink", dispatch_uid="clinic-line-link"
        )
        post_save.connect(
            client_lines_follow_patient, sender="accounts.User", dispatch_uid="clinic-line-user"
        )
        post_delete.connect(
            client_lines_follow_link_deleted,
            sender="accounts.CareLink",
            dispatch_uid="clinic-line-link-deleted",
        )
