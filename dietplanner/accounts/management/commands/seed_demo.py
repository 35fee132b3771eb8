from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dietplanner.accounts.models import User

# Known passwords, printed by `make run`: demo accounts exist only in development.
DEMO_ACCOUNTS = [
    ("dana@demo.dietplanner.test", "Dana Demo", User.Role.DIETITIAN, "demo-dietitian-2026"),
    ("pat@demo.dietplanner.test", "Pat Demo", User.Role.PATIENT, "demo-patient-2026"),
    ("olive@demo.dietplanner.test", "Olive Demo", User.Role.PATIENT, "demo-patient-2026"),
]


class Command(BaseCommand):
    help = "Create the demo dietitian and demo patients (development only; idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run in production: demo passwords are public.")
        for email, name, role, password in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            created = user is None
            if created:
                user = User(email=email)
            user.full_name = name
            user.role = role
            user.is_active = True
            user.set_password(password)
            user.save()
            verb = "created" if created else "reset"
            self.stdout.write(f"{verb}: {role:<9} {email}  password: {password}")
