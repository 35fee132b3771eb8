"""Reading the diary: logged days, flares, the late-baseline reference and "in range".

Vocabulary:
- a *logged* day is a diary day, on or after the program start and not after `today`, with at
  least one tracked symptom scored (confounders alone do not make a day logged);
- a *flare* is a logged day where a tracked symptom is `FLARE_RISE` points or more above its
  median over the previous 7 calendar days (whatever of them were scored);
- the *reference* is, per tracked symptom, the median of its last 7 scores in the baseline; a
  day is *in range* when it is logged and no scored symptom is more than 1 point above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from .plan import (
    FLARE_LOOKBACK_DAYS,
    FLARE_RISE,
    IN_RANGE_MARGIN,
    ONE_DAY,
    REFERENCE_SCORES,
    DayLog,
)

_LOOKBACK = tuple(timedelta(days=k) for k in range(1, FLARE_LOOKBACK_DAYS + 1))

InRange = Callable[[date], bool]


class Diary:
    """The diary as seen on `today`: scores after today or before the start do not exist yet."""

    __slots__ = ("_cache", "_days", "first", "last", "symptoms")

    def __init__(
        self, days: Mapping[date, DayLog], symptoms: tuple[str, ...], first: date, last: date
    ):
        self._days, self.symptoms, self.first, self.last = days, symptoms, first, last
        self._cache: dict[date, dict[str, int] | None] = {}

    def scores(self, day: date) -> dict[str, int] | None:
        """Tracked symptoms scored that day, or None if the day is not a logged day."""
        if day in self._cache:
            return self._cache[day]
        found = None
        log = self._days.get(day) if self.first <= day <= self.last else None
        if log is not None:
            found = {s: log.scores[s] for s in self.symptoms if log.scores.get(s) is not None}
        self._cache[day] = found or None
        return found or None

    def confounders(self, day: date) -> frozenset[str]:
        # Future days count here: planned travel logged ahead is a reason to postpone.
        log = self._days.get(day)
        return log.confounders if log is not None else frozenset()


def median(values: list[int]) -> float:
    """The median of a non-empty list, sorting it in place (callers pass throwaway lists)."""
    values.sort()
    mid = len(values) // 2
    return float(values[mid]) if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def flare_on(book: Diary, day: date, scores: dict[str, int]) -> tuple[str, int, float] | None:
    """The first symptom flaring that day, with its score and the median it rose above."""
    prior = [p for k in _LOOKBACK if (p := book.scores(day - k)) is not None]
    for symptom, value in scores.items():
        history = [p[symptom] for p in prior if symptom in p]
        if history and value - (middle := median(history)) >= FLARE_RISE:
            return symptom, value, middle
    return None


def late_baseline_reference(book: Diary, start: date, last: date) -> dict[str, float]:
    """Late-baseline medians: the last 7 scores of each symptom, walking back from `last`."""
    collected: dict[str, list[int]] = {s: [] for s in book.symptoms}
    open_symptoms = len(collected)
    day = last
    while day >= start and open_symptoms:
        for symptom, value in (book.scores(day) or {}).items():
            values = collected[symptom]
            if len(values) < REFERENCE_SCORES:
                values.append(value)
                open_symptoms -= len(values) == REFERENCE_SCORES
        day -= ONE_DAY
    return {s: median(v) for s, v in collected.items() if v}


def in_range_test(book: Diary, reference: Mapping[str, float]) -> InRange:
    """A test for "logged and back within the reference range" on one day."""
    limits = {s: ref + IN_RANGE_MARGIN for s, ref in reference.items()}

    def in_range(day: date) -> bool:
        scores = book.scores(day)
        if scores is None:
            return False
        return all(value <= limits.get(s, value) for s, value in scores.items())

    return in_range
