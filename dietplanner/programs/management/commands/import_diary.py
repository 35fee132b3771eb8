"""Import a `dietplanner-diary` file as a patient's program (all or nothing).

python manage.py import_diary diary.json --email pat@example.com
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dietplanner.accounts.models import User
from dietplanner.analysis.exchange import DiaryFormatError, parse_json
from dietplanner.programs.exchange import ImportRefused, program_import


class Command(BaseCommand):
    help = "Import a dietplanner-diary JSON file for a patient (created when new)."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")
        parser.add_argument("--email", required=True, help="the patient's e-mail address")

    def handle(self, *args, **options):
        path = options["path"]
        try:
            text = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
        try:
            document = parse_json(text)
        except DiaryFormatError as exc:
            lines = [f"{path}: not imported, {len(exc.errors)} problem(s):"]
            lines += [f"  {message}" for message in exc.errors]
            raise CommandError("\n".join(lines)) from exc

        email = User.objects.normalize_email(options["email"]).lower()
        try:
            with transaction.atomic():
                patient = User.objects.filter(email__iexact=email).first()
                created = patient is None
                if created:
                    patient = User.objects.create_user(
                        email=email,
                        password=None,  # unusable: the patient sets one by password reset
                        full_name=document.patient.name or email.split("@")[0],
                        role=User.Role.PATIENT,
                        timezone=document.patient.timezone,
                    )
                elif patient.role != User.Role.PATIENT:
                    raise ImportRefused(f"{email} is not a patient account.")
                program = program_import(
                    document=document, patient=patient, clinic_only_allowed=True
                )
        except ImportRefused as exc:
            raise CommandError(f"{path}: not imported: {exc}") from exc

        who = f"new patient {patient.email}" if created else patient.email
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path} for {who}: program {program.public_id}, "
                f"{len(document.program.challenges)} challenges, {len(document.entries)} entries."
            )
        )
