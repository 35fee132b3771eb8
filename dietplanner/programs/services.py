"""Multi-step writes on programs: start, challenge start/stop, plan edits, the refresh of what
they imply (statuses, verdicts, long-term plan)."""

import logging
from datetime import date, datetime, time
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from dietplanner.accounts.clock import patient_today, zone_today
from dietplanner.accounts.models import User
from dietplanner.accounts.selectors import active_link
from dietplanner.analysis.limits import BASELINE_DAYS, DOSE_DAYS, WASHOUT_DAYS
from dietplanner.analysis.vocabulary import SYMPTOMS, TodayKind
from foods.models import FoodGroup, Protocol

from . import intake, safety
from .baseline_check import HOLD as BASELINE_HOLD
from .baseline_check import baseline_hold
from .blinding import portion_text
from .group_plans import group_plans_may_change, group_plans_refresh, plan_inputs
from .models import Challenge, Dose, PlanChange, Program
from .record import ProgramRecord, load_record
from .schedule.blinded import (
    DEFAULT_PAIRS,
    DEFAULT_WASHOUT,
    WASHOUT_RANGE,
    blinded_design,
    check_design,
    new_seed,
)
from .signals import program_refreshed
from .verdicts import VERDICT_FIELDS, verdicts_refresh

logger = logging.getLogger(__name__)

MAX_EXTENSION_DAYS = 14
DOSE_DAYS_RANGE = DOSE_DAYS
WASHOUT_DAYS_RANGE = WASHOUT_DAYS
SCREENING_HOLD = (
    "Your health answers changed: your dietitian needs to see them before the next food test."
)


class PlanError(ValueError):
    """A plan change that cannot be made; the message is shown to the user as is."""


def program_challenges(program: Program) -> list[Challenge]:
    """The program's challenges in plan order, with their group (one query), for an edit."""
    return list(program.challenges.select_related("food_group").order_by("position"))


def program_lock(program_id: int) -> Program:
    """Lock a program's row, inside the caller's transaction, before anything of it.

    Every write to a program, its challenges, doses, diary entries or plan log takes this lock
    first: with one order everywhere (program, then its rows) two edits of the same program
    queue up instead of deadlocking (a patient's reorder and a dietitian's skip used to).
    """
    # Its own row only (`of`): the protocol row it reads is shared by every program on that diet.
    return (
        Program.objects.select_for_update(of=("self",))
        .select_related("protocol")
        .get(pk=program_id)
    )


@transaction.atomic
def program_start(
    *,
    patient: User,
    protocol: Protocol,
    start_date: date,
    baseline_days: int,
    symptoms: list[str],
    reminder_time: time | None = None,
    today: date,
    started_by: User | None = None,
) -> Program:
    """Start a program: the protocol's eliminated groups become planned challenges in order.

    The patient's health answers must allow this diet (`intake.screening_gate`); a linked
    dietitian (`started_by`) may start any diet for a client who answered, and doing so clears
    answers that needed a clinician. Raises PlanError when the patient already runs a program,
    the answers do not allow it, or the settings are out of bounds.
    """
    if Program.objects.active().filter(patient=patient).exists():
        raise PlanError("You already have a program running. Finish or stop it first.")
    screening = _screening_for_start(patient=patient, protocol=protocol, started_by=started_by)
    if start_date < today:
        raise PlanError("The first baseline day cannot be in the past.")
    if not protocol.baseline_min <= baseline_days <= protocol.baseline_max:
        raise PlanError(
            f"The baseline of this diet lasts {protocol.baseline_min} to "
            f"{protocol.baseline_max} days."
        )
    if not symptoms:
        raise PlanError("Choose at least one symptom to track.")
    try:
        with transaction.atomic():
            program = Program.objects.create(
                patient=patient,
                protocol=protocol,
                start_date=start_date,
                baseline_days=baseline_days,
                symptoms=list(symptoms),
                reminder_time=reminder_time,
                screening=screening,
            )
    except IntegrityError as exc:  # a second tab started one a moment ago
        raise PlanError("You already have a program running.") from exc
    Challenge.objects.bulk_create(
        Challenge(
            program=program,
            food_group=group,
            position=i,
            dose_days=protocol.dose_days,
            washout_days=protocol.washout_days,
        )
        for i, group in enumerate(protocol.groups_in_order())
    )
    # A group the patient reacted to in an earlier program never comes back as a home test.
    safety.planned_skip_unsafe(program=program, author=patient)
    return program


