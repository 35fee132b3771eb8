"""DailyEntry and Dose now belong to programs (programs.0013 takes them over). This removes
them from the diary's model state only: the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0002_dose_label"),
        ("programs", "0013_entries_and_doses_join_programs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DailyEntry"),
                migrations.DeleteModel(name="Dose"),
            ],
            database_operations=[],
        ),
    ]
