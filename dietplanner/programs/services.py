"""Multi-step writes on programs: start, challenge start/stop, plan edits, status sync."""

from datetime import date, time, timedelta

from django.db import IntegrityError, transaction

from dietplanner.accounts.models import User
from foods.models import Protocol

from . import schedule
from .models import Challenge, Program
from .selectors import program_challenges, program_plan
from .verdicts import VERDICT_FIELDS, verdicts_refresh

MAX_EXTENSION_DAYS = 14


class PlanError(ValueError):
    """A plan change that cannot be made; the message is shown to the user as is."""


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
) -> Program:
    """Start a program: the protocol's eliminated groups become planned challenges in order.

    Raises PlanError when the patient already runs a program or the settings are out of bounds.
    """
    if Program.objects.active().filter(patient=patient).exists():
        raise PlanError("You already have a program running. Finish or stop it first.")
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
    return program


@transaction.atomic
def challenge_start(*, challenge: Challenge, on: date) -> Challenge:
    """Start the next challenge today: its dose days and portions are fixed from the plan.

    Raises PlanError unless the plan says the patient is ready for exactly this challenge.
    """
    from dietplanner.diary.models import Dose

    program = Program.objects.select_for_update().get(pk=challenge.program_id)
    plan = program_plan(program, on)
    if plan.today.kind != "ready_for_next" or plan.today.challenge_key != str(challenge.public_id):
        raise PlanError("This food group cannot start today. Your plan says what comes next.")
    challenge.refresh_from_db()
    challenge.status = Challenge.Status.ACTIVE
    challenge.first_dose_day = on
    challenge.save(update_fields=["status", "first_dose_day", "updated"])
    program.status = Program.Status.REINTRODUCTION
    program.save(update_fields=["status", "updated"])
    started = program_plan(program, on).challenge(str(challenge.public_id))
    Dose.objects.bulk_create(
        Dose(challenge=challenge, date=d.day, step=d.step, portion=d.portion)
        for d in started.dose_days
    )
    verdicts_refresh(program=program, changed_on=on, today=on)
    challenge.refresh_from_db(fields=VERDICT_FIELDS)
    return challenge


@transaction.atomic
def challenge_stop(
    *, challenge: Challenge, on: date, reason: str = "", red_flags: list[str] | None = None
) -> Challenge:
    """Stop a challenge for a reaction: no further doses, the washout starts tomorrow.

    Red-flag symptoms mark the group as never to be re-tested at home. Raises PlanError when
    the challenge is not in its dose days or washout on `on`.
    """
    from dietplanner.diary.models import Dose

    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge.first_dose_day or challenge.first_dose_day > on:
        raise PlanError("This food group is not being tested today.")
    if challenge.status in (Challenge.Status.DONE, Challenge.Status.SKIPPED):
        raise PlanError("This challenge is already finished.")
    last_dose = challenge.first_dose_day + timedelta(days=challenge.dose_days - 1)
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
    verdicts_refresh(program=challenge.program, changed_on=challenge.stop_day, today=on)
    challenge.refresh_from_db(fields=VERDICT_FIELDS)
    return challenge


@transaction.atomic
def baseline_extend(*, program: Program, days: int, today: date) -> Program:
    """Add days to a baseline that has not ended; the plan moves with it."""
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise PlanError(f"Extend by 1 to {MAX_EXTENSION_DAYS} days at a time.")
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != Program.Status.BASELINE:
        raise PlanError("The baseline is over: the first challenge has started.")
    if program.original_baseline_days is None:
        program.original_baseline_days = program.baseline_days
    program.baseline_days += days
    program.save(update_fields=["baseline_days", "original_baseline_days", "updated"])
    return program


@transaction.atomic
def challenges_reorder(*, program: Program, order: list[str]) -> None:
    """Put the planned challenges in the given order (public ids); started ones stay put."""
    # Lock the program so two reorders (two tabs) cannot interleave their position updates.
    Program.objects.select_for_update().filter(pk=program.pk).first()
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


@transaction.atomic
def challenge_skip(*, challenge: Challenge) -> Challenge:
    """Leave a planned group out of this program; it takes no days."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != Challenge.Status.PLANNED:
        raise PlanError(f"{challenge.food_group.name} has already started and cannot be skipped.")
    challenge.status = Challenge.Status.SKIPPED
    challenge.save(update_fields=["status", "updated"])
    return challenge


@transaction.atomic
def challenge_unskip(*, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status != Challenge.Status.SKIPPED:
        raise PlanError("Only a skipped food group can be put back.")
    challenge.status = Challenge.Status.PLANNED
    challenge.save(update_fields=["status", "updated"])
    return challenge


PHASE_STATUS = {"dose": Challenge.Status.ACTIVE, "washout": Challenge.Status.WASHOUT}


@transaction.atomic
def program_sync(
    *, program: Program, plan: schedule.Plan, challenges: list[Challenge] | None = None
) -> list[Challenge]:
    """Bring stored statuses in line with the plan (dose days over, washout settled, done).

    Called when the patient opens Today or checks in, so lists and reports can filter on
    status. Pass the challenges the plan was computed from to save a query.
    """
    challenges = program_challenges(program) if challenges is None else challenges
    changed = []
    for challenge in challenges:
        scheduled = plan.challenge(str(challenge.public_id))
        if scheduled is None or not challenge.first_dose_day:
            continue
        if challenge.status == Challenge.Status.STOPPED:
            settled = scheduled.phase == "finished" and scheduled.washout_settled
            if settled and challenge.washout_end != scheduled.washout_end:
                challenge.washout_end = scheduled.washout_end
                changed.append(challenge)
            continue
        wanted = PHASE_STATUS.get(scheduled.phase)
        if scheduled.phase == "finished":
            wanted = Challenge.Status.DONE
        if wanted and wanted != challenge.status:
            challenge.status = wanted
            if wanted == Challenge.Status.DONE:
                challenge.washout_end = scheduled.washout_end
            changed.append(challenge)
    for challenge in changed:
        challenge.save(update_fields=["status", "washout_end", "updated"])
    if plan.today.kind == "completed" and program.status != Program.Status.COMPLETED:
        program.status = Program.Status.COMPLETED
        program.save(update_fields=["status", "updated"])
    return changed
