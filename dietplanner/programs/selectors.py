"""Reads of programs shared by pages: access helpers and the plan as the engine computes it."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.http import Http404

from dietplanner.accounts.models import User

from . import schedule, visibility
from .models import Challenge, Dose, Program, ReactionAlert


def active_program_for(patient: User) -> Program | None:
    """The patient's running program with its protocol, or None."""
    return (
        Program.objects.active()
        .filter(patient=patient)
        .select_related("protocol", "screening")
        .first()
    )


def diary_program_for(patient: User) -> Program | None:
    """The program whose diary the patient sees: the running one, else the latest finished."""
    return active_program_for(patient) or (
        Program.objects.filter(patient=patient)
        .exclude(status__in=Program.ACTIVE_STATUSES)
        .select_related("protocol")
        .order_by("-start_date", "-created")
        .first()
    )


def _as_uuid(public_id) -> uuid.UUID:
    """A malformed id is just another unknown one: 404, not a 500."""
    try:
        return public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404("No such object") from exc


def get_challenge_for_user(user: User, public_id) -> Challenge:
    challenge = (
        Challenge.objects.filter(public_id=_as_uuid(public_id), program__patient=user)
        .select_related("program", "food_group", "program__protocol")
        .first()
    )
    if challenge is None:
        raise Http404("No such challenge")
    return challenge


def program_challenges(program: Program) -> list[Challenge]:
    """The program's challenges in plan order, with their group (one query)."""
    return list(program.challenges.select_related("food_group").order_by("position"))


def day_log(day: date, scores, confounders, off_plan=()) -> schedule.DayLog:
    """One stored entry as the engine reads it (blank scores were not scored)."""
    return schedule.DayLog(
        day=day,
        scores={k: int(v) for k, v in (scores or {}).items() if v is not None},
        confounders=frozenset(confounders or ()),
        off_plan=frozenset(off_plan or ()),
    )


def program_diary(program: Program) -> dict[date, schedule.DayLog]:
    """The diary as the engine reads it: one DayLog per logged day (one query)."""
    rows = program.entries.values_list("date", "scores", "confounders", "off_plan")
    return {row[0]: day_log(*row) for row in rows}


def program_last_day(
    program: Program, today: date, challenges: list[Challenge], last_logged: date | None
) -> date:
    """The last day a program covers: today while it runs; once finished, its last entry,
    dose, stop or recorded washout end (never after today)."""
    if program.is_active:
        return today
    candidates = [program.start_date]
    if last_logged is not None:
        candidates.append(last_logged)
    for c in challenges:
        if c.first_dose_day and c.status != Challenge.Status.SKIPPED:
            candidates.append(c.last_dose_day)
        candidates += [d for d in (c.stop_day, c.washout_end) if d]
    return min(today, max(candidates))


def engine_order(challenges: list[Challenge]) -> list[Challenge]:
    """Started challenges first, in the order they started; then the rest in plan order."""
    started = sorted(
        (c for c in challenges if c.first_dose_day and c.status != Challenge.Status.SKIPPED),
        key=lambda c: (c.first_dose_day, c.position),
    )
    rest = [c for c in challenges if c not in started]
    return started + rest


def challenge_state(challenge: Challenge, measures: str = "us") -> schedule.ChallengeState:
    status = challenge.status
    if (
        status in (Challenge.Status.ACTIVE, Challenge.Status.WASHOUT)
        and not challenge.first_dose_day
    ):
        status = Challenge.Status.PLANNED
    return schedule.ChallengeState(
        key=str(challenge.public_id),
        food_group=challenge.food_group.slug,
        dose_days=challenge.dose_days,
        washout_days=challenge.washout_days,
        ladder=challenge.ladder(measures),
        status=status,
        first_dose_day=challenge.first_dose_day if status != "planned" else None,
        stop_day=challenge.stop_day,
        washout_end=challenge.washout_end,
        blinded=challenge.blinded,
        dose_offsets=challenge.dose_offsets,
    )


