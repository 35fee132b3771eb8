"""Did the baseline help? The first days of the baseline against its last week.

Symptoms often drift down on an elimination diet; if the main ones did not fall by the change a
patient notices (the analysis' `meaningful_change`: 2 points, or 30% of the level), the diet
may be the wrong tool and food tests should not start by themselves (clinical review C1).
Pure: fed the engine's diary and late-baseline reference, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dietplanner.analysis.results import meaningful_change

from .plan import DayLog

FIRST_DAYS = 3  # logged days that make "how you were at the start"
FIRST_WINDOW = 7  # ...taken from the first week of the baseline
MAIN_SYMPTOMS = 3  # the symptoms scored highest at the start are the ones that count
# ...when they were at least moderate: from a mild level a fall of 2 points or 30% is hard to
# tell from the day-to-day wobble (pain trials enrol from 4 of 10 for the same reason), so a
# baseline that started mild is not judged and holds nothing.
MODERATE = 4.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SymptomChange:
    symptom: str
    first: float  # mean of the first logged days
    last: float  # the late-baseline reference (median of the last scores)
    needed: float  # the fall that would count

    @property
    def fall(self) -> float:
        return self.first - self.last

    @property
    def improved(self) -> bool:
        return self.fall >= self.needed


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselineResponse:
    """`helped`: True, False, or None when the diary cannot say (too few first days, or no
    symptom at least moderate at the start). `main` are the symptoms judged, highest first."""

    helped: bool | None
    main: tuple[SymptomChange, ...] = ()


def baseline_response(
    *,
    start: date,
    symptoms: Sequence[str],
    diary: Mapping[date, DayLog],
    reference: Mapping[str, float],
) -> BaselineResponse:
    """Judge the baseline: it helped when any main symptom fell by a meaningful change."""
    first_days = [
        diary[d]
        for d in (start + timedelta(days=k) for k in range(FIRST_WINDOW))
        if d in diary and diary[d].scores
    ][:FIRST_DAYS]
    if len(first_days) < 2:
        return BaselineResponse(helped=None)
    changes = []
    for symptom in symptoms:
        values = [log.scores[symptom] for log in first_days if symptom in log.scores]
        if not values or symptom not in reference:
            continue
        first = sum(values) / len(values)
        if first >= MODERATE:
            changes.append(
                SymptomChange(
                    symptom=symptom,
                    first=round(first, 1),
                    last=reference[symptom],
                    needed=meaningful_change(first),
                )
            )
    main = tuple(sorted(changes, key=lambda c: -c.first)[:MAIN_SYMPTOMS])
    if not main:
        return BaselineResponse(helped=None)
    return BaselineResponse(helped=any(c.improved for c in main), main=main)
