"""The cached verdict carries the chance that the food is a trigger, not a confidence score."""

from django.db import migrations


def clear_old_scores(apps, schema_editor):
    # The old confidence was not a probability: forget it; the next verdict refresh writes one.
    Challenge = apps.get_model("programs", "Challenge")
    Challenge.objects.exclude(verdict_probability=None).update(verdict_probability=None)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_screening"),
    ]

    operations = [
        migrations.RenameField(
            model_name="challenge",
            old_name="verdict_confidence",
            new_name="verdict_probability",
        ),
        migrations.RunPython(clear_old_scores, migrations.RunPython.noop),
    ]
