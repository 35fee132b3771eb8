from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dietplanner.accounts.models import User
from dietplanner.demo.seeding import demo_authenticator, demo_link, demo_program

# Known passwords, printed by `make run`: demo accounts exist only in development.
DEMO_ACCOUNTS = [
    ("dana@demo.dietplanner.test", "Dana Demo", User.Role.DIETITIAN, "demo-dietitian-2026"),
    ("pat@demo.dietplanner.test", "Pat Demo", User.Role.PATIENT, "demo-patient-2026"),
    ("olive@demo.dietplanner.test", "Olive Demo", User.Role.PATIENT, "demo-patient-2026"),
]
# Days since each demo patient's program started (Pat is testing foods, Olive is in baseline).
DEMO_PROGRAM_DAYS = {"pat@demo.dietplanner.test": 45, "olive@demo.dietplanner.test": 9}


class Command(BaseCommand):
    help = "Create the demo dietitian and demo patients with their diaries (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run in production: demo passwords are public.")
        users = {}
        for email, name, role, password in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            created = user is None
            if created:
                user = User(email=email)
            user.full_name = name
            user.role = role
            user.is_active = True
            # Demo addresses cannot receive mail: count them as confirmed.
            user.email_verified_at = user.email_verified_at or timezone.now()
            user.email_bounced_at = None
            user.set_password(password)
            user.save()
            users[email] = user
            verb = "created" if created else "reset"
            self.stdout.write(f"{verb}: {role:<9} {email}  password: {password}")
        dietitian = users[DEMO_ACCOUNTS[0][0]]
        secret, codes = demo_authenticator(dietitian)
        self.stdout.write(
            f"  {dietitian.full_name} logs in in two steps: after the password, a code from an "
            f"authenticator app set up with the key {secret}"
        )
        self.stdout.write(f"  (or, once each, a recovery code: {', '.join(codes[:5])})")
        for seed, (email, days) in enumerate(DEMO_PROGRAM_DAYS.items(), start=1):
            patient = users[email]
            program = demo_program(patient, days_ago=days, seed=seed, today=patient.local_today())
            demo_link(dietitian, patient)
            self.stdout.write(
                f"  {patient.full_name}: {program.protocol.name} program from "
                f"{program.start_date}, {program.entries.count()} days logged, linked to "
                f"{dietitian.full_name}."
            )