def _screening_for_start(*, patient: User, protocol: Protocol, started_by: User | None):
    """The answers a new program starts with; PlanError when they do not allow this diet."""
    screening = intake.current_screening(patient)
    if started_by is not None and started_by != patient:
        if not started_by.is_dietitian or active_link(started_by, patient) is None:
            raise PlanError("Only the client's linked dietitian can start a program for them.")
        if screening is None:
            raise PlanError("Ask your client to answer the health questions first.")
        if not screening.allows(protocol):
            intake.screening_clear(screening=screening, dietitian=started_by)
        return screening
    gate = intake.screening_gate(patient=patient, protocol=protocol, screening=screening)
    if gate is not None:
        raise PlanError(f"{gate.reason} {gate.advice}")
    return screening


@transaction.atomic
def challenge_start(*, challenge: Challenge, on: date) -> Challenge:
    """Start the next challenge today: its dose days and portions are fixed from the plan.

    Raises PlanError unless the plan says the patient is ready for exactly this challenge.
    """
    program = program_lock(challenge.program_id)
    if intake.answers_missing(program):
        raise PlanError(intake.ANSWERS_FIRST)
    if safety.home_tests_paused(program.patient):
        raise PlanError(safety.PAUSED_REFUSAL)
    _refuse_unsafe(program.patient, challenge.food_group)
    if intake.needs_review(program.screening, program):
        raise PlanError(SCREENING_HOLD)
    record = load_record(program, today=on, measures=program.patient.measures)
    plan = record.plan
    if plan.today.kind != TodayKind.READY_FOR_NEXT or plan.today.challenge_key != str(
        challenge.public_id
    ):
        raise PlanError("This food group cannot start today. Your plan says what comes next.")
    if baseline_hold(record) is not None:
        raise PlanError(BASELINE_HOLD)
    challenge.refresh_from_db()
    challenge.status = Challenge.Status.ACTIVE
    challenge.first_dose_day = on
    challenge.save(update_fields=["status", "first_dose_day", "updated"])
    program.status = Program.Status.REINTRODUCTION
    program.save(update_fields=["status", "updated"])
    record = load_record(program, today=on, measures=program.patient.measures)
    started = record.plan.challenge(str(challenge.public_id))
    Dose.objects.bulk_create(_doses(challenge, started.dose_days))
    program_refresh(program=program, changed_on=on, today=on)
    challenge.refresh_from_db(fields=VERDICT_FIELDS)
    return challenge


START_UNDO_TOO_LATE = (
    "Only a food test started today can be undone, and only before its first portion is logged."
)


@transaction.atomic
def challenge_start_undo(*, challenge: Challenge, on: date) -> Challenge:
    """Take back "Start X today": the challenge is planned again, in its place in the order.

    Only on the day it started (`on`, the patient's today) and before any of its doses is
    logged (taken or not); raises PlanError otherwise. The program returns to its baseline
    when no other challenge has started.
    """
    program = program_lock(challenge.program_id)
    challenge.refresh_from_db()
    if challenge.status != Challenge.Status.ACTIVE or challenge.first_dose_day != on:
        raise PlanError(START_UNDO_TOO_LATE)
    if challenge.doses.exclude(taken=None).exists():
        raise PlanError(START_UNDO_TOO_LATE)
    challenge.doses.all().delete()
    challenge.status = Challenge.Status.PLANNED
    challenge.first_dose_day = None
    challenge.save(update_fields=["status", "first_dose_day", "updated"])
    if not program.challenges.filter(status__in=Challenge.STARTED_STATUSES).exists():
        program.status = Program.Status.BASELINE
        program.save(update_fields=["status", "updated"])
    program_refresh(program=program, changed_on=on, today=on)
    challenge.refresh_from_db(fields=VERDICT_FIELDS)
    return challenge


