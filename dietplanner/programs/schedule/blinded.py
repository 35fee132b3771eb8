"""The calendar of a blinded re-challenge: pairs of test days with washout days after each.

A blinded re-challenge is run as an N-of-1 trial. Each pair holds one active and one placebo
test day in a random order; every test day is followed by `washout_days` quiet days so that a
reaction fades before the next portion. Both arms always have the same number of days, and the
patient is told only the letter of each day's portion (A or B): with one A and one B in every
pair, neither the letters nor their order give the key away.

The draw is reproducible from its seed, which is recorded with the test and shown to the
dietitian: `blinded_design(pairs=3, washout_days=3, seed=s)` always gives the same calendar.
Pure Python: no Django, no clock.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

LETTERS = ("A", "B")
ACTIVE, PLACEBO = "active", "placebo"
PAIRS_RANGE = (2, 3)  # dose days are at most 7 (schedule.plan.MAX_DOSE_DAYS)
DEFAULT_PAIRS = 3
WASHOUT_RANGE = (2, 7)
DEFAULT_WASHOUT = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class PortionDay:
    """One portion day: `number` counts from 1 over the whole test, `pair` from 1, `offset` is the
    number of days after the first test day."""

    number: int
    pair: int
    offset: int
    letter: str
    arm: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BlindedDesign:
    pairs: int
    washout_days: int
    seed: int
    active_letter: str
    days: tuple[PortionDay, ...]

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(d.letter for d in self.days)

    @property
    def offsets(self) -> tuple[int, ...]:
        return tuple(d.offset for d in self.days)

    @property
    def length(self) -> int:
        """Days from the first test day to the last washout day after the last one."""
        return self.days[-1].offset + 1 + self.washout_days


def check_design(*, pairs: int, washout_days: int) -> None:
    """Raise ValueError (worded for the dietitian) for a design out of bounds."""
    low, high = PAIRS_RANGE
    if not low <= pairs <= high:
        raise ValueError(f"A blinded re-challenge needs {low} to {high} pairs of test days.")
    low, high = WASHOUT_RANGE
    if not low <= washout_days <= high:
        raise ValueError(f"Washout after each test day must be {low} to {high} days.")


def portion_day_offsets(count: int, washout_days: int) -> tuple[int, ...]:
    """Offsets of `count` test days from the first, each followed by `washout_days` days."""
    return tuple(k * (washout_days + 1) for k in range(count))


def new_seed() -> int:
    """A fresh seed from the operating system (not predictable from earlier draws)."""
    return secrets.randbits(32)


def blinded_design(*, pairs: int, washout_days: int, seed: int) -> BlindedDesign:
    """The letter and arm of each test day, drawn from `seed`.

    The active letter is A or B with equal chance; within each pair the active day comes first
    or second with equal chance, independently of the other pairs.
    """
    check_design(pairs=pairs, washout_days=washout_days)
    rng = random.Random(seed)
    active_letter = LETTERS[0] if rng.random() < 0.5 else LETTERS[1]
    placebo_letter = LETTERS[1] if active_letter == LETTERS[0] else LETTERS[0]
    offsets = portion_day_offsets(2 * pairs, washout_days)
    days = []
    for pair in range(1, pairs + 1):
        arms = (ACTIVE, PLACEBO) if rng.random() < 0.5 else (PLACEBO, ACTIVE)
        for arm in arms:
            number = len(days) + 1
            days.append(
                PortionDay(
                    number=number,
                    pair=pair,
                    offset=offsets[number - 1],
                    letter=active_letter if arm == ACTIVE else placebo_letter,
                    arm=arm,
                )
            )
    return BlindedDesign(
        pairs=pairs,
        washout_days=washout_days,
        seed=seed,
        active_letter=active_letter,
        days=tuple(days),
    )
