"""DailyEntry and Dose move from the diary app to programs (the program owns its entries and
doses). Only Django's model state moves: the tables keep their names (diary_dailyentry,
diary_dose) and their rows. diary.0003 removes the two models from the diary's state."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("dailyentry", "dose")


def content_types_follow(apps, schema_editor):
    """Re-label the models' content types so their permissions stay attached."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="programs", model=model).exists():
            ContentType.objects.using(db).filter(app_label="diary", model=model).update(
                app_label="programs"
            )


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="diary", model=model).exists():
            ContentType.objects.using(db).filter(app_label="programs", model=model).update(
                app_label="diary"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("diary", "0002_dose_label"),
        ("programs", "0012_program_symptoms_change"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailyEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField()),
                        ("scores", models.JSONField(blank=True, default=dict)),
                        ("confounders", models.JSONField(blank=True, default=list)),
                        (
                            "off_plan",
                            models.JSONField(
                                blank=True, default=list, verbose_name="off-plan food groups eaten"
                            ),
                        ),
                        ("note", models.TextField(blank=True)),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("updated", models.DateTimeField(auto_now=True)),
                        (
                            "program",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="entries",
                                to="programs.program",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "daily entries",
                        "db_table": "diary_dailyentry",
                        "ordering": ["-date"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("program", "date"), name="one_entry_per_day"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Dose",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField()),
                        ("step", models.PositiveSmallIntegerField()),
                        ("portion", models.CharField(max_length=200)),
                        ("taken", models.BooleanField(blank=True, null=True)),
                        (
                            "arm",
                            models.CharField(
                                blank=True,
                                help_text="active or placebo (blinded only)",
                                max_length=8,
                            ),
                        ),
                        ("label", models.CharField(blank=True, max_length=1)),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("updated", models.DateTimeField(auto_now=True)),
                        (
                            "challenge",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="doses",
                                to="programs.challenge",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "diary_dose",
                        "ordering": ["date"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("challenge", "date"), name="one_dose_per_day"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return, elidable=True),
    ]
