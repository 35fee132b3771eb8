from django.core.management.base import BaseCommand, CommandError

from foods.services import CATALOGUE_PATH, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = (
        "Load or update the food catalogue (symptoms, food groups, protocols, foods). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(CATALOGUE_PATH), help="catalogue JSON file")

    def handle(self, *args, **options):
        try:
            report = catalogue_load(path=options["path"])
        except CatalogueError as exc:
            raise CommandError(f"Catalogue not loaded: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Catalogue loaded. {report.summary()}"))
