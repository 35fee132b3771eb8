"""The diary indexed by day number, with the reasons a day cannot be read cleanly.

A day is left out of a comparison when the patient logged a confounder (illness, poor sleep,
stress, period, medication change, travel, other) or ate an eliminated group off-plan. Two
corrections for how diaries are really filled in:
- a confounder logged on the days either side of a day is assumed to cover it too (people
  forget to tick "ill" on one day in the middle of a cold);
- off-plan eating can act with a delay (DOMAIN: 2-72 h), so it also spoils the next 2 days.
During a challenge, eating the challenged group itself is not contamination; before it, it is.
Runs of days with the same confounder form episodes (`DayBook.episodes`), and the days from
an off-plan eating of a group to 2 days after it form an exposure (`DayBook.exposures`): the
verdicts fit one level shift per episode or exposure in a window instead of leaving its days
out. Outside windows (usual level, noise, confounder offsets) such days stay left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from .diary import DayEntry

OFF_PLAN_CARRY_DAYS = 2
EPISODE_GAP = 1  # days without an entry that do not split a confounder episode

# Why-slugs for a day left out: a confounder slug, or one of these prefixes plus a food group.
ATE_PREFIX = "ate:"
AFTER_PREFIX = "after:"
NOT_LOGGED = "not_logged"


def off_plan_group(why: str) -> str | None:
    """The food group of an off-plan reason (`ate:<group>` or `after:<group>`), else None."""
    if why.startswith(ATE_PREFIX) or why.startswith(AFTER_PREFIX):
        return why.split(":", 1)[1]
    return None


class DayBook:
    """Scores and exclusion reasons by ordinal day number (`date.toordinal()`)."""

    __slots__ = (
        "scores",
        "calm",
        "_confounders",
        "_off_plan",
        "_episodes",
        "_eaten",
        "_exposures",
        "_values",
    )

    def __init__(self, entries: Iterable[DayEntry]) -> None:
        scores: dict[int, dict[str, int]] = {}
        logged_confounders: dict[int, tuple[str, ...]] = {}
        eaten: dict[int, tuple[str, ...]] = {}
        for entry in entries:
            day = entry.date.toordinal()
            scores[day] = dict(entry.scores)
            if entry.confounders:
                logged_confounders[day] = tuple(entry.confounders)
            if entry.off_plan:
                eaten[day] = tuple(entry.off_plan)
        self.scores = scores
        self._confounders = _bridge(logged_confounders, scores)
        self._eaten = eaten
        self._off_plan = _carry(eaten)
        # Logged days fit to serve as the usual level: no confounder, no off-plan eating.
        self.calm = frozenset(scores.keys() - self._confounders.keys() - self._off_plan.keys())
        self._episodes: dict[int, tuple[Episode, ...]] | None = None
        self._exposures: dict[int, tuple[Episode, ...]] | None = None
        self._values: dict[str, dict[int, float]] = {}

    def logged(self, day: int) -> bool:
        return day in self.scores

    def values(self, symptom: str) -> dict[int, float]:
        """The days `symptom` was scored on, with their score as a float."""
        found = self._values.get(symptom)
        if found is None and not self._values:
            # The first call reads every symptom scored on every logged day at once.
            self._values = _every_day_values(self.scores)
            found = self._values.get(symptom)
        if found is None:
            scores = self.scores
            try:  # scored every day (the usual case): read each day's score in C
                found = dict(
                    zip(scores, map(float, map(itemgetter(symptom), scores.values())), strict=True)
                )
            except KeyError:
                found = {d: float(s[symptom]) for d, s in scores.items() if symptom in s}
            self._values[symptom] = found
        return found

    def score(self, day: int, symptom: str) -> int | None:
        day_scores = self.scores.get(day)
        return None if day_scores is None else day_scores.get(symptom)

    def window_why(self, day: int, food_group: str) -> tuple[str, ...]:
        """Why a day inside a challenge of `food_group` is left out (empty: it is clean)."""
        why = self._confounders.get(day, ())
        off = self._off_plan.get(day)
        if off:
            why = why + tuple(w for w in off if off_plan_group(w) != food_group)
        return why

    def confounders(self, day: int) -> tuple[str, ...]:
        """The confounders logged on (or bridged over) a day."""
        return self._confounders.get(day, ())

    def confounded_days(self) -> list[tuple[int, tuple[str, ...]]]:
        """Every day with a confounder logged on (or bridged over) it, in date order, with
        those confounders."""
        return sorted(self._confounders.items())

    def episodes(self, day: int) -> tuple[Episode, ...]:
        """The confounder episodes a day belongs to, one per confounder it carries."""
        if self._episodes is None:
            self._episodes = _episodes(self._confounders)
        return self._episodes.get(day, ())

    def exposures(self, day: int, besides: str | None = None) -> tuple[Episode, ...]:
        """The off-plan exposures a day belongs to (kind `ate:<group>`): the days from one
        off-plan eating of a group to 2 days after it, joined when the same group was eaten
        again before the last of them passed. `besides`: leave out that group's own."""
        if self._exposures is None:
            self._exposures = _exposures(self._eaten, self.scores)
        found = self._exposures.get(day, ())
        if besides is not None and found:
            own = ATE_PREFIX + besides
            found = tuple(e for e in found if e.kind != own)
        return found

    def upsets(self, day: int, besides: str | None = None) -> tuple[Episode, ...]:
        """The confounder episodes and off-plan exposures a day belongs to."""
        return self.episodes(day) + self.exposures(day, besides)

    def ate_off_plan(self, day: int) -> bool:
        """Off-plan eating that day or in the 2 days before."""
        return day in self._off_plan

    def reference_why(self, day: int) -> tuple[str, ...]:
        """Why a day cannot serve as the patient's usual level (empty: it can)."""
        return self._confounders.get(day, ()) + self._off_plan.get(day, ())