def _doses(challenge: Challenge, dose_days) -> list:
    """Dose rows from the engine's days; a blinded challenge's come from its stored order."""
    letters = challenge.blind_letters
    doses = []
    for d in dose_days:
        label = letters[d.number - 1] if d.number <= len(letters) else ""
        doses.append(
            Dose(
                challenge=challenge,
                date=d.day,
                step=d.step,
                portion=portion_text(label) if label else d.portion,
                label=label,
                arm=challenge.arm_of(label),
            )
        )
    return doses


@transaction.atomic
def challenge_stop(
    *, challenge: Challenge, on: date, reason: str = "", red_flags: list[str] | None = None
) -> Challenge:
    """Stop a challenge for a reaction: no further doses, the washout starts tomorrow.

    Red-flag symptoms mark the group as never to be re-tested at home. Raises PlanError when
    the challenge is not in its dose days or washout on `on`.
    """
    program_lock(challenge.program_id)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge.first_dose_day or challenge.first_dose_day > on:
        raise PlanError("This food group is not being tested today.")
    if challenge.status in (Challenge.Status.DONE, Challenge.Status.SKIPPED):
        raise PlanError("This challenge is already finished.")
    last_dose = challenge.last_dose_day
    already = challenge.status == Challenge.Status.STOPPED
    if not already:
        challenge.stop_day = min(on, last_dose)
    challenge.status = Challenge.Status.STOPPED
    note = f"{on.isoformat()}: {reason.strip()}" if reason.strip() else ""
    challenge.stop_reason = "\n".join(filter(None, [challenge.stop_reason, note]))
    flags = sorted(set(challenge.red_flags) | set(red_flags or []))
    challenge.red_flags = flags
    challenge.no_home_retest = challenge.no_home_retest or bool(flags)
    challenge.save()
    Dose.objects.filter(challenge=challenge, date__gt=challenge.stop_day).delete()
    program_refresh(program=challenge.program, changed_on=challenge.stop_day, today=on)
    challenge.refresh_from_db(fields=VERDICT_FIELDS)
    return challenge


@transaction.atomic
def baseline_extend(
    *, program: Program, days: int, today: date, author: User | None = None
) -> Program:
    """Add days to a baseline that has not ended; the plan moves with it.

    With an `author`, the change is logged on the plan (PlanChange).
    """
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise PlanError(f"Extend by 1 to {MAX_EXTENSION_DAYS} days at a time.")
    program = program_lock(program.pk)
    if program.status != Program.Status.BASELINE:
        raise PlanError("The baseline is over: the first challenge has started.")
    longest = min(program.protocol.baseline_max, BASELINE_DAYS[1])
    if program.baseline_days + days > longest:
        left = longest - program.baseline_days
        more = f" (at most {left} more day{'s' if left != 1 else ''})" if left > 0 else ""
        raise PlanError(
            f"This diet's baseline lasts at most {longest} days{more}. Past that, more strict "
            "days are not the answer: please talk to your dietitian."
        )
    if program.original_baseline_days is None:
        program.original_baseline_days = program.baseline_days
    program.baseline_days += days
    program.save(update_fields=["baseline_days", "original_baseline_days", "updated"])
    if author is not None:
        end = program.planned_baseline_end
        plan_change_record(
            program=program,
            author=author,
            summary=f"Extended the baseline by {days} day{'s' if days != 1 else ''}: "
            f"{program.baseline_days} days, to {end.day} {end:%b %Y}.",
        )
    return program


@transaction.atomic
def baseline_extend_undo(
    *, program: Program, days: int, extended_to: int, author: User | None = None
) -> Program:
    """Take back an extension of `days` that brought the baseline to `extended_to` days.

    Refused (PlanError) once the baseline is over, when the plan changed since (another
    extension or undo: `extended_to` no longer matches), or below the first planned length.
    With an `author`, the change is logged on the plan (PlanChange).
    """
    program = program_lock(program.pk)
    if program.status != Program.Status.BASELINE:
        raise PlanError("The baseline is over: the first challenge has started.")
    original = program.original_baseline_days or program.baseline_days
    if program.baseline_days != extended_to or not 1 <= days <= extended_to - original:
        raise PlanError("Your plan changed since: there is no extension to undo here.")
    program.baseline_days -= days
    if program.baseline_days == original:
        program.original_baseline_days = None
    program.save(update_fields=["baseline_days", "original_baseline_days", "updated"])
    if author is not None:
        end = program.planned_baseline_end
        plan_change_record(
            program=program,
            author=author,
            summary=f"Undid a baseline extension of {days} day{'s' if days != 1 else ''}: "
            f"{program.baseline_days} days, to {end.day} {end:%b %Y}.",
        )
    return program


