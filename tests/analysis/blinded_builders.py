"""Blinded re-challenge diaries for the analysis tests: a 21-day baseline, then pairs of test
days (one active, one placebo each, in a given order) with washout days after each test day.

The noise follows the simulator's sizes (tests/analysis/simulator.py): AR(1) day-to-day noise
of SD 0.5-1.6 points with lag-1 correlation 0.2-0.8, drawn per seed, scores rounded to whole
points and clipped to 0-10. A reaction adds `effect` points to one symptom on the day of each
active portion and the 2 days after (the window of a delayed reaction).
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import timedelta

from dietplanner.analysis.diary import ChallengeFacts, DayEntry, Dose, ProgramFacts
from dietplanner.programs.schedule.blinded import portion_day_offsets

from .builders import START, SYMPTOMS

FIRST_TEST_DAY = 24
REACTION_SPAN = 3  # the active day and the 2 after


def orders(pairs: int) -> list[tuple[str, ...]]:
    """Every order of a design of `pairs` pairs: each pair active-placebo or placebo-active."""
    out = []
    for flips in itertools.product((False, True), repeat=pairs):
        arms: list[str] = []
        for active_first in flips:
            arms += ["active", "placebo"] if active_first else ["placebo", "active"]
        out.append(tuple(arms))
    return out


def blinded_diary(
    arms: tuple[str, ...],
    *,
    effect: float = 0.0,
    seed: int = 1,
    washout: int = 3,
    symptom: str = "pain",
    missing: frozenset[int] = frozenset(),
    confounders: dict[int, tuple[str, ...]] | None = None,
    active_label: str = "B",
) -> tuple[ProgramFacts, list[DayEntry]]:
    """A program whose only challenge is a blinded re-challenge of dairy in the order `arms`.
    `missing` and `confounders` are keyed by program day (0 = first baseline day)."""
    rng = random.Random(seed)
    sd = rng.uniform(0.5, 1.6)
    phi = rng.uniform(0.2, 0.8)
    levels = {s: rng.uniform(1.5, 4.5) for s in SYMPTOMS}
    offsets = portion_day_offsets(len(arms), washout)
    test_days = [FIRST_TEST_DAY + o for o in offsets]
    placebo_label = "A" if active_label == "B" else "B"
    doses = tuple(
        Dose(
            START + timedelta(days=d),
            f"test portion {active_label if arm == 'active' else placebo_label}",
            arm=arm,
            pair=k // 2 + 1,
            label=active_label if arm == "active" else placebo_label,
        )
        for k, (d, arm) in enumerate(zip(test_days, arms, strict=True))
    )
    hit = {
        d + k for d, arm in zip(test_days, arms, strict=True) if arm == "active"
        for k in range(REACTION_SPAN)
    }  # fmt: skip
    days = test_days[-1] + washout + 8
    noise = {s: rng.gauss(0.0, sd) for s in SYMPTOMS}
    innovation = sd * math.sqrt(1.0 - phi * phi)
    entries = []
    for n in range(days):
        for s in SYMPTOMS:
            noise[s] = phi * noise[s] + rng.gauss(0.0, innovation)
        if n in missing:
            continue
        scores = {}
        for s in SYMPTOMS:
            value = levels[s] + noise[s] + (effect if s == symptom and n in hit else 0.0)
            scores[s] = min(10, max(0, math.floor(value + 0.5)))
        entries.append(DayEntry(START + timedelta(days=n), scores, (confounders or {}).get(n, ())))
    challenge = ChallengeFacts(
        food_group="dairy",
        started_on=doses[0].date,
        dose_days=len(arms),
        washout_days=washout,
        blinded=True,
        doses=doses,
        status="done",
    )
    program = ProgramFacts(START, 21, SYMPTOMS, (challenge,), "anti-inflammatory")
    return program, entries


def portion_days(arms: tuple[str, ...], washout: int = 3) -> list[int]:
    """Program days of the test portions."""
    return [FIRST_TEST_DAY + o for o in portion_day_offsets(len(arms), washout)]
