from django.db import migrations, models


def verdicts_current(apps, schema_editor):
    """Every stored verdict so far was refreshed with the save that changed the diary."""
    Program = apps.get_model("programs", "Program")
    Program.objects.update(verdicts_revision=models.F("diary_revision"))


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0015_program_diary_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="verdicts_revision",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(verdicts_current, migrations.RunPython.noop),
    ]
