from django.conf import settings
from django.core.management.base import BaseCommand


def mail_destination() -> str:
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "console":
        return "printed in this terminal (console backend; set EMAIL_URL to send it)"
    if backend == "smtp":
        return f"sent by SMTP to {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"handed to {settings.EMAIL_BACKEND}"


class Command(BaseCommand):
    help = "Say where e-mail goes and how background tasks run (printed by make run and serve)."

    def handle(self, *args, **options):
        tasks = (
            "at once, in the process that asks"
            if settings.TASK_BACKEND == "immediate"
            else "by `manage.py db_worker` from the database queue"
        )
        self.stdout.write(f"E-mail is {mail_destination()}; background tasks run {tasks}.")
