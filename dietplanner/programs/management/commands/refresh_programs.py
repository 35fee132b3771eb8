"""Store what a day passing implies for running programs (statuses, verdicts, long-term plans).

python manage.py refresh_programs

`send_due` runs the same refresh every minute; this command runs it alone (after a restore,
or to catch up at once).
"""

from django.core.management.base import BaseCommand

from dietplanner.programs.services import programs_refresh_due


class Command(BaseCommand):
    help = "Refresh every running program whose patient's day has moved on since its last refresh."

    def handle(self, *args, **options):
        count = programs_refresh_due()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{count} programs refreshed")
