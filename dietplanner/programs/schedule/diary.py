"""Reading the diary: logged days, flares, the usual level and "back at the usual level".

Vocabulary:
- a *logged* day is a diary day, on or after the program start and not after `today`, with at
  least one tracked symptom scored (confounders alone do not make a day logged);
- a *flare* is a logged day where a tracked symptom is `FLARE_RISE` points or more above its
  median over the previous 7 calendar days (whatever of them were scored);
- the *usual level* ("reference") of a symptom is the one the analysis reads challenges
  against (`analysis.reference`): the mean of its latest clean scores (no confounder, no
  off-plan eating) in the baseline, past its settling days;
- a symptom is *above usual* on a day when its score is at least the smallest meaningful change
  (`analysis.results.meaningful_change`: 2 points, or 30% of the usual level, never under 1.5)
  above its usual level; a logged day with no symptom above usual is *at the usual level*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from statistics import median

from dietplanner.analysis.daybook import DayBook
from dietplanner.analysis.diary import DayEntry
from dietplanner.analysis.reference import (
    pick_reference_days,
    reference_candidates,
    settling_days,
)
from dietplanner.analysis.results import meaningful_change

from .plan import FLARE_LOOKBACK_DAYS, FLARE_RISE, ONE_DAY, DayLog, SymptomAbove

_LOOKBACK = tuple(timedelta(days=k) for k in range(1, FLARE_LOOKBACK_DAYS + 1))

AboveUsual = Callable[[date], tuple[SymptomAbove, ...] | None]


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

    def last_logged(self, before: date, since: date) -> date | None:
        """The latest logged day from `since` up to the day before `before`."""
        day = before - ONE_DAY
        while day >= since:
            if self.scores(day) is not None:
                return day
            day -= ONE_DAY
        return None

    def entries(self, until: date | None = None) -> list[DayEntry]:
        """The logged days as the analysis reads them (tracked scores only), up to `until`
        (default: all)."""
        return [
            DayEntry(
                date=day,
                scores=scores,
                confounders=tuple(sorted(log.confounders)),
                off_plan=tuple(sorted(log.off_plan)),
            )
            for day, log in self._days.items()
            if (until is None or day <= until) and (scores := self.scores(day)) is not None
        ]

    def confounders(self, day: date) -> frozenset[str]:
        # Future days count here: planned travel logged ahead is a reason to postpone.
        log = self._days.get(day)
        return log.confounders if log is not None else frozenset()


def flare_on(book: Diary, day: date, scores: dict[str, int]) -> tuple[str, int, float] | None:
    """The first symptom flaring that day, with its score and the median it rose above."""
    prior = [p for k in _LOOKBACK if (p := book.scores(day - k)) is not None]
    for symptom, value in scores.items():
        history = [p[symptom] for p in prior if symptom in p]
        if history and value - (middle := float(median(history))) >= FLARE_RISE:
            return symptom, value, middle
    return None


def usual_levels(book: Diary, baseline_days: int, before: date) -> dict[str, float]:
    """Each symptom's usual level from the baseline days before `before` (the first dose).

    The analysis's own rule (`analysis.reference`), so the washout waits for the level the
    verdicts compare against. A symptom with no clean late-baseline score falls back to its
    late-baseline scores whatever was logged, then to any baseline score.

    Only days up to `before` are read: the days it picks from lie before it, and what makes a
    day unfit reaches it from that day, the day before (off-plan eating carried on) or the day
    after (a confounder logged on both sides), never from later. A year's diary is not read
    for a baseline of weeks."""
    daybook = DayBook(book.entries(until=before))
    end = before.toordinal()
    late = book.first.toordinal() + settling_days(baseline_days)
    clean = reference_candidates(daybook, end, late, ())
    logged = [d for d in range(end - 1, late - 1, -1) if daybook.logged(d)]
    anyday = [d for d in range(end - 1, book.first.toordinal() - 1, -1) if daybook.logged(d)]
    levels: dict[str, float] = {}
    for symptom in book.symptoms:
        for candidates in (clean, logged, anyday):
            days = pick_reference_days(daybook, symptom, candidates)
            if days:
                levels[symptom] = sum(daybook.scores[d][symptom] for d in days) / len(days)
                break
    return levels


def above_usual_test(book: Diary, usual: Mapping[str, float]) -> AboveUsual:
    """A reading of one day: None when not logged, else the symptoms still above usual."""
    bars = {s: meaningful_change(level) for s, level in usual.items()}

    def above(day: date) -> tuple[SymptomAbove, ...] | None:
        scores = book.scores(day)
        if scores is None:
            return None
        return tuple(
            SymptomAbove(symptom=s, day=day, score=value, usual=usual[s])
            for s, value in scores.items()
            if s in bars and value - usual[s] >= bars[s]
        )

    return above
