from django.core.management.base import BaseCommand

from dietplanner.clinic.services import client_summaries_refresh_due
from dietplanner.reminders.services import due_work_queue


class Command(BaseCommand):
    help = (
        "Refresh the programs a day has passed on, then queue the reminders, dose-day notes, "
        "weekly digests and e-mail retries due now, and refresh the client lists' stored lines "
        "whose inputs or day changed. Run it every minute from cron; several machines may run "
        "it at once."
    )

    def handle(self, *args, **options):
        counts = due_work_queue()
        summaries = client_summaries_refresh_due()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"queued {counts.reminders} reminders, {counts.dose_notes} dose-day notes, "
                f"{counts.digests} digests; {counts.retries} e-mails retried; "
                f"{counts.refreshed} programs refreshed; "
                f"{summaries} client list lines refreshed"
            )
