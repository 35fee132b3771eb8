"""The health questions before a diet: the patient's answers, a dietitian's clearance, the gate.

    screening = screening_save(patient=pat, answers={...})        # a new row when they change
    screening_clear(screening=screening, dietitian=dana, note="")  # recorded: who and when
    screening_gate(patient=pat, protocol=protocol)                 # None, or why not

The questions and which answers need a clinician live in `dietplanner.analysis.screening`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dietplanner.accounts.models import User
from dietplanner.accounts.selectors import active_link
from dietplanner.analysis import screening as intake
from foods.models import Protocol

from .models import Program, Screening


class ScreeningError(ValueError):
    """Answers or a clearance that cannot be saved; the message is shown as is."""


def current_screening(patient: User) -> Screening | None:
    """The patient's newest answers, or None before the first intake."""
    return Screening.objects.filter(patient=patient).order_by("-answered_at", "-pk").first()


@dataclass(frozen=True)
class Gate:
    """Why a patient may not start a diet themselves: a one-line reason and what to do."""

    reason: str
    advice: str
    concerns: tuple[intake.Concern, ...] = ()
    needs_answers: bool = False
    clinic_only: bool = False


def screening_gate(*, patient: User, protocol: Protocol, screening=None) -> Gate | None:
    """None when the patient may start this diet alone, else a Gate saying why not.

    Pass `screening` to reuse a loaded row (the patient's current answers).
    """
    if protocol.assessed_by_endoscopy:
        return Gate(
            reason="This diet is for eosinophilic oesophagitis and is checked by endoscopy.",
            advice="Your dietitian starts it with you.",
            clinic_only=True,
        )
    screening = screening if screening is not None else current_screening(patient)
    if screening is None:
        return Gate(
            reason="Please answer the health questions first.",
            advice="They take about two minutes.",
            needs_answers=True,
        )
    if screening.allows(protocol):
        return None
    assessment = screening.assessment_for(protocol)
    return Gate(
        reason=assessment.concerns[0].reason if assessment.concerns else "",
        advice=assessment.advice,
        concerns=assessment.concerns,
    )


def needs_review(screening: Screening | None, program: Program | None = None) -> bool:
    """Whether a clinician should look at these answers: worrying and not yet cleared.

    For a running program the coeliac question counts only when its diet leaves out gluten;
    without one, every worrying answer counts.
    """
    if screening is None or screening.is_cleared:
        return False
    if program is not None:
        return not screening.assessment_for(program.protocol).clear
    return not screening.assessment().clear


@transaction.atomic
def screening_save(*, patient: User, answers: dict[str, str]) -> Screening:
    """Store the patient's answers and link them to their running program.

    Unchanged answers add nothing. A clearance carries over when the new answers raise no
    concern the cleared ones did not. Raises ScreeningError when an answer is missing.
    """
    if errors := intake.answer_errors(answers):
        raise ScreeningError("Please answer every question (" + "; ".join(errors) + ").")
    previous = current_screening(patient)
    if previous is not None and previous.answers == answers:
        return previous
    screening = Screening(patient=patient, answers=dict(answers))
    if previous is not None and previous.is_cleared:
        before = previous.assessment().worrying_questions
        if screening.assessment().worrying_questions <= before:
            screening.cleared_by = previous.cleared_by
            screening.cleared_at = previous.cleared_at
            screening.clearance_note = previous.clearance_note
    screening.save()
    Program.objects.active().filter(patient=patient).update(screening=screening)
    return screening


@transaction.atomic
def screening_clear(*, screening: Screening, dietitian: User, note: str = "") -> Screening:
    """A linked dietitian clears these answers for a program (who and when are recorded).

    Raises ScreeningError when the dietitian has no active link to the patient or when
    newer answers replaced these.
    """
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    if not dietitian.is_dietitian or active_link(dietitian, screening.patient) is None:
        raise ScreeningError("Only the patient's linked dietitian can clear them.")
    if current_screening(screening.patient).pk != screening.pk:
        raise ScreeningError("The client changed these answers: review the new ones.")
    if screening.is_cleared:
        return screening
    screening.cleared_by = dietitian
    screening.cleared_at = timezone.now()
    screening.clearance_note = note.strip()
    screening.save(update_fields=["cleared_by", "cleared_at", "clearance_note"])
    return screening
