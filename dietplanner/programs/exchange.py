"""A program and its diary as a `dietplanner-diary` document, and back.

    document = program_document(program)                 # ORM -> DiaryDocument (4 queries)
    program = program_import(document=doc, patient=user)  # DiaryDocument -> ORM, all or nothing

The format itself (parse, validate, dump) lives in `dietplanner.analysis.exchange`; this module
only maps it to and from the models. Choices where the two differ:

- `Dose.taken` is None in the database while the intake was not recorded. It is exported as
  `true` (the analysis assumes a planned dose was taken unless recorded as missed), so a
  re-import stores `True` there.
- The model keeps a free-text stop note and the red-flag symptoms; the format has one slug.
  A stopped challenge exports `red_flag` when it has red flags (or stopped for milder allergic
  signs: never at home either), its stored note when that note
  is itself a stop-reason slug (as after an import), else `reaction`. An import stores the
  slug as the note and marks `red_flag` stops as not to be re-tested at home.
- A challenge's `status` is exported as the program record derives it (a test whose dose days
  are over reads washout or done even before the refresh stored it). On import a missing
  status is derived: planned (not started), stopped (stopped early) or active; the import
  then refreshes the program, which stores the status the plan implies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from dietplanner.accounts.models import User
from dietplanner.analysis.diary import (
    STOP_REASONS,
    ChallengeFacts,
    DayEntry,
    DiaryDocument,
    EndoscopyFacts,
    Patient,
    PlanItem,
    ProgramFacts,
    ScreeningAnswers,
)
from dietplanner.analysis.limits import MAX_TEXT
from dietplanner.analysis.vocabulary import VERDICTS
from foods.models import FoodGroup, Protocol

from . import safety
from .endoscopy import outcome_of
from .group_plans import group_plans_for
from .intake import current_screening
from .models import (
    Challenge,
    DailyEntry,
    Dose,
    EndoscopyOutcome,
    Program,
    ReactionAlert,
    Screening,
)
from .record import challenge_facts, load_record
from .services import program_refresh
from .visibility import result_hidden


class ImportRefused(ValueError):
    """The document is valid but cannot be imported for this patient; the message says why."""


def _stop_note(challenge: Challenge) -> str | None:
    """What the patient wrote when stopping (a cause slug from an old import is not words)."""
    note = challenge.stop_reason.strip()
    if not note or note in STOP_REASONS:
        return None
    return note[:MAX_TEXT]


def _stop_cause(reason: str | None) -> str:
    """The stored cause of an imported stop (blank: a reaction, red flag or unknown)."""
    causes = set(Challenge.StopCause.values) - {Challenge.StopCause.REACTION}  # red flag kept
    return reason if reason in causes else ""


def _endoscopy_facts(outcome: EndoscopyOutcome | None) -> EndoscopyFacts | None:
    if outcome is None:
        return None
    return EndoscopyFacts(
        outcome=outcome.outcome,
        on=outcome.endoscopy_on,
        note=outcome.note,
        recorded_by=outcome.recorded_by_name or None,
        recorded_at=outcome.recorded_at,
    )


def _challenge_facts(challenge: Challenge, dose_rows, reveal_arms: bool | None) -> ChallengeFacts:
    """The challenge as the analysis reads it (`record.challenge_facts`), with what the file
    adds: the start of a test not begun yet, the patient's words, the reading, the endoscopy."""
    # A blinded result stays hidden until the test is finished, whatever the arms.
    hidden_result = result_hidden(blinded=challenge.blinded, status=challenge.status)
    # So do its arms, unless `reveal_arms` says otherwise: the format requires an arm on every
    # blinded dose, so the doses are left out (allowed) rather than their arms alone.
    hidden = hidden_result if reveal_arms is None else challenge.blinded and not reveal_arms
    facts = challenge_facts(challenge, dose_rows)
    return replace(
        facts,
        started_on=challenge.first_dose_day,
        stop_note=_stop_note(challenge),
        doses=() if hidden else facts.doses,
        # Only a reading the format knows: a group awaiting its endoscopy has none.
        verdict=None if hidden_result or challenge.verdict not in VERDICTS else challenge.verdict,
        endoscopy=_endoscopy_facts(outcome_of(challenge)),
        probability=None if hidden_result else (challenge.verdict_detail or {}).get("probability"),
    )


