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
from dietplanner.prepared import Prepared
from foods.models import Protocol, ProtocolGroup

from .models import Program, Screening


class ScreeningError(ValueError):
    """Answers or a clearance that cannot be saved; the message is shown as is."""


def current_screening(patient: User) -> Screening | None:
    """The patient's newest answers, or None before the first intake."""
    return _CURRENT_SCREENING.first(patient_id=patient.pk)


_CURRENT_SCREENING = Prepared(
    lambda patient_id: (
        Screening.objects.filter(patient_id=patient_id)
        .select_related("cleared_by")
        .order_by("-answered_at", "-pk")[:1]
    ),
    patient_id=int,
)


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
    without one, every worrying answer counts. (The client list applies the same rule through
    `review_needed` with the gluten question settled in bulk.)
    """
    if program is None or not program.is_active:
        return review_needed(screening, removes_gluten=True)
    slugs = [g.slug for g in program.protocol.groups_in_order()]
    return review_needed(screening, removes_gluten=intake.removes_gluten(slugs))


ANSWERS_FIRST = (
    "Please answer the health questions before your next food test: they take about two minutes."
)


def answers_missing(program: Program) -> bool:
    """Whether a program runs with no health answers at all (imported, or started before the
    questions existed): no new food test starts until the patient answers them."""
    return program.screening_id is None


def review_needed(screening: Screening | None, *, removes_gluten: bool) -> bool:
    if screening is None or screening.is_cleared:
        return False
    return not screening.assessment(removes_gluten=removes_gluten).clear


def current_screenings(patient_ids) -> dict[int, Screening]:
    """The newest answers of each of these patients, by patient id (one query)."""
    latest: dict[int, Screening] = {}
    for screening in Screening.objects.filter(patient_id__in=patient_ids).order_by(
        "patient_id", "-answered_at", "-pk"
    ):
        latest.setdefault(screening.patient_id, screening)
    return latest


def gluten_free_protocol_ids() -> set[int]:
    """Ids of the protocols that leave out gluten (one query)."""
    return set(
        ProtocolGroup.objects.filter(group__slug__in=intake.GLUTEN_GROUPS).values_list(
            "protocol_id", flat=True
        )
    )


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


@dataclass(frozen=True)
class AnswerRow:
    """One question and its answer as a clinician reads it."""

    section: str
    question: str
    answer: str
    worrying: bool


@dataclass(frozen=True)
class ScreeningSummary:
    """A patient's current answers for the report and the export: outcome and every answer."""

    screening: Screening
    assessment: intake.Assessment
    rows: tuple[AnswerRow, ...]

    @property
    def needs_clearance(self) -> bool:
        return not self.screening.is_cleared and not self.assessment.clear


def screening_summary(
    screening: Screening | None, program: Program | None
) -> ScreeningSummary | None:
    """The answers with the ones that need a clinician marked (for the running program's diet;
    without one, as for a diet without gluten)."""
    if screening is None:
        return None
    if program is not None and program.is_active:
        assessment = screening.assessment_for(program.protocol)
    else:
        assessment = screening.assessment(removes_gluten=True)
    titles = dict(intake.SECTIONS)
    worrying = assessment.worrying_questions
    rows = tuple(
        AnswerRow(
            section=titles[q.section],
            question=q.text,
            answer=q.label_of(screening.answers.get(q.slug, "")),
            worrying=q.slug in worrying,
        )
        for q in intake.QUESTIONS
    )
    return ScreeningSummary(screening=screening, assessment=assessment, rows=rows)