def program_plan(
    program: Program,
    today: date,
    *,
    challenges: list[Challenge] | None = None,
    diary: dict[date, schedule.DayLog] | None = None,
    measures: str = "us",
    paused: bool | None = None,
) -> schedule.Plan:
    """The engine's plan for this program as of `today` (three queries unless given the rows).

    `measures` words the portions (the patient's `User.measures` on their own pages). `paused`
    says whether the patient's home tests are paused after a reaction (None: read it)."""
    challenges = program_challenges(program) if challenges is None else challenges
    diary = program_diary(program) if diary is None else diary
    ordered = engine_order(challenges)
    settings = schedule.ProgramSettings(
        start=program.start_date,
        baseline_days=program.baseline_days,
        symptoms=tuple(program.symptoms_on(today)),
        original_baseline_days=program.original_baseline_days,
        baseline_max=program.protocol.baseline_max,
    )
    names = {c.food_group.slug: c.food_group.name for c in challenges}
    return schedule.compute_plan(
        settings,
        [challenge_state(c, measures) for c in ordered],
        diary,
        today,
        group_names=names,
        home_tests_paused=_paused(program) if paused is None else paused,
    )


def _paused(program: Program) -> bool:
    """A reaction alert not cleared yet pauses the running program's home tests."""
    return (
        program.is_active
        and ReactionAlert.objects.filter(patient_id=program.patient_id).pausing().exists()
    )


def challenges_with_doses(program: Program) -> list[Challenge]:
    return list(
        program.challenges.select_related("food_group")
        .prefetch_related(Prefetch("doses", queryset=Dose.objects.order_by("date")))
        .order_by("position")
    )


# What a food means for a patient now, worst first: one group that is a trigger is enough.
# A group's long-term plan, once it has one, speaks for it (avoid, test_again, limit, free).
FOOD_STATUS_ORDER = [
    "avoid",
    "trigger",
    "challenged",
    "eliminated",
    "untested",
    "test_again",
    "limit",
    "tolerated",
    "free",
    "allowed",
]
PLAN_KEYS = ("avoid", "untested", "test_again", "limit", "free")
FOOD_STATUS_LABELS = {
    "avoid": "Avoid for now",
    "trigger": "Keep out for now",
    "challenged": "Being tested now",
    "eliminated": "Left out for now",
    "untested": "Not covered by your test",
    "test_again": "Worth testing again",
    "limit": "Fine in a limited portion",
    "tolerated": "Reintroduced: tolerated",
    "free": "Back on your menu",
    "allowed": "Allowed",
}


def group_statuses(program: Program) -> dict[str, str]:
    """Each eliminated group's status for the patient (slug -> FOOD_STATUS_ORDER key), by the
    one rule of `visibility.group_statuses` (one query)."""
    return visibility.group_statuses(program_challenges(program))


@dataclass(frozen=True)
class FoodAnswer:
    """What a food means for this patient: the worst status and a line per group that counts."""

    key: str
    lines: tuple[str, ...]

    @property
    def label(self) -> str:
        """The plan's own sentence where the worst group has one, else the status in words."""
        return self.lines[0] if self.key in PLAN_KEYS else FOOD_STATUS_LABELS[self.key]


def food_answer(
    groups, kinds, statuses: dict[str, str], plans: dict, measures: str = "us"
) -> FoodAnswer:
    """A food's answer from the patient's results and long-term plan (`plans`: slug -> plan).

    A result covers a food of a mixed group only when its kind was tested (peanuts are not
    covered by an almond test): such a food stays "not covered" whatever the result.
    """
    found: list[tuple[str, str]] = []
    for group in groups:
        plan, status = plans.get(group.slug), statuses.get(group.slug)
        if plan is None and status is None:
            continue
        if (plan is not None or status in ("tolerated", "trigger")) and not group.covers(kinds):
            untested = ", ".join(group.untested_kind_names())
            found.append(
                (
                    "untested",
                    f"Not covered by your {group.name.lower()} test "
                    f"({untested} need a test of their own): left out for now.",
                )
            )
        elif plan is not None:
            found.append((plan.status, plan.in_words(measures)))
        else:
            found.append((status, f"{group.name}: {FOOD_STATUS_LABELS[status].lower()}."))
    if not found:
        return FoodAnswer("allowed", (FOOD_STATUS_LABELS["allowed"],))
    found.sort(key=lambda f: FOOD_STATUS_ORDER.index(f[0]))
    return FoodAnswer(found[0][0], tuple(line for _, line in found))
