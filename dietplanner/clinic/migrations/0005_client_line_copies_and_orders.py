# The client list's lines keep copies of the link's dietitian and the patient's name, e-mail and
# time zone, with an index per order the list reads (issue 17). The stored lines are derived:
# they are dropped here and the minute trigger stores them again (until then the list works
# each client out, as it does for any line not current).

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


def drop_lines(apps, schema_editor):
    apps.get_model("clinic", "ClientSummary").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0004_client_summary"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_lines, migrations.RunPython.noop),
        migrations.AddField(
            model_name="clientsummary",
            name="dietitian",
            field=models.ForeignKey(
                db_index=False,
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="clientsummary",
            name="email",
            field=models.CharField(default="", max_length=254),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="clientsummary",
            name="name",
            field=models.CharField(default="", max_length=150),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="clientsummary",
            name="zone",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="clientsummary",
            index=models.Index(
                models.F("dietitian"),
                django.db.models.functions.text.Lower("name"),
                models.F("email"),
                name="client_line_by_name",
            ),
        ),
        migrations.AddIndex(
            model_name="clientsummary",
            index=models.Index(
                models.F("dietitian"),
                models.OrderBy(models.F("flag_count"), descending=True),
                django.db.models.functions.text.Lower("name"),
                models.F("email"),
                name="client_line_by_flags",
            ),
        ),
        migrations.AddIndex(
            model_name="clientsummary",
            index=models.Index(
                models.F("dietitian"),
                models.F("phase"),
                models.OrderBy(models.F("days_since"), descending=True),
                django.db.models.functions.text.Lower("name"),
                models.F("email"),
                name="client_line_by_phase_checkin",
            ),
        ),
        migrations.AddIndex(
            model_name="clientsummary",
            index=models.Index(fields=["dietitian", "zone", "as_of"], name="client_line_current"),
        ),
    ]
