"""Export a patient's current program as a `dietplanner-diary` JSON file.

python manage.py export_diary --email pat@example.com -o pat.json
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dietplanner.accounts.models import User
from dietplanner.analysis.exchange import dump_json
from dietplanner.programs.exchange import program_document
from dietplanner.programs.record import shown_program


class Command(BaseCommand):
    help = "Write a patient's running (else latest) program as dietplanner-diary JSON."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the patient's e-mail address")
        parser.add_argument("-o", "--output", metavar="PATH", help="file to write (default stdout)")

    def handle(self, *args, **options):
        email = options["email"].strip()
        patient = User.objects.filter(email__iexact=email).first()
        if patient is None:
            raise CommandError(f"No user with the e-mail address {email!r}.")
        program = shown_program(patient)
        if program is None:
            raise CommandError(f"{patient.email} has no program to export.")
        text = dump_json(program_document(program), indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']} ({patient.email}).")
        else:
            self.stdout.write(text, ending="")