# A score of 0 to 10 as a float, by place (the same float `float` gives it).
_AS_FLOAT = [float(score) for score in range(11)]


def _every_day_values(scores: dict[int, dict[str, int]]) -> dict[str, dict[int, float]]:
    """`DayBook.values` of each symptom of the first logged day that was scored on every
    logged day (the usual case: all of them), worked out together: each day's scores of
    those symptoms read with one call, then each symptom's column turned into floats with
    one call when it holds whole scores of 0 to 10 only (read by place in a list of their
    floats). Empty when one of those symptoms missed a day or fewer than two days were
    logged (each symptom is then read on its own)."""
    if len(scores) < 2:
        return {}
    names = tuple(next(iter(scores.values())))
    if len(names) < 2:
        return {}
    try:
        columns = list(zip(*map(itemgetter(*names), scores.values()), strict=True))
    except KeyError:
        return {}
    found = {}
    for name, column in zip(names, columns, strict=True):
        try:  # (only whole scores of 0 to 255 make bytes; over 10 they raise IndexError)
            bytes(column)
            floats = itemgetter(*column)(_AS_FLOAT)
        except (IndexError, TypeError, ValueError):
            floats = map(float, column)
        found[name] = dict(zip(scores, floats, strict=True))
    return found


@dataclass(frozen=True, slots=True)
class Episode:
    """A run of days carrying the same confounder (a day with no entry at all may interrupt
    it: people skip the diary when ill). `days` are the logged days of the run."""

    kind: str
    days: tuple[int, ...]

    @property
    def food_group(self) -> str | None:
        """The group eaten, for an off-plan exposure; None for a confounder episode."""
        return off_plan_group(self.kind)


def _episodes(confounders: dict[int, tuple[str, ...]]) -> dict[int, tuple[Episode, ...]]:
    runs: dict[str, list[list[int]]] = {}
    for day in sorted(confounders):
        for kind in confounders[day]:
            kind_runs = runs.setdefault(kind, [])
            if kind_runs and day - kind_runs[-1][-1] <= EPISODE_GAP + 1:
                kind_runs[-1].append(day)
            else:
                kind_runs.append([day])
    return _by_day(Episode(kind, tuple(run)) for kind in sorted(runs) for run in runs[kind])


def _exposures(
    eaten: dict[int, tuple[str, ...]], scores: dict[int, dict[str, int]]
) -> dict[int, tuple[Episode, ...]]:
    spans: dict[str, list[list[int]]] = {}
    for day in sorted(eaten):
        for group in eaten[day]:
            runs = spans.setdefault(group, [])
            if runs and day <= runs[-1][1] + 1:
                runs[-1][1] = day + OFF_PLAN_CARRY_DAYS
            else:
                runs.append([day, day + OFF_PLAN_CARRY_DAYS])
    exposures = (
        Episode(ATE_PREFIX + group, days)
        for group in sorted(spans)
        for lo, hi in spans[group]
        if (days := tuple(d for d in range(lo, hi + 1) if d in scores))
    )
    return _by_day(exposures)


def _by_day(episodes: Iterable[Episode]) -> dict[int, tuple[Episode, ...]]:
    out: dict[int, list[Episode]] = {}
    for episode in episodes:
        for day in episode.days:
            out.setdefault(day, []).append(episode)
    return {day: tuple(eps) for day, eps in out.items()}


def _bridge(
    logged: dict[int, tuple[str, ...]], scores: dict[int, dict[str, int]]
) -> dict[int, tuple[str, ...]]:
    result = dict(logged)
    # The days with a confounder logged on the day before and the day after (in diary order).
    between = {day + 1 for day in logged if day + 2 in logged}
    for day in filter(between.__contains__, scores):
        before = logged[day - 1]
        after = logged[day + 1]
        own = logged.get(day, ())
        shared = tuple(c for c in before if c in after and c not in own)
        if shared:
            result[day] = own + shared
    return result


def _carry(eaten: dict[int, tuple[str, ...]]) -> dict[int, tuple[str, ...]]:
    result: dict[int, list[str]] = {}
    for day in sorted(eaten):
        for group in eaten[day]:
            _add(result, day, ATE_PREFIX + group)
            for later in range(day + 1, day + 1 + OFF_PLAN_CARRY_DAYS):
                _add(result, later, AFTER_PREFIX + group)
    return {day: tuple(why) for day, why in result.items()}


def _add(result: dict[int, list[str]], day: int, why: str) -> None:
    items = result.setdefault(day, [])
    group = off_plan_group(why)
    # One reason per group and day, the day it was eaten winning over "after".
    for i, existing in enumerate(items):
        if off_plan_group(existing) == group:
            if why.startswith(ATE_PREFIX):
                items[i] = why
            return
    items.append(why)