def program_document(
    program: Program, *, reveal_arms: bool | None = None, today: date | None = None
) -> DiaryDocument:
    """The program, its challenges, doses, long-term plan and diary as one document (5 queries).

    Read through the program record as of `today` (default: the patient's today), so the
    statuses are those the plan implies even before a refresh stored them. The doses of a
    blinded challenge are left out until it is finished (the default, `reveal_arms=None`), so
    no download can unblind it and the document stays valid. `reveal_arms=True` includes
    them with their arms.
    """
    program = Program.objects.select_related("patient", "protocol", "screening__cleared_by").get(
        pk=program.pk
    )
    patient = program.patient
    record = load_record(
        program,
        today=patient.local_today() if today is None else today,
        measures=patient.measures,
        pause_alerts=[],  # the pause is not part of the document
    )
    entries = tuple(
        DayEntry(
            date=e.date,
            scores=dict(e.scores or {}),
            confounders=tuple(e.confounders or ()),
            off_plan=tuple(e.off_plan or ()),
            note=e.note,
        )
        for e in record.entries
    )
    return DiaryDocument(
        patient=Patient(timezone=patient.timezone or "UTC", name=patient.full_name),
        program=ProgramFacts(
            started_on=program.start_date,
            baseline_days=program.baseline_days,
            symptoms=tuple(program.symptoms),
            challenges=tuple(
                _challenge_facts(c, record.doses_of(c), reveal_arms) for c in record.challenges
            ),
            protocol=program.protocol.slug,
        ),
        entries=entries,
        exported_at=timezone.now(),
        long_term_plan=tuple(
            PlanItem(
                food_group=p.food_group.slug,
                plan=p.status,
                portion=p.portion(patient.measures) or None,
                retest_on=p.retest_on,
                note=p.note,
                changed_by=p.changed_by.full_name if p.changed_by else None,
            )
            for p in group_plans_for(program)
        ),
        screening=_screening_answers(program.screening),
    )


def _screening_answers(screening: Screening | None) -> ScreeningAnswers | None:
    if screening is None:
        return None
    return ScreeningAnswers(
        answers=dict(screening.answers),
        answered_at=screening.answered_at,
        cleared_by=screening.cleared_by.full_name if screening.cleared_by else None,
        cleared_at=screening.cleared_at,
        clearance_note=screening.clearance_note,
    )


def _challenge_status(facts: ChallengeFacts) -> str:
    if facts.status is not None:
        return facts.status
    if facts.started_on is None:
        return Challenge.Status.PLANNED
    if facts.stopped_early_on is not None:
        return Challenge.Status.STOPPED
    return Challenge.Status.ACTIVE


