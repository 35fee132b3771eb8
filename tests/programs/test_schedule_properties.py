"""Invariants of the schedule engine over random diaries and challenge lists (hypothesis).

Two kinds of examples: plans computed on any day for challenges not started yet, and a simulated
patient walking through the program day by day, starting each challenge when the app says so
(or, when disobedient, too early), stopping some for a reaction and accepting the proposed
baseline extensions, while a simulated Django layer records finished washouts. The rules are
checked against small oracles written here from the issue's wording, not from the engine.
"""

from dataclasses import replace
from datetime import date, timedelta
from statistics import median

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dietplanner.analysis.vocabulary import CONFOUNDERS, FOOD_GROUPS, SYMPTOMS, TodayKind
from dietplanner.programs.schedule import (
    ChallengeState,
    DayLog,
    Plan,
    ProgramSettings,
    compute_plan,
)

# Hypothesis walks (about 20 s): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

ONE_DAY = timedelta(days=1)
HORIZON = 130  # days a simulated patient walks: enough for a baseline and a few challenges
PROJECTION_DAYS = 100
# A diary is a run of segments, each a few days of one regime, so that examples hold the
# stretches that matter (a calm week, a sustained rise, a one-day flare, days not logged) and
# shrink fast. "twist" varies the pattern inside a segment and adds confounders when >= 5.
REGIMES = ("calm", "noisy", "high", "spike", "unlogged", "partial")
NOISE = (0, 1, 0, -1, 2, 0, 3, 1)

FAST = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- strategies --------------------------------------------------------------------------------


def washout_length(challenge) -> int:
    """Days from the washout's first to its last, both counted."""
    return (challenge.washout_end - challenge.washout_start).days + 1


@st.composite
def programs(draw) -> ProgramSettings:
    symptoms = draw(st.lists(st.sampled_from(SYMPTOMS[:6]), min_size=1, max_size=4, unique=True))
    return ProgramSettings(
        start=draw(st.dates(date(2024, 1, 1), date(2026, 12, 31))),
        baseline_days=draw(st.integers(5, 30)),
        symptoms=tuple(symptoms),
    )


@st.composite
def diaries(draw, program: ProgramSettings, days: int = HORIZON) -> dict[date, DayLog]:
    levels = [draw(st.integers(0, 5)) for _ in program.symptoms]
    segment = st.tuples(st.integers(1, 12), st.sampled_from(REGIMES), st.integers(0, 7))
    segments = draw(st.lists(segment, min_size=1, max_size=25))
    plan_of_days = [(regime, twist, k) for n, regime, twist in segments for k in range(n)]
    diary = {}
    for offset in range(-3, days):
        regime, twist, k = (
            plan_of_days[offset + 3] if offset + 3 < len(plan_of_days) else ("calm", 0, 0)
        )
        day = program.start + timedelta(days=offset)
        confounders = frozenset({CONFOUNDERS[(twist + k) % len(CONFOUNDERS)]} if twist >= 5 else ())
        if regime == "unlogged":
            if twist % 2:
                diary[day] = DayLog(day=day, scores={}, confounders=confounders)
            continue
        scores = {}
        for i, (symptom, level) in enumerate(zip(program.symptoms, levels, strict=True)):
            if regime == "calm":
                move = 0 if (k + twist + i) % 4 else 1
            elif regime == "noisy":
                move = NOISE[(3 * k + twist + 2 * i) % len(NOISE)]
            elif regime == "high":
                move = 2 + (twist + i) % 3
            elif regime == "spike":
                move = 3 + (twist + k + i) % 5
            else:  # partial: only the first symptom scored
                move = (k + twist) % 2 if i == 0 else None
            if move is not None:
                scores[symptom] = min(10, max(0, level + move))
        diary[day] = DayLog(day=day, scores=scores, confounders=confounders)
    return diary


