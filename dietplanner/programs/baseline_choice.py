"""The patient's choice to start the food tests although the baseline did not help."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from dietplanner.accounts.models import User
from foods.models import Symptom

from .baseline_check import baseline_hold, changes_in_words
from .models import Challenge
from .record import load_record
from .services import PlanError, challenge_start, plan_change_record, program_lock


@transaction.atomic
def first_test_start_anyway(*, challenge: Challenge, by: User, on: date) -> Challenge:
    """Record the choice (who, when, the figures: logged on the plan for the dietitian) and
    start the first food test today. All or nothing: if the test cannot start, nothing is
    recorded. Raises PlanError when the baseline holds nothing today."""
    program = program_lock(challenge.program_id)
    hold = baseline_hold(load_record(program, today=on))
    if hold is None:
        raise PlanError("There is no choice to make today: your plan says what comes next.")
    program.tests_despite_baseline_at = timezone.now()
    program.tests_despite_baseline_by = by
    program.save(update_fields=["tests_despite_baseline_at", "tests_despite_baseline_by"])
    names = dict(Symptom.objects.filter(slug__in=program.symptoms).values_list("slug", "name"))
    plan_change_record(
        program=program,
        author=by,
        summary="Chose to start the food tests although the baseline did not help enough ("
        f"{changes_in_words(hold, names)}; a fall of 2 points or 30% counts).",
    )
    return challenge_start(challenge=challenge, on=on)
