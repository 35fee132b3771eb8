"""Small hand-made diaries for unit tests: a 21-day baseline and challenges on a calm patient."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from dietplanner.analysis.diary import ChallengeFacts, DayEntry, Dose, ProgramFacts

START = date(2026, 1, 5)
SYMPTOMS = ("pain", "fatigue", "sleep", "brain_fog", "stiffness")


def day(n: int) -> date:
    """Program day n (0 = first baseline day)."""
    return START + timedelta(days=n)


def challenge(
    group: str, first: int, *, stopped: int | None = None, reason: str | None = None, arms=None
) -> ChallengeFacts:
    doses = []
    for i in range(len(arms) if arms else 3):
        taken = stopped is None or first + i <= stopped
        arm = arms[i] if arms else None
        doses.append(Dose(day(first + i), f"step {i + 1}", taken=taken, arm=arm))
    return ChallengeFacts(
        food_group=group,
        started_on=day(first),
        stopped_early_on=None if stopped is None else day(stopped),
        stop_reason=reason,
        blinded=bool(arms),
        doses=tuple(doses),
    )


def diary(
    challenges: list[ChallengeFacts],
    *,
    days: int = 60,
    rise: dict[int, dict[str, float]] | None = None,
    confounders: dict[int, tuple[str, ...]] | None = None,
    off_plan: dict[int, tuple[str, ...]] | None = None,
    missing: set[int] | frozenset[int] = frozenset(),
    seed: int = 1,
    sd: float = 0.6,
) -> tuple[ProgramFacts, list[DayEntry]]:
    """A calm patient (level 3, AR(1) noise `sd`) plus `rise[day][symptom]` points."""
    rng = random.Random(seed)
    noise = dict.fromkeys(SYMPTOMS, 0.0)
    entries = []
    for n in range(days):
        for s in SYMPTOMS:
            noise[s] = 0.5 * noise[s] + rng.gauss(0.0, sd * math.sqrt(0.75))
        if n in missing:
            continue
        extra = (rise or {}).get(n, {})
        scores = {
            s: min(10, max(0, math.floor(3.0 + noise[s] + extra.get(s, 0.0) + 0.5)))
            for s in SYMPTOMS
        }
        entries.append(
            DayEntry(
                day(n),
                scores,
                (confounders or {}).get(n, ()),
                (off_plan or {}).get(n, ()),
            )
        )
    program = ProgramFacts(START, 21, SYMPTOMS, tuple(challenges), "anti-inflammatory")
    return program, entries


def reaction(first: int, symptom: str, size: float, *, delay: int = 0, days: int = 4):
    """A reaction growing with the portion: size/3, 2*size/3, then `size` for the rest."""
    out: dict[int, dict[str, float]] = {}
    for k in range(days + 2):
        share = min(k + 1, 3) / 3
        out[first + delay + k] = {symptom: size * share}
    return out