@transaction.atomic
def program_symptoms_change(*, program: Program, symptoms: list[str], today: date) -> Program:
    """Track `symptoms` from tomorrow on: today's check-in keeps today's list.

    Choosing the list already tracked cancels a pending change. Raises PlanError on an empty
    list or an unknown symptom.
    """
    if not symptoms:
        raise PlanError("Keep at least one symptom to score each day.")
    unknown = [s for s in symptoms if s not in SYMPTOMS]
    if unknown:
        raise PlanError(f"'{unknown[0]}' is not a symptom we can track.")
    program = program_lock(program.pk)
    # The symptoms kept stay in their order, new ones follow in the vocabulary's.
    chosen = [s for s in program.symptoms if s in symptoms]
    chosen += [s for s in SYMPTOMS if s in symptoms and s not in chosen]
    if set(chosen) == set(program.symptoms):
        program.symptoms_change = {}
    else:
        tomorrow = date.fromordinal(today.toordinal() + 1)
        program.symptoms_change = {"from": tomorrow.isoformat(), "symptoms": chosen}
    program.save(update_fields=["symptoms_change", "updated"])
    return program


def program_symptoms_due(*, program: Program, on: date) -> bool:
    """Store a pending symptom change whose first day has come (before a check-in of `on` or
    later is saved). Returns whether it did; the caller holds the program's lock."""
    start = program.symptoms_change_from
    if start is None or on < start:
        return False
    program.symptoms = program.symptoms_on(on)
    program.symptoms_change = {}
    program.save(update_fields=["symptoms", "symptoms_change", "updated"])
    return True


@transaction.atomic
def challenges_reorder(*, program: Program, order: list[str], author: User | None = None) -> None:
    """Put the planned challenges in the given order (public ids); started ones stay put.

    With an `author`, the change is logged on the plan (PlanChange).
    """
    # Program first, as everywhere: two reorders (two tabs) cannot interleave their updates.
    program_lock(program.pk)
    challenges = program_challenges(program)
    by_id = {str(c.public_id): c for c in challenges}
    planned = [c for c in challenges if c.status == Challenge.Status.PLANNED]
    if sorted(order) != sorted(str(c.public_id) for c in planned):
        for key in order:
            if key in by_id and by_id[key].status == Challenge.Status.SKIPPED:
                raise PlanError(
                    f"{by_id[key].food_group.name} is skipped: put it back before moving it."
                )
            if key in by_id and by_id[key].status != Challenge.Status.PLANNED:
                raise PlanError(
                    f"{by_id[key].food_group.name} has already started or finished and "
                    "keeps its place."
                )
        raise PlanError("The plan changed meanwhile. Please try again.")
    slots = sorted(c.position for c in planned)
    offset = max(c.position for c in challenges) + 1 if challenges else 0
    # Two passes, so the unique (program, position) never sees two rows on one slot.
    for i, challenge in enumerate(planned):
        Challenge.objects.filter(pk=challenge.pk).update(position=offset + i)
    for slot, key in zip(slots, order, strict=True):
        Challenge.objects.filter(pk=by_id[key].pk).update(position=slot)
    if author is not None and order != [str(c.public_id) for c in planned]:
        names = ", ".join(_name(by_id[key]) for key in order)
        plan_change_record(
            program=program, author=author, summary=f"New order of the groups to test: {names}."
        )


@transaction.atomic
def challenge_skip(*, challenge: Challenge, author: User | None = None) -> Challenge:
    """Leave a planned group out of this program; it takes no days (logged with an author)."""
    program_lock(challenge.program_id)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != Challenge.Status.PLANNED:
        raise PlanError(f"{challenge.food_group.name} has already started and cannot be skipped.")
    challenge.status = Challenge.Status.SKIPPED
    challenge.save(update_fields=["status", "updated"])
    if author is not None:
        plan_change_record(
            program=challenge.program, author=author, summary=f"Skipped {_name(challenge)}."
        )
    # Skipping the last group left to test may complete the program: that is stored by the
    # next check-in or the next day's refresh, so the plan can still grow today.
    return challenge


