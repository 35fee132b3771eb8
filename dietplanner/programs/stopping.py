"""Stopping a food test for illness, travel or choice: not a reaction, so not a result.

A reaction stop (`services.challenge_stop`) is evidence; this one is not. The stopped challenge
keeps its days and the patient's words (history, exports), the analysis is told the cause so
it never reads the stop as a reaction, and the group is planned again right after it: it comes
back as the next test once the washout has settled.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from dietplanner.accounts.models import User

from .models import Challenge, Dose
from .services import PlanError, plan_change_record, program_lock, program_refresh

Cause = Challenge.StopCause
# The causes a patient can give here; a reaction has its own page (diary:reaction).
PAUSE_CAUSES = (Cause.ILLNESS, Cause.TRAVEL, Cause.PATIENT_CHOICE, Cause.OTHER)


def stop_note(on: date, note: str) -> str:
    """One line of the patient's words as stored with the stop ("2026-02-03: ...")."""
    return f"{on.isoformat()}: {note.strip()}" if note.strip() else ""


def _is_dose_day(challenge: Challenge, on: date) -> bool:
    first, last = challenge.first_dose_day, challenge.last_dose_day
    return first is not None and last is not None and first <= on <= last


@transaction.atomic
def challenge_pause(
    *,
    challenge: Challenge,
    on: date,
    cause: str,
    author: User,
    note: str = "",
    dose_taken: bool | None = None,
) -> Challenge:
    """Stop a challenge in its dose days for a cause that is not a reaction; returns the new
    planned challenge of the same group (None for a blinded test: the dietitian plans a new
    one, since its portions were prepared for it).

    `dose_taken=False` records that today's portion was not eaten. Logged on the plan with
    `author` (the patient). Raises PlanError outside the dose days or for an unknown cause.
    """
    if cause not in PAUSE_CAUSES:
        raise PlanError("Choose why you are stopping: illness, travel, your choice or other.")
    program = program_lock(challenge.program_id)
    if not program.is_active:
        raise PlanError("This program has ended.")
    challenge = (
        Challenge.objects.select_for_update().select_related("food_group").get(pk=challenge.pk)
    )
    if challenge.status == Challenge.Status.STOPPED:
        raise PlanError("This food test is already stopped.")
    if challenge.status != Challenge.Status.ACTIVE or not _is_dose_day(challenge, on):
        raise PlanError(
            "The portions of this test are over, so there is nothing to stop. If you are ill "
            "or away, tick it in your check-in: the next test waits until you feel as before."
        )
    challenge.status = Challenge.Status.STOPPED
    challenge.stop_cause = cause
    challenge.stop_day = on
    challenge.stop_reason = "\n".join(filter(None, [challenge.stop_reason, stop_note(on, note)]))
    challenge.save(update_fields=["status", "stop_cause", "stop_day", "stop_reason", "updated"])
    Dose.objects.filter(challenge=challenge, date__gt=on).delete()
    if dose_taken is False:
        Dose.objects.filter(challenge=challenge, date=on).update(taken=False)
    again = None if challenge.blinded else _plan_again(challenge)
    name = "a blinded test" if challenge.blinded else challenge.food_group.name
    then = (
        f" {name} will be tested again when you feel as before."
        if again
        else " Your dietitian can plan it again."
    )
    plan_change_record(
        program=program,
        author=author,
        summary=f"Stopped {name} on {on.day} {on:%b %Y} for "
        f"{challenge.get_stop_cause_display()}, not a reaction.{then}",
    )
    program_refresh(program=program, changed_on=on, today=on)
    return again


def _plan_again(stopped: Challenge) -> Challenge:
    """The same group planned right after the stopped challenge (later ones move down one)."""
    later = list(
        Challenge.objects.filter(program_id=stopped.program_id, position__gt=stopped.position)
        .order_by("-position")
        .values_list("pk", "position")
    )
    # From the last one up, so no two rows ever share a position (unique per program).
    for pk, position in later:
        Challenge.objects.filter(pk=pk).update(position=position + 1)
    return Challenge.objects.create(
        program_id=stopped.program_id,
        food_group=stopped.food_group,
        position=stopped.position + 1,
        dose_days=stopped.dose_days,
        washout_days=stopped.washout_days,
        is_rechallenge=stopped.is_rechallenge,
        rechallenge_of=stopped.rechallenge_of,
    )
