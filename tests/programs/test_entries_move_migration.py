"""Entries and doses written before they moved from the diary app to programs are still there
after the upgrade, and moving back (migrating down) keeps them too."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("diary", "0002_dose_label"), ("programs", "0012_program_symptoms_change")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_entries_and_doses_keep_their_rows_across_the_move(patient, catalogue):
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    program = old.get_model("programs", "Program").objects.create(
        patient_id=patient.pk,
        protocol_id=old.get_model("foods", "Protocol").objects.first().pk,
        start_date=date(2026, 1, 5),
        baseline_days=21,
        symptoms=["pain"],
    )
    challenge = old.get_model("programs", "Challenge").objects.create(
        program=program,
        food_group=old.get_model("foods", "FoodGroup").objects.first(),
        position=0,
        first_dose_day=date(2026, 1, 26),
    )
    old.get_model("diary", "DailyEntry").objects.create(
        program=program, date=date(2026, 1, 26), scores={"pain": 3}
    )
    old.get_model("diary", "Dose").objects.create(
        challenge=challenge, date=date(2026, 1, 26), step=1, portion="1/2 cup", label="A"
    )

    _migrate(_latest())

    from dietplanner.programs.models import DailyEntry, Dose

    entry = DailyEntry.objects.get(program_id=program.pk)
    dose = Dose.objects.get(challenge_id=challenge.pk)
    assert entry.date == date(2026, 1, 26) and entry.scores == {"pain": 3}
    assert dose.portion == "1/2 cup" and dose.label == "A"

    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    assert old.get_model("diary", "DailyEntry").objects.filter(program_id=program.pk).count() == 1
    assert old.get_model("diary", "Dose").objects.filter(challenge_id=challenge.pk).count() == 1
    _migrate(_latest())