@transaction.atomic
def challenge_unskip(*, challenge: Challenge, author: User | None = None) -> Challenge:
    """Put a skipped group back at its old place (logged with an author)."""
    program_lock(challenge.program_id)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != Challenge.Status.SKIPPED:
        raise PlanError("Only a skipped food group can be put back.")
    _refuse_unsafe(challenge.program.patient, challenge.food_group)
    challenge.status = Challenge.Status.PLANNED
    challenge.save(update_fields=["status", "updated"])
    if author is not None:
        plan_change_record(
            program=challenge.program,
            author=author,
            summary=f"Put {_name(challenge)} back in the plan.",
        )
    return challenge


# --- the plan change log and the dietitian's edits ---------------------------------------------


def _name(challenge: Challenge) -> str:
    """A challenge as named in the change log, which the patient reads: blinded tests unnamed."""
    return "a blinded test" if challenge.blinded else challenge.food_group.name


def plan_change_record(*, program: Program, author: User, summary: str) -> PlanChange:
    """Log one change of the plan (who, when, what); the patient sees it on their plan page.

    Call it inside the service that made the change, so both commit or neither does. The
    summary is shown to the patient as is: it must never name a blinded test's arms.
    """
    return PlanChange.objects.create(program=program, author=author, summary=summary)


def _refuse_unsafe(patient: User, food_group: FoodGroup) -> None:
    """PlanError for a group this patient must never test at home (`safety.never_at_home`)."""
    if food_group.slug in safety.never_at_home(patient):
        raise PlanError(safety.unsafe_message(food_group))


def _check_days(dose_days: int, washout_days: int) -> None:
    low, high = DOSE_DAYS_RANGE
    if not low <= dose_days <= high:
        raise PlanError(f"Dose days must be {low} to {high}.")
    low, high = WASHOUT_DAYS_RANGE
    if not low <= washout_days <= high:
        raise PlanError(f"Washout days must be {low} to {high}.")


def _locked_running(program: Program) -> Program:
    program = program_lock(program.pk)
    if not program.is_active:
        raise PlanError("This program has ended, so its plan can no longer change.")
    return program


def _next_position(program: Program) -> int:
    last = program.challenges.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def _refuse_if_planned(program: Program, food_group: FoodGroup) -> None:
    """Refuse a group the plan already holds (to test, being tested or skipped)."""
    pending = (
        program.challenges.filter(food_group=food_group)
        .exclude(status__in=[Challenge.Status.DONE, Challenge.Status.STOPPED])
        .first()
    )
    if pending is None:
        return
    if pending.status == Challenge.Status.SKIPPED:
        raise PlanError(f"{food_group.name} is already in the plan, skipped: put it back instead.")
    raise PlanError(f"{food_group.name} is already planned.")


@transaction.atomic
def challenge_add(
    *,
    program: Program,
    food_group: FoodGroup,
    author: User,
    dose_days: int | None = None,
    washout_days: int | None = None,
) -> Challenge:
    """Add any catalogue group at the end of the plan (a custom plan); logged.

    Days default to the protocol's. Raises PlanError for a group already in the plan (a tested
    one takes a re-challenge instead), days out of range or an ended program.
    """
    program = _locked_running(program)
    dose_days = program.protocol.dose_days if dose_days is None else dose_days
    washout_days = program.protocol.washout_days if washout_days is None else washout_days
    _check_days(dose_days, washout_days)
    _refuse_unsafe(program.patient, food_group)
    _refuse_if_planned(program, food_group)
    if program.challenges.filter(food_group=food_group).exists():
        raise PlanError(
            f"{food_group.name} has already been tested: add a re-challenge of it instead."
        )
    challenge = Challenge.objects.create(
        program=program,
        food_group=food_group,
        position=_next_position(program),
        dose_days=dose_days,
        washout_days=washout_days,
    )
    plan_change_record(
        program=program,
        author=author,
        summary=f"Added {food_group.name}: {dose_days} dose days, {washout_days} washout days.",
    )
    return challenge


