"""Speed of the schedule engine: a 365-day program with 13 challenges (target: under 5 ms).

Run: `.venv/bin/pytest tests/benchmarks/bench_schedule.py -p no:django -m benchmark -s`.
Each case times `compute_plan` with `time.perf_counter` over many runs and prints the median.
Nothing asserts a time (machines differ); the asserts only check the plan is the full one.
"""

import random
import statistics
import time
from dataclasses import replace
from datetime import date, timedelta

import pytest

from dietplanner.programs.schedule import ChallengeState, DayLog, ProgramSettings, compute_plan

RUNS = 1000
WARMUP = 50
START = date(2025, 1, 6)
DAYS = 365
GROUPS = (
    "gluten",
    "dairy",
    "eggs",
    "soy",
    "corn",
    "nightshades",
    "citrus",
    "nuts",
    "shellfish",
    "added_sugar",
    "alcohol",
    "caffeine",
    "additives",
)
SYMPTOMS = ("pain", "fatigue", "sleep", "brain_fog", "stiffness")


def _diary(seed: int, flare_rate: float) -> dict[date, DayLog]:
    """A year of entries: usual scores with noise, some flares, some days not logged."""
    rng = random.Random(seed)
    diary = {}
    for k in range(DAYS):
        day = START + timedelta(days=k)
        if rng.random() < 0.08:
            continue
        scores = {s: min(10, 3 + rng.choice((-1, 0, 0, 0, 1))) for s in SYMPTOMS}
        if rng.random() < flare_rate:
            scores[rng.choice(SYMPTOMS)] = 7 + rng.randrange(3)
        confounders = frozenset({"stress"}) if rng.random() < 0.05 else frozenset()
        diary[day] = DayLog(day=day, scores=scores, confounders=confounders)
    return diary


def _program(flare_rate: float):
    """The anti-inflammatory protocol lived through over a year.

    Challenges of 5 dose days and 7 washout days, each started when the app proposed it and the
    patient got round to it (0-20 days later), so the 13 challenges fill the year.
    """
    settings = ProgramSettings(start=START, baseline_days=21, symptoms=SYMPTOMS)
    diary = _diary(seed=13, flare_rate=flare_rate)
    waits = random.Random(7)
    wait = waits.randrange(21)
    challenges = [
        ChallengeState(
            key=f"challenge-{i}",
            food_group=group,
            dose_days=5,
            washout_days=7,
            ladder=(f"small {group}", f"medium {group}", f"large {group}"),
        )
        for i, group in enumerate(GROUPS)
    ]
    history = []
    for k in range(DAYS):
        today = START + timedelta(days=k)
        plan = compute_plan(settings, challenges, diary, today)
        history.append((today, list(challenges)))
        if plan.today.kind == "ready_for_next" and (wait := wait - 1) < 0:
            wait = waits.randrange(21)
            i = next(i for i, c in enumerate(challenges) if c.key == plan.today.challenge_key)
            challenges[i] = replace(challenges[i], status="active", first_dose_day=today)
        elif plan.today.kind == "baseline_extend":
            extra = plan.baseline.propose_extension_days
            settings = replace(settings, baseline_days=settings.baseline_days + extra)
    return settings, diary, history


def _median_ms(call) -> float:
    for _ in range(WARMUP):
        call()
    timings = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        call()
        timings.append(time.perf_counter() - begin)
    return statistics.median(timings) * 1000


@pytest.mark.benchmark
@pytest.mark.parametrize(
    ("moment", "flare_rate"),
    [
        ("day 10", 0.03),
        ("day 180", 0.03),
        ("day 365", 0.03),
        ("day 180, flaring diary", 0.25),
        ("day 365, flaring diary", 0.25),
    ],
)
def test_schedule_of_a_365_day_program_with_13_challenges(moment, flare_rate):
    settings, diary, history = _program(flare_rate)
    day_number = int(moment.split()[1].rstrip(","))
    today, challenges = history[day_number - 1]

    plan = compute_plan(settings, challenges, diary, today)
    median = _median_ms(lambda: compute_plan(settings, challenges, diary, today))

    assert len(plan.challenges) == 13
    started = sum(c.started for c in plan.challenges)
    print(
        f"\nschedule, 13 challenges ({started} started, plan ends on day "
        f"{(plan.end - START).days + 1}), {moment}: median {median:.3f} ms over {RUNS} runs "
        "(target < 5 ms)"
    )
