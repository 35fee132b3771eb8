"""A red-flag stop recorded before reaction alerts existed pauses its patient after the upgrade."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programs", "0010_endoscopy_outcomes")]
AFTER = [("programs", "0011_reaction_alerts")]


@pytest.mark.django_db(transaction=True)
def test_past_red_flag_stops_become_alerts_that_pause(patient, catalogue):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Program = old.get_model("programs", "Program")
    Challenge = old.get_model("programs", "Challenge")
    program = Program.objects.create(
        patient_id=patient.pk,
        protocol_id=old.get_model("foods", "Protocol").objects.first().pk,
        start_date=date(2026, 1, 5),
        baseline_days=21,
        symptoms=["pain"],
    )
    groups = old.get_model("foods", "FoodGroup").objects.order_by("pk")
    common = {"program": program, "first_dose_day": date(2026, 1, 26), "status": "stopped"}
    Challenge.objects.create(
        **common,
        food_group=groups[0],
        position=0,
        stop_day=date(2026, 1, 27),
        stop_reason="lips swelled",
        red_flags=["lip_tongue_swelling"],
    )
    Challenge.objects.create(**common, food_group=groups[1], position=1, stop_reason="bloated")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    from dietplanner.programs.models import ReactionAlert
    from dietplanner.programs.safety import home_tests_paused

    alert = ReactionAlert.objects.get(patient=patient)
    assert alert.signs == ["lip_tongue_swelling"] and alert.severity == "red_flag"
    assert alert.occurred_on == date(2026, 1, 27) and alert.words == "lips swelled"
    assert home_tests_paused(patient)
