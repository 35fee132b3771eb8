# One row per dietitian that says what their client list counts (issue 17): the list reads it
# instead of counting and checking every stored line per view. Made by the minute trigger (or
# the next change to the dietitian's lines or links); until then the list counts its lines.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_email_verification"),
        ("clinic", "0005_client_line_copies_and_orders"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientListState",
            fields=[
                (
                    "dietitian",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("complete", models.BooleanField(default=False)),
                ("total", models.PositiveIntegerField(default=0)),
                ("valid_from", models.DateTimeField(blank=True, null=True)),
                ("valid_until", models.DateTimeField(blank=True, null=True)),
                ("counts", models.JSONField(blank=True, default=dict)),
                ("updated", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
    ]