@st.composite
def challenge_lists(draw, max_size: int = 6) -> list[ChallengeState]:
    count = draw(st.integers(0, max_size))
    return [
        ChallengeState(
            key=f"c{i}",
            food_group=draw(st.sampled_from(FOOD_GROUPS)),
            dose_days=draw(st.integers(1, 7)),
            washout_days=draw(st.integers(1, 8)),
            ladder=(f"{i} small", f"{i} medium", f"{i} large"),
            status="skipped" if draw(st.integers(0, 6)) == 0 else "planned",
            blinded=draw(st.booleans()),
        )
        for i in range(count)
    ]


# --- oracles: the rules, written plainly ------------------------------------------------


def logged_scores(program, diary, day, today) -> dict[str, int] | None:
    log = diary.get(day)
    if log is None or day < program.start or day > today:
        return None
    scores = {s: v for s, v in log.scores.items() if s in program.symptoms}
    return scores or None


def is_flare(program, diary, day, today) -> bool:
    scores = logged_scores(program, diary, day, today)
    for symptom, value in (scores or {}).items():
        previous = [
            p[symptom]
            for k in range(1, 8)
            if (p := logged_scores(program, diary, day - timedelta(days=k), today)) and symptom in p
        ]
        if previous and value - median(previous) >= 3:
            return True
    return False


def baseline_ready_for(program, diary, first_day, today) -> bool:
    planned_end = program.start + timedelta(days=program.baseline_days - 1)
    logged = [
        program.start + timedelta(days=k)
        for k in range((first_day - program.start).days)
        if logged_scores(program, diary, program.start + timedelta(days=k), today)
    ]
    last_five = logged[-5:]
    return (
        first_day > planned_end
        and len(last_five) == 5
        and not any(is_flare(program, diary, d, today) for d in last_five)
    )


def calm(program, diary, day, today) -> bool:
    """Logged with no confounder: neither its own nor one logged on both neighbouring days."""
    scores = logged_scores(program, diary, day, today)
    if scores is None or diary[day].confounders:
        return False
    around = [
        diary[d].confounders if logged_scores(program, diary, d, today) else frozenset()
        for d in (day - ONE_DAY, day + ONE_DAY)
    ]
    return not (around[0] & around[1])