@transaction.atomic
def challenge_days_change(
    *, challenge: Challenge, dose_days: int, washout_days: int, author: User
) -> Challenge:
    """Change a planned challenge's dose and washout days; logged.

    Raises PlanError once the challenge has started (its days are under way) or for days out
    of range (dose 1-7, washout 1-14).
    """
    _locked_running(challenge.program)
    challenge = (
        Challenge.objects.select_for_update().select_related("food_group").get(pk=challenge.pk)
    )
    _check_days(dose_days, washout_days)
    if challenge.status != Challenge.Status.PLANNED:
        raise PlanError(
            f"{challenge.food_group.name} has started or is skipped: its days cannot change."
        )
    if challenge.blinded and dose_days != challenge.dose_days:
        raise PlanError("A blinded test keeps its number of portions; add a new one instead.")
    low, high = WASHOUT_RANGE
    if challenge.paired and not low <= washout_days <= high:
        raise PlanError(f"Washout after each test day must be {low} to {high} days.")
    if (dose_days, washout_days) == (challenge.dose_days, challenge.washout_days):
        return challenge
    challenge.dose_days, challenge.washout_days = dose_days, washout_days
    challenge.save(update_fields=["dose_days", "washout_days", "updated"])
    plan_change_record(
        program=challenge.program,
        author=author,
        summary=f"Changed {_name(challenge)}: {dose_days} dose days, {washout_days} washout days.",
    )
    return challenge


def _finished_original(challenge: Challenge) -> Challenge:
    if challenge.status not in (Challenge.Status.DONE, Challenge.Status.STOPPED):
        raise PlanError(f"{challenge.food_group.name} is not finished: nothing to re-test yet.")
    if challenge.no_home_retest:
        raise PlanError(
            f"{challenge.food_group.name} caused a severe reaction: never re-test it at home."
        )
    _refuse_unsafe(challenge.program.patient, challenge.food_group)
    return challenge


@transaction.atomic
def rechallenge_add(*, challenge: Challenge, author: User) -> Challenge:
    """Plan an open re-challenge of a finished group at the end of the plan; logged.

    Raises PlanError unless the group is finished, re-testable at home and not planned again.
    """
    program = _locked_running(challenge.program)
    original = _finished_original(
        Challenge.objects.select_related("food_group").get(pk=challenge.pk)
    )
    _refuse_if_planned(program, original.food_group)
    again = Challenge.objects.create(
        program=program,
        food_group=original.food_group,
        position=_next_position(program),
        dose_days=original.dose_days,
        washout_days=original.washout_days,
        is_rechallenge=True,
        rechallenge_of=original,
    )
    plan_change_record(
        program=program,
        author=author,
        summary=f"Added a re-challenge of {_name(original)}.",
    )
    return again


@transaction.atomic
def rechallenge_blinded_add(
    *,
    program: Program,
    food_group: FoodGroup,
    author: User,
    pairs: int = DEFAULT_PAIRS,
    washout_days: int = DEFAULT_WASHOUT,
    seed: int | None = None,
) -> Challenge:
    """Plan a blinded re-challenge: `pairs` pairs of test days (one active, one placebo, in a
    random order within each pair), each test day followed by `washout_days` quiet days.

    The group needs a finished challenge in this program whose result was not `tolerated`
    (a possible, doubtful or open trigger result) and no severe reaction. The draw comes from
    `seed` (default: a fresh one from the operating system), stored with the test so the
    dietitian can see and reproduce it. The log entry names neither the arms nor the order.
    """
    program = _locked_running(program)
    try:
        check_design(pairs=pairs, washout_days=washout_days)
    except ValueError as error:
        raise PlanError(str(error)) from error
    original = (
        program.challenges.filter(
            food_group=food_group,
            status__in=[Challenge.Status.DONE, Challenge.Status.STOPPED],
        )
        .select_related("food_group")
        .order_by("-position")
        .first()
    )
    if original is None:
        raise PlanError(f"{food_group.name} has no finished challenge to re-test.")
    _finished_original(original)
    if original.verdict == Challenge.Verdict.TOLERATED:
        raise PlanError(f"{food_group.name} was tolerated: there is nothing doubtful to re-test.")
    _refuse_if_planned(program, food_group)
    design = blinded_design(
        pairs=pairs, washout_days=washout_days, seed=new_seed() if seed is None else seed
    )
    blinded = Challenge.objects.create(
        program=program,
        food_group=food_group,
        position=_next_position(program),
        dose_days=2 * pairs,
        washout_days=washout_days,
        blinded=True,
        blind_labels=list(design.letters),
        blind_active_label=design.active_letter,
        blind_pairs=pairs,
        blind_seed=design.seed,
        is_rechallenge=True,
        rechallenge_of=original,
    )
    plan_change_record(
        program=program,
        author=author,
        summary=(
            f"Added a blinded test: {pairs} pairs of test portions A and B, "
            f"{washout_days} quiet days after each."
        ),
    )
    return blinded