@transaction.atomic
def program_import(
    *,
    document: DiaryDocument,
    patient: User,
    clinic_only_allowed: bool = False,
    today: date | None = None,
) -> Program:
    """Create the document's program for `patient`, with its challenges, doses and entries.

    All or nothing. Raises ImportRefused (with the JSON path where one applies) when the
    patient already runs a program, the catalogue lacks the protocol or a food group, or the
    diet is started by a dietitian only (`Protocol.assessed_by_endoscopy`) and the caller is
    not an operator (`clinic_only_allowed`). The document's health answers are kept as the
    patient's (a clearance from elsewhere is not: their dietitian here clears them); the
    program runs with the patient's newest answers, and without any it starts no new food
    test until they answer (`services.challenge_start`). The program is left refreshed as of
    `today` (default: the patient's today): statuses, verdicts and long-term plan stored.
    """
    facts = document.program
    if Program.objects.active().filter(patient=patient).exists():
        raise ImportRefused(
            f"{patient.email} already has a program running; finish or stop it first."
        )
    protocol = Protocol.objects.filter(slug=facts.protocol).first()
    if protocol is None:
        raise ImportRefused(
            f"program.protocol: protocol {facts.protocol!r} is not in the catalogue"
        )
    if protocol.assessed_by_endoscopy and not clinic_only_allowed:
        raise ImportRefused(
            f"program.protocol: the {protocol.name} diet is for eosinophilic oesophagitis and "
            "is checked by endoscopy: your dietitian starts it with you."
        )
    wanted = {c.food_group for c in facts.challenges}
    groups = {g.slug: g for g in FoodGroup.objects.filter(slug__in=wanted)}
    missing = [
        f"program.challenges[{i}].food_group: food group {c.food_group!r} is not in the catalogue"
        for i, c in enumerate(facts.challenges)
        if c.food_group not in groups
    ]
    if missing:
        raise ImportRefused("; ".join(missing))

    started = any(c.started for c in facts.challenges)
    try:
        with transaction.atomic():
            program = Program.objects.create(
                patient=patient,
                protocol=protocol,
                start_date=facts.started_on,
                baseline_days=facts.baseline_days,
                symptoms=list(facts.symptoms),
                status=Program.Status.REINTRODUCTION if started else Program.Status.BASELINE,
                screening=_keep_answers(patient, document.screening),
            )
    except IntegrityError as exc:  # another import or start a moment ago
        raise ImportRefused(f"{patient.email} already has a program running.") from exc

    challenges = Challenge.objects.bulk_create(
        Challenge(
            program=program,
            food_group=groups[c.food_group],
            position=i,
            dose_days=c.dose_days,
            washout_days=c.washout_days,
            status=_challenge_status(c),
            first_dose_day=c.started_on,
            stop_day=c.stopped_early_on,
            stop_cause=_stop_cause(c.stop_reason),
            stop_reason=c.stop_note or "",
            no_home_retest=c.stop_reason == "red_flag",
            blinded=c.blinded,
            **_blind_fields(c),
        )
        for i, c in enumerate(facts.challenges)
    )
    if any(c.pk is None for c in challenges):  # backends that return no ids from bulk_create
        challenges = list(program.challenges.order_by("position"))
    EndoscopyOutcome.objects.bulk_create(
        EndoscopyOutcome(
            challenge=challenge,
            outcome=c.endoscopy.outcome,
            endoscopy_on=c.endoscopy.on,
            note=c.endoscopy.note,
            recorded_by_name=c.endoscopy.recorded_by or "",
            recorded_at=c.endoscopy.recorded_at or timezone.now(),
        )
        for challenge, c in zip(challenges, facts.challenges, strict=True)
        if c.endoscopy is not None
    )
    Dose.objects.bulk_create(
        Dose(
            challenge=challenge,
            date=d.date,
            step=step,
            portion=d.portion,
            taken=d.taken,
            arm=d.arm or "",
            label=d.label or "",
        )
        for challenge, c in zip(challenges, facts.challenges, strict=True)
        for step, d in enumerate(sorted(c.doses, key=lambda d: d.date), start=1)
    )
    DailyEntry.objects.bulk_create(
        DailyEntry(
            program=program,
            date=e.date,
            scores=dict(e.scores),
            confounders=list(e.confounders),
            off_plan=list(e.off_plan),
            note=e.note,
        )
        for e in document.entries
    )
    _red_flags_pause(program, challenges)
    # The statuses, verdicts and long-term plan the diary implies, stored before anyone reads.
    program_refresh(program=program, today=today or patient.local_today())
    return program


def _keep_answers(patient: User, imported: ScreeningAnswers | None) -> Screening | None:
    """Store the document's health answers for the patient (unless they are the patient's
    current ones), then return the patient's newest answers, or None."""
    current = current_screening(patient)
    if imported is not None and (current is None or current.answers != imported.answers):
        Screening.objects.create(
            patient=patient,
            answers=dict(imported.answers),
            answered_at=imported.answered_at or timezone.now(),
        )
        current = current_screening(patient)
    return current


def _red_flags_pause(program: Program, challenges: list[Challenge]) -> None:
    """A red-flag stop in the imported diary pauses the importing patient's home tests (until
    their dietitian clears them), as if reported here; its groups never come back at home."""
    for challenge in challenges:
        if challenge.no_home_retest:
            safety.alert_raise(
                patient=program.patient,
                severity=ReactionAlert.Severity.RED_FLAG,
                on=challenge.stop_day or challenge.first_dose_day or program.start_date,
                signs=[],
                words="Stopped for a red-flag reaction (from an imported diary).",
                challenge=challenge,
                source=ReactionAlert.Source.IMPORT,
            )
    if program.is_active:
        safety.planned_skip_unsafe(program=program, author=program.patient)


def _blind_fields(c: ChallengeFacts) -> dict:
    """A blinded challenge's design and key as stored: paired when its doses carry pair
    numbers (version 2), the letters when they carry them. The seed of an imported draw is
    not known."""
    if not c.blinded:
        return {}
    doses = sorted(c.doses, key=lambda d: d.date)
    fields: dict = {}
    if c.pairs is not None:
        fields["blind_pairs"] = c.pairs
    if doses and all(d.label for d in doses):
        fields["blind_labels"] = [d.label for d in doses]
        active = {d.label for d in doses if d.arm == "active"}
        if len(active) == 1:
            fields["blind_active_label"] = active.pop()
    return fields
