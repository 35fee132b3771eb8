"""Did the baseline help? Whether it holds the first food test (a read; no writes here).

The rule itself is pure (`schedule.response`); this module feeds it a program and its plan.
The first food test does not start by itself when the main symptoms did not improve by a
meaningful change, until the patient chooses to go on anyway (`baseline_choice`).
"""

from __future__ import annotations

from dietplanner.analysis.vocabulary import TodayKind

from .models import Program
from .record import ProgramRecord
from .schedule.response import BaselineResponse, baseline_response

HOLD = (
    "Your main symptoms did not improve enough on the baseline diet, so the food tests do not "
    "start by themselves. Talk to your dietitian; you can end the program, or choose to start "
    "the tests anyway."
)


def baseline_hold(record: ProgramRecord) -> BaselineResponse | None:
    """The baseline's response when it holds the first food test on the record's today, else
    None. Only before the first test, on a day the plan offers it, and until the patient has
    chosen to start anyway. No query.
    """
    program, plan = record.program, record.plan
    if program.status != Program.Status.BASELINE or program.tests_despite_baseline_at:
        return None
    if plan.today.kind != TodayKind.READY_FOR_NEXT or any(c.started for c in plan.challenges):
        return None
    response = baseline_response(
        start=program.start_date,
        symptoms=program.symptoms,
        diary=record.diary,
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