@transaction.atomic(savepoint=False)
def program_refresh(
    *,
    program: Program,
    today: date,
    changed_on: date | None = None,
    record: ProgramRecord | None = None,
) -> ProgramRecord:
    """Store what a program's inputs imply: the challenge statuses the plan derives (dose days
    over, washout settled, done), the cached verdicts, the long-term plan per group, and the
    program's completion; returns the record it read (the program as of `today`).

    Every service that changes a program's inputs calls it in its own transaction (a check-in,
    a challenge's start, stop or undo, an import, a skip, an endoscopy outcome, the end of a
    program), and the scheduled `refresh_programs` calls it for programs a day has passed on,
    so the client list, exports and reports read current statuses without the patient's
    visit. `changed_on`: the first day whose entry changed (None: anything may have changed).
    `record`: the program as read by a caller that holds its lock, to save the queries.
    """
    if record is None:
        record = load_record(program_lock(program.pk), today=today)
    program = record.program
    now = timezone.now()
    changes = record.derived_changes
    for change in changes:
        change.challenge.updated = now
    if changes:
        Challenge.objects.bulk_update(
            [c.challenge for c in changes], ["status", "washout_end", "updated"]
        )
    inputs_before = {c.pk: plan_inputs(c) for c in record.challenges}
    rewritten = verdicts_refresh(record=record, changed_on=changed_on)
    values: dict = {}
    if record.completes:
        values["status"] = Program.Status.COMPLETED
        values["updated"] = now  # a change readers see (the client list looks at it)
    if group_plans_may_change(
        record, changed_on=changed_on, rewritten=rewritten, inputs_before=inputs_before
    ):
        group_plans_refresh(record=record)
    if program.refreshed_on != today:
        values["refreshed_on"] = today  # bookkeeping only: `updated` stays
    # One update: the verdicts and plans stored now are those of the diary as it stands in
    # this transaction, which holds the program's lock (every writer of an entry takes it).
    Program.objects.filter(pk=program.pk).update(verdicts_revision=F("diary_revision"), **values)
    for name, value in values.items():
        setattr(program, name, value)
    program.verdicts_revision = program.diary_revision
    record.stored.update({c.challenge.pk: (c.status, c.washout_end) for c in changes})
    record.__dict__.pop("derived_changes", None)
    transaction.on_commit(partial(program_refreshed.send, sender=Program, program=program))
    return record


def programs_refresh_due(*, now: datetime | None = None) -> int:
    """Refresh every running program whose patient's day has moved on since its last refresh
    (run every minute by `send_due`); returns how many were refreshed. Two queries find them
    whatever their number (each time zone's today is compared in the database); each is then
    locked and refreshed in its own transaction, so the trigger may run on several machines at
    once and a program is refreshed once a day."""
    now = now or timezone.now()
    running = Program.objects.active()
    zones = running.order_by().values_list("patient__timezone", flat=True).distinct()
    behind = Q(pk__in=[])
    for zone in zones:
        behind |= Q(patient__timezone=zone) & (
            Q(refreshed_on__isnull=True) | Q(refreshed_on__lt=zone_today(zone, now))
        )
    behind = running.filter(behind).select_related("patient").order_by("pk")
    count = 0
    for program in behind:
        today = patient_today(program.patient, now)
        try:
            with transaction.atomic():
                locked = program_lock(program.pk)
                if not locked.is_active or (
                    locked.refreshed_on is not None and locked.refreshed_on >= today
                ):
                    continue  # ended, or another machine's trigger was first
                program_refresh(program=locked, today=today)
        except ValueError:
            # Rows the schedule engine refuses: logged, and the other programs (and the
            # reminders after them) go on.
            logger.exception("program %s could not be refreshed", program.public_id)
            continue
        count += 1
    return count
