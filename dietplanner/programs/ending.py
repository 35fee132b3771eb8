"""Ending a program early: "go back to my usual eating", by the patient or their dietitian.

The program keeps every day, dose, stop and result (readable and exportable), its status says
it ended early, and a new program can start. A food test under way is closed so that its
reading stays honest: dose days still to come are cancelled (a stop that is not a reaction),
a washout ends today.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from dietplanner.accounts.models import User
from dietplanner.accounts.selectors import active_link

from .models import Challenge, Dose, Program
from .services import PlanError, plan_change_record, program_lock, program_refresh
from .stopping import stop_note

END_NOTE = "The program was ended."


def may_end(user: User, program: Program) -> bool:
    """The patient themself, or a dietitian with an active approved link to them."""
    if user.pk == program.patient_id:
        return True
    return bool(user.is_dietitian and active_link(user, program.patient) is not None)


@transaction.atomic
def program_end(*, program: Program, by: User, today: date, reason: str = "") -> Program:
    """End a running program today; returns it. Raises PlanError when it already ended or
    `by` may not end it.

    A challenge in its dose days stops today (the patient's choice, or "another reason" when
    the dietitian ends it: never read as a reaction); one in its washout ends its washout
    today. Planned challenges stay planned, as a record of what was left to test. Logged on
    the plan; the verdicts and the long-term plan are refreshed (every group gets one).
    """
    if not may_end(by, program):
        raise PlanError("Only the patient or their linked dietitian can end this program.")
    program = program_lock(program.pk)
    if not program.is_active:
        raise PlanError("This program has already ended.")
    closed = [_close(c, today, by == program.patient) for c in _running(program)]
    program.status = Program.Status.ABANDONED
    program.ended_at = timezone.now()
    program.ended_by = by
    program.end_reason = reason.strip()
    program.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated"])
    who = "" if by == program.patient else " by the dietitian"
    why = f": {program.end_reason}" if program.end_reason else ""
    during = "".join(f" {text}" for text in closed if text)
    plan_change_record(
        program=program,
        author=by,
        summary=f"Ended the program{who} on {today.day} {today:%b %Y}, back to usual "
        f"eating{why}.{during}",
    )
    program_refresh(program=program, today=today)
    return program


def _running(program: Program) -> list[Challenge]:
    return list(
        program.challenges.select_for_update()
        .filter(status__in=[Challenge.Status.ACTIVE, Challenge.Status.WASHOUT])
        .exclude(first_dose_day=None)
        .select_related("food_group")
    )


def _close(challenge: Challenge, today: date, by_patient: bool) -> str:
    """Close one running challenge as of today; returns what the log says about it."""
    name = "a blinded test" if challenge.blinded else challenge.food_group.name
    if challenge.first_dose_day > today:  # started with a date to come: not started at all
        Dose.objects.filter(challenge=challenge).delete()
        challenge.status = Challenge.Status.PLANNED
        challenge.first_dose_day = None
        challenge.save(update_fields=["status", "first_dose_day", "updated"])
        return ""
    if today <= challenge.last_dose_day:
        cause = Challenge.StopCause.PATIENT_CHOICE if by_patient else Challenge.StopCause.OTHER
        challenge.status = Challenge.Status.STOPPED
        challenge.stop_cause = cause
        challenge.stop_day = today
        lines = [challenge.stop_reason, stop_note(today, END_NOTE)]
        challenge.stop_reason = "\n".join(filter(None, lines))
        challenge.save(update_fields=["status", "stop_cause", "stop_day", "stop_reason", "updated"])
        Dose.objects.filter(challenge=challenge, date__gt=today).delete()
        return f"The {name} test stopped with it (not a reaction)."
    challenge.status = Challenge.Status.DONE
    challenge.washout_end = today
    challenge.save(update_fields=["status", "washout_end", "updated"])
    return f"The washout after {name} ended with it."
