"""The patient's "I'm having a reaction" report: stop the challenge, and after allergy-like signs
pause every home test (`safety`). One transaction, so a stop never lands without its pause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from dietplanner.accounts.models import User

from . import safety, services
from .models import Challenge, ReactionAlert


@dataclass(frozen=True, slots=True)
class ReactionOutcome:
    """What the report did: the stopped challenge (None: nothing was being tested) and the
    alert raised (None: an ordinary reaction, no allergy-like sign)."""

    stopped: Challenge | None
    alert: ReactionAlert | None

    @property
    def emergency(self) -> bool:
        return self.alert is not None and self.alert.is_red_flag


@transaction.atomic
def reaction_report(
    *,
    patient: User,
    challenge: Challenge | None,
    on: date,
    what: str = "",
    red_flags: list[str] | None = None,
    allergic_signs: list[str] | None = None,
) -> ReactionOutcome:
    """Record a reaction on `on` (the patient's today).

    The running `challenge`, if any, stops (no more portions). Red flags, or milder allergic
    signs soon after a portion, raise a reaction alert: every home test pauses until a linked
    dietitian clears the patient. Raises services.PlanError when the challenge cannot stop.
    """
    red_flags, allergic_signs = list(red_flags or []), list(allergic_signs or [])
    if challenge is not None:
        challenge = services.challenge_stop(
            challenge=challenge, on=on, reason=what, red_flags=red_flags
        )
    alert = None
    if red_flags or allergic_signs:
        severity = ReactionAlert.Severity.RED_FLAG if red_flags else ReactionAlert.Severity.ALLERGIC
        alert = safety.alert_raise(
            patient=patient,
            severity=severity,
            on=on,
            signs=red_flags + allergic_signs,
            words=what,
            challenge=challenge,
        )
    return ReactionOutcome(stopped=challenge, alert=alert)
