"""The dietitian records what an endoscopy showed for a food group (who and when are kept)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from dietplanner.accounts.models import User
from dietplanner.accounts.selectors import active_link

from .endoscopy import Outcome
from .models import Challenge, EndoscopyOutcome
from .services import program_refresh


class EndoscopyError(ValueError):
    """An outcome that cannot be recorded; the message is shown as is."""


@transaction.atomic
def endoscopy_record(
    *,
    challenge: Challenge,
    dietitian: User,
    outcome: str,
    on: date | None,
    today: date,
    note: str = "",
) -> EndoscopyOutcome:
    """Record what an endoscopy showed for this food group (who and when are kept), then
    refresh the program's results and long-term plan.

    Raises EndoscopyError unless `dietitian` has an active link to the patient, the diet is
    judged by endoscopy, the group has come back (started), and the date is given (except for
    "not assessed"), not in the future and not before the group came back.
    """
    program = challenge.program
    if not dietitian.is_dietitian or active_link(dietitian, program.patient) is None:
        raise EndoscopyError("Only the client's linked dietitian can record an endoscopy.")
    if not program.protocol.assessed_by_endoscopy:
        raise EndoscopyError("This diet is judged by symptom scores, not by endoscopy.")
    if not challenge.is_started or challenge.first_dose_day is None:
        raise EndoscopyError("This food group has not been brought back yet.")
    if outcome not in Outcome.values:
        raise EndoscopyError("Choose what the endoscopy showed.")
    if outcome != Outcome.NOT_ASSESSED and on is None:
        raise EndoscopyError("Give the date of the endoscopy.")
    if on is not None and on > today:
        raise EndoscopyError("The endoscopy date cannot be in the future.")
    if on is not None and on < challenge.first_dose_day:
        raise EndoscopyError(
            "That endoscopy was before this food group came back, so it cannot show how it "
            "was taken."
        )
    row, _ = EndoscopyOutcome.objects.update_or_create(
        challenge=challenge,
        defaults={
            "outcome": outcome,
            "endoscopy_on": on,
            "note": note.strip(),
            "recorded_by": dietitian,
            "recorded_by_name": dietitian.full_name,
            "recorded_at": timezone.now(),
        },
    )
    program_refresh(program=program, today=today)
    return row
