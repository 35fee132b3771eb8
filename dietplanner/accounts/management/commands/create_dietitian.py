import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dietplanner.accounts.services import dietitian_create


class Command(BaseCommand):
    help = "Create a dietitian account (dietitians cannot sign up themselves)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="the dietitian's full name")
        parser.add_argument(
            "--password", help="set this password instead of prompting (avoid on shared machines)"
        )
        parser.add_argument("--timezone", default="", help="IANA time zone, e.g. Europe/Oslo")

    def handle(self, *args, **options):
        password = options["password"]
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = dietitian_create(
                email=options["email"],
                full_name=options["name"],
                password=password,
                timezone=options["timezone"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Dietitian {user.full_name} <{user.email}> created."))
