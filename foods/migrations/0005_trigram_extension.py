"""The food lookup's "Did you mean" uses trigram similarity on PostgreSQL: enable pg_trgm there
(a trusted extension: the database owner may create it). Other databases skip this step."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("foods", "0004_foodgroup_overlaps")]

    operations = [TrigramExtension()]
