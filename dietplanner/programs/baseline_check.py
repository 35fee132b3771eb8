"""Did the baseline help? Whether it holds the first food test (a read; no writes here).

The rule itself is pure (`schedule.response`); this module feeds it a program and its plan.
The first food test does not start by itself when the main symptoms did not improve by a
meaningful change, until the patient chooses to go on anyway (`baseline_choice`).
"""

from __future__ import annotations

from datetime import date

from . import schedule
from .models import Program
from .schedule.response import BaselineResponse, baseline_response
from .selectors import program_diary

HOLD = (
    "Your main symptoms did not improve enough on the baseline diet, so the food tests do not "
    "start by themselves. Talk to your dietitian; you can end the program, or choose to start "
    "the tests anyway."
)


def baseline_hold(
    program: Program,
    plan: schedule.Plan,
    diary: dict[date, schedule.DayLog] | None = None,
) -> BaselineResponse | None:
    """The baseline's response when it holds the first food test today, else None.

    Only before the first test, on a day the plan offers it, and until the patient has
    chosen to start anyway. One query unless given the diary.
    """
    if program.status != Program.Status.BASELINE or program.tests_despite_baseline_at:
        return None
    if plan.today.kind != "ready_for_next" or any(c.started for c in plan.challenges):
        return None
    response = baseline_response(
        start=program.start_date,
        symptoms=program.symptoms,
        diary=program_diary(program) if diary is None else diary,
        reference=plan.baseline.reference,
    )
    return response if response.helped is False else None


def changes_in_words(response: BaselineResponse, names: dict[str, str]) -> str:
    """ "pain 6 at the start, 5.5 in the last week; fatigue ..." for the log and the pages."""
    return "; ".join(
        f"{names.get(c.symptom, c.symptom.replace('_', ' ')).lower()} {c.first:g} at the "
        f"start, {c.last:g} in the last week"
        for c in response.main
    )