def reference(program, diary, first_dose, today) -> dict[str, float]:
    """The analysis's usual level: the mean of the latest 20 calm scores, from the end of the
    settling days (10, or half a short baseline) and at most 42 days back; failing that any
    late score, failing that any baseline score."""
    late = program.start + timedelta(days=min(10, program.baseline_days // 2))
    window = [first_dose - timedelta(days=k) for k in range(1, 43)]
    choices = (
        [d for d in window if d >= late and calm(program, diary, d, today)],
        [
            d
            for d in reversed(range_days(late, first_dose))
            if logged_scores(program, diary, d, today)
        ],
        [
            d
            for d in reversed(range_days(program.start, first_dose))
            if logged_scores(program, diary, d, today)
        ],
    )
    levels = {}
    for symptom in program.symptoms:
        for days in choices:
            values = [
                scores[symptom]
                for d in days
                if symptom in (scores := logged_scores(program, diary, d, today))
            ][:20]
            if values:
                levels[symptom] = sum(values) / len(values)
                break
    return levels


def range_days(first: date, before: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((before - first).days)]


def near_usual(program, diary, day, today, ref) -> bool:
    """Logged, and no symptom up by the smallest meaningful rise (2 points, or 30% of the
    usual level when less, never under 1.5)."""
    scores = logged_scores(program, diary, day, today)
    return scores is not None and all(
        v - ref[s] < min(2.0, max(1.5, 0.3 * ref[s])) for s, v in scores.items() if s in ref
    )


# --- invariants that hold on every plan ---------------------------------------------------------


def check_plan(plan: Plan, challenges: list[ChallengeState]) -> None:
    kept = [c for c in challenges if c.status != "skipped"]
    assert [c.key for c in plan.challenges] == [c.key for c in kept]
    assert plan.skipped_keys == tuple(c.key for c in challenges if c.status == "skipped")
    assert plan.today.kind in set(TodayKind)
    assert plan.today.sentence
    assert plan.baseline.end >= plan.baseline.start - ONE_DAY

    previous_end = plan.baseline.end
    for scheduled, state in zip(plan.challenges, kept, strict=True):
        # Never two at once: each [first dose, washout end] starts after the previous one ends.
        assert scheduled.first_dose_day > previous_end
        assert scheduled.washout_end >= scheduled.washout_start - ONE_DAY
        previous_end = max(previous_end, scheduled.washout_end)

        for dose in scheduled.dose_days:
            assert dose.portion == state.ladder[dose.step - 1]
            if not dose.cancelled:
                assert dose.day > plan.baseline.end
                if scheduled.status == "stopped":
                    assert dose.day <= state.stop_day
        assert len(scheduled.dose_days) == state.dose_days
        assert scheduled.washout_start > max(d.day for d in scheduled.dose_days if not d.cancelled)

        assert scheduled.long_washout_flag == (washout_length(scheduled) > 10)
        if not scheduled.started:
            assert scheduled.first_dose_day >= max(plan.as_of, scheduled.earliest_start)
            assert washout_length(scheduled) >= state.washout_days
            assert scheduled.projected
        if scheduled.washout_settled:
            assert scheduled.washout_end <= plan.as_of


def check_settled_washouts(plan, program, diary) -> None:
    if plan.baseline.status != "done":
        return
    ref = reference(program, diary, plan.baseline.end + ONE_DAY, plan.as_of)
    assert plan.baseline.reference.keys() == ref.keys()
    for symptom, level in ref.items():
        assert abs(plan.baseline.reference[symptom] - level) < 1e-9
    for scheduled in plan.challenges:
        if scheduled.washout_settled:
            end = scheduled.washout_end
            # The previous logged day of the washout: missed days in between are skipped.
            before = [
                d
                for d in range_days(scheduled.washout_start, end)
                if logged_scores(program, diary, d, plan.as_of)
            ]
            assert before
            assert near_usual(program, diary, before[-1], plan.as_of, ref)
            assert near_usual(program, diary, end, plan.as_of, ref)


# --- plans of challenges not started yet --------------------------------------------------------


@FAST
@given(data=st.data())
def test_projected_plans_keep_the_rules(data):
    program = data.draw(programs())
    diary = data.draw(diaries(program, PROJECTION_DAYS))
    challenges = data.draw(challenge_lists())
    today = program.start + timedelta(days=data.draw(st.integers(-5, PROJECTION_DAYS)))

    plan = compute_plan(program, challenges, diary, today)

    check_plan(plan, challenges)
    first = plan.challenges[0] if plan.challenges else None
    if first is not None:
        assert first.first_dose_day == plan.baseline.ready_on
        assert first.first_dose_day > plan.baseline.planned_end
    if plan.baseline.ready:
        assert baseline_ready_for(program, diary, today, today)
        assert plan.baseline.ready_on == today
    if plan.today.kind == "ready_for_next":
        assert plan.baseline.ready and first is not None and first.first_dose_day == today


@FAST
@given(data=st.data())
def test_the_same_inputs_give_the_same_plan(data):
    program = data.draw(programs())
    diary = data.draw(diaries(program, PROJECTION_DAYS))
    challenges = data.draw(challenge_lists())
    today = program.start + timedelta(days=data.draw(st.integers(-5, PROJECTION_DAYS)))

    reordered = dict(sorted(diary.items(), reverse=True))
    assert compute_plan(program, challenges, diary, today) == compute_plan(
        program, challenges, reordered, today
    )


@FAST
@given(data=st.data())
def test_skipped_challenges_take_no_days(data):
    program = data.draw(programs())
    diary = data.draw(diaries(program, PROJECTION_DAYS))
    challenges = data.draw(challenge_lists())
    today = program.start + timedelta(days=data.draw(st.integers(-5, PROJECTION_DAYS)))

    with_skipped = compute_plan(program, challenges, diary, today)
    kept = [c for c in challenges if c.status != "skipped"]
    without = compute_plan(program, kept, diary, today)

    assert with_skipped.challenges == without.challenges
    assert with_skipped.today == without.today


# --- a patient walking through the program ------------------------------------------------------


def walk(program, diary, challenges, decisions, obedient):
    """Simulate the patient and the Django layer day by day; return the last plan and notes."""
    states = list(challenges)
    early: set[str] = set()
    original = program.baseline_days
    plan = None
    for offset, decision in enumerate(decisions):
        today = program.start + timedelta(days=offset)
        plan = compute_plan(program, states, diary, today)
        check_plan(plan, states)
        kind = plan.today.kind
        index = {c.key: i for i, c in enumerate(states)}
        current = next((c for c in reversed(plan.challenges) if c.started), None)

        if kind == "baseline_extend" and decision % 2 == 0 and program.baseline_days < 60:
            extra = plan.baseline.propose_extension_days
            program = replace(
                program,
                baseline_days=program.baseline_days + extra,
                original_baseline_days=original,
            )
        follow = kind == "ready_for_next" and decision < 7
        # A disobedient patient sometimes starts during the baseline or a washout.
        rush = (
            not obedient
            and decision == 7
            and today > program.start
            and plan.next_challenge is not None
            and (
                kind in ("baseline", "baseline_extend")
                or (current is not None and current.phase == "washout")
            )
        )
        if follow or rush:
            key = plan.next_challenge.key
            states[index[key]] = replace(states[index[key]], status="active", first_dose_day=today)
            if rush:
                early.add(key)
        elif kind == "dose" and decision == 9:
            key = plan.today.challenge_key
            states[index[key]] = replace(states[index[key]], status="stopped", stop_day=today)
        elif current is not None and current.phase == "finished" and decision % 3 == 0:
            state = states[index[current.key]]
            if state.washout_end is None:
                status = "stopped" if state.status == "stopped" else "done"
                states[index[current.key]] = replace(
                    state, status=status, washout_end=current.washout_end
                )
    return program, states, plan, early


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_patient_walking_through_the_program_keeps_the_rules(data):
    program = data.draw(programs())
    diary = data.draw(diaries(program))
    challenges = data.draw(challenge_lists())
    obedient = data.draw(st.booleans())
    decisions = data.draw(st.lists(st.integers(0, 9), min_size=HORIZON, max_size=HORIZON))

    program, states, plan, early = walk(program, diary, challenges, decisions, obedient)
    today = plan.as_of

    check_plan(plan, states)
    check_settled_washouts(plan, program, diary)
    started = [c for c in plan.challenges if c.started]
    # Say what the examples reached, so a weakened strategy shows in --hypothesis-show-statistics.
    event(f"challenges started: {len(started) if len(started) < 3 else '3+'}")
    for label, reached in (
        ("a baseline extended", program.original_baseline_days is not None),
        ("a challenge stopped", any(c.status == "stopped" for c in started)),
        ("a challenge started early", bool(early)),
        ("a washout settled", any(c.washout_settled for c in started)),
        ("a long washout", any(c.long_washout_flag for c in started)),
        ("a washout end recorded", any(c.washout_end is not None for c in states)),
    ):
        if reached:
            event(label)
    for previous, scheduled in zip(started, started[1:], strict=False):
        allowed = previous.washout_settled and scheduled.first_dose_day > previous.washout_end
        assert scheduled.started_before_allowed == (not allowed)
    for scheduled in started:
        assert scheduled.started_before_allowed == (scheduled.key in early)
    if started:
        first_dose = started[0].first_dose_day
        assert plan.baseline.ready == baseline_ready_for(program, diary, first_dose, today)
        assert plan.baseline.ready == (started[0].key not in early)
    if obedient:
        for scheduled, state in zip(
            plan.challenges, [c for c in states if c.status != "skipped"], strict=True
        ):
            assert washout_length(scheduled) >= state.washout_days
            assert not scheduled.started_before_allowed
