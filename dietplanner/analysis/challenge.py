"""Reading one challenge's window: which days are clean, left out or kept with an allowance
for a confounder or off-plan eating, the reference and follow-up days of each symptom, the
per-symptom fits (`evidence`), then the decision (`decide`)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from datetime import date

from .daybook import NOT_LOGGED, DayBook, Episode, off_plan_group
from .decide import decide
from .evidence import FitSetting, SymptomDays, prepared, read_symptom
from .reading import FoodRead, Reading, RunContext
from .reference import (
    FOLLOW_UP_DAYS,
    FOLLOW_UP_GAP,
    LOOKBACK_DAYS,
    MIN_REFERENCE_DAYS,
    Noise,
    Offset,
    follow_up_candidates,
    pick_reference_days,
    reference_candidates,
)
from .results import ExcludedDay
from .vocabulary import Verdict
from .windows import ChallengeWindow

# Confounders whose effect is roughly a steady shift while they last; a period's effect is
# not (it builds up before the first logged day and fades over the next ones): its days stay
# left out. Off-plan eating is modelled like a steady confounder (see below).
STEADY_CONFOUNDERS = frozenset(
    {"illness", "poor_sleep", "stress", "medication_change", "travel", "other"}
)
PRIOR_SHIFT = 1.5  # a confounder episode may raise a symptom by 0 to 3 points:
PRIOR_SHIFT_SD = 1.0  # prior mean and SD of its level shift
MIN_PRIOR_SD = 0.5
# Off-plan eating of an eliminated group: the days from the day eaten to 2 days after form an
# exposure with its own level shift, like a confounder episode. Prior of its shift per symptom:
# a group not read yet may raise a symptom by 0 to about 2 points; a group read as tolerated
# by next to nothing; a group read as a trigger or possible by 0 up to its own full-portion
# rise (the portion eaten off-plan is unknown).
OFF_PLAN_SHIFT = 0.5
OFF_PLAN_SHIFT_SD = 0.75
TOLERATED_SHIFT_SD = 0.3
MIN_FOOD_PRIOR_SD = 0.3


def food_kind(food: FoodRead | None) -> str | None:
    """What a food's own challenge is taken to show while reading: "tolerated", "reacted",
    or None (not read)."""
    if food is None:
        return None
    return Verdict.TOLERATED if food.verdict == Verdict.TOLERATED else "reacted"


def read_challenge(run: RunContext, cw: ChallengeWindow, blocked: Container[int]) -> Reading:
    """The reading of one challenge window; `blocked` holds the days of earlier windows that
    may hold a reaction (never a reference)."""
    book, program, now = run.book, run.program, run.now
    last_seen = min(cw.end, now)
    # How the window's days are sorted depends on neither the noise nor the pass: kept for
    # the run (with the symptoms' days, under the window's index alone).
    sort = run.symptom_days.get((cw.index,))
    if sort is None:
        sort = run.symptom_days[(cw.index,)] = _WindowDays(book, cw, last_seen)
    clean, allowed, touching = sort.clean, sort.allowed, sort.touching
    around = _episode_days_around(run, cw, touching, blocked)
    shapes = run.templates[cw.index]
    setting = FitSetting(cw=cw, shapes=shapes, noise=run.noise, candidates=run.fit_candidates)
    reads = []
    usable_days = sort.usable
    candidates = reference_candidates(book, cw.first, run.earliest, blocked)
    follow = follow_up_candidates(book, cw.end, run.later_blocked, now)
    # The passes mostly choose the same days: each choice is kept for the run, by its inputs.
    key = (cw.index, tuple(candidates), tuple(follow))
    chosen = run.symptom_days.get(key)
    if chosen is None:
        chosen = run.symptom_days[key] = _symptom_days(
            book, program.symptoms, candidates, usable_days, follow
        )
    for symptom, days in chosen:
        if allowed:  # the same days and scores (the first six fields), with the episodes
            tags, outside, priors = _episodes_of(
                days.window_days, symptom, run, allowed, around, sort.tagged
            )
            # (the peak is then read on the days without an episode)
            days = SymptomDays(*days[:6], tags, outside, priors, *days[9:12])
        reads.append(read_symptom(symptom, days, setting))
    # A day with a confounder counts toward enough data only when its episode's shift is
    # measured by more than the general prior: by its own days around the window, or by what
    # this patient's other days with that confounder show.
    if allowed:
        measured = set(_measured(touching, around, program.symptoms, run.offsets, run.foods))
        counted = sorted(set(clean) | {d for d, eps in allowed.items() if set(eps) <= measured})
        # (day, the upsets on it whose size could not be measured)
        uncounted = tuple(
            (d, tuple(e.kind for e in allowed[d] if e not in measured))
            for d, _ in sort.allowed_why
            if d not in counted
        )
    else:  # only the clean days (which go by day)
        counted, uncounted = clean, ()
    complete = now >= cw.end
    decision = decide(cw, reads, complete, counted, len(shapes), run.noise, run.prior)
    return Reading(
        cw=cw,
        reads=tuple(reads),
        symptoms=program.symptoms,
        excluded=sort.excluded,
        window_days=last_seen - cw.first + 1,
        clean_days=len(clean),
        counted_days=len(counted),
        uncounted=uncounted,
        complete=complete,
        allowed=sort.allowed_why,
        allowed_around=tuple((d, book.reference_why(d)) for d in around) if around else (),
        eaten=_eaten(touching, run.foods) if touching else (),
        **decision._asdict(),
    )


class _WindowDays:
    """A window's days up to `last_seen`, sorted: `excluded` (`ExcludedDay`s: not logged, or
    left out with their reasons), `clean`, and `allowed`, the days kept with only steady
    confounders or off-plan exposures, with their episodes (`allowed_why`: with the reasons);
    `usable`, the clean and allowed days; `touching`, the episodes of the allowed days. Also
    `tagged`, the episodes of the window's days by the days a symptom was scored on
    (`_episodes_of`). All depend on the diary and the window alone: kept for the run."""

    __slots__ = ("excluded", "clean", "allowed", "allowed_why", "usable", "touching", "tagged")

    def __init__(self, book: DayBook, cw: ChallengeWindow, last_seen: int) -> None:
        group = cw.challenge.food_group
        excluded: list[ExcludedDay] = []
        clean: list[int] = []
        # Window days with only steady confounders: kept, each confounder episode's own level
        # shift fitted alongside the rise (`evidence._read_episodes`).
        allowed: dict[int, tuple[Episode, ...]] = {}
        allowed_why: list[tuple[int, tuple[str, ...]]] = []
        logged = book.scores
        for day in range(cw.first, last_seen + 1):
            if day not in logged:
                excluded.append(ExcludedDay(date.fromordinal(day), (NOT_LOGGED,)))
                continue
            why = book.window_why(day, group)
            if not why:
                clean.append(day)
            elif not cw.blinded and all(w in STEADY_CONFOUNDERS or off_plan_group(w) for w in why):
                allowed[day] = book.upsets(day, besides=group)
                allowed_why.append((day, why))
            else:
                excluded.append(ExcludedDay(date.fromordinal(day), why))
        self.excluded, self.clean, self.allowed = tuple(excluded), clean, allowed
        self.allowed_why = tuple(allowed_why)
        self.usable = sorted(set(clean) | set(allowed)) if allowed else clean  # (clean: by day)
        self.touching = sorted(
            {e for eps in allowed.values() for e in eps}, key=lambda e: (e.days, e.kind)
        )
        self.tagged: dict = {}


def _symptom_days(
    book: DayBook,
    symptoms: tuple[str, ...],
    candidates: list[int],
    usable_days: list[int],
    follow: list[int],
) -> list[tuple[str, SymptomDays]]:
    """Each symptom with enough reference days, and the days it is read on: its reference
    days among `candidates`, its scored window days among `usable_days`, its follow-up days
    among `follow` (no confounder episodes yet: `_episodes_of`). The candidates are all
    logged days, so a symptom scored on every logged day (the usual case) is read on the
    same days as any other such symptom: those are picked once and shared."""
    chosen = []
    everywhere = None  # (reference, window, follow-up days) of such a symptom
    for symptom in symptoms:
        values = book.values(symptom)
        if len(values) == len(book.scores):
            if everywhere is None:
                everywhere = (pick_reference_days(book, symptom, candidates), usable_days, follow)
            ref_days, window_days, follow_days = everywhere
        else:
            ref_days = pick_reference_days(book, symptom, candidates)
            window_days = list(filter(values.__contains__, usable_days))
            follow_days = list(filter(values.__contains__, follow))
        if len(ref_days) < MIN_REFERENCE_DAYS:
            continue
        score = values.__getitem__
        days = prepared(
            ref_days,
            list(map(score, ref_days)),
            window_days,
            list(map(score, window_days)),
            follow_days,
            list(map(score, follow_days)),
        )
        chosen.append((symptom, days))
    return chosen


def _episodes_of(
    window_days: list[int],
    symptom: str,
    run: RunContext,
    allowed: Mapping[int, tuple[Episode, ...]],
    around: list[int],
    shared: dict,
) -> tuple[list, list, list]:
    """The confounder episodes and off-plan exposures touching the window, as
    `SymptomDays.tags`, `.outside` and `.priors`: the episodes of each window day, their days
    around it, and the prior of each one's shift. Which episodes each of those days belongs
    to depends on the days the symptom was scored on, not on the symptom: worked out once
    per such days for all the symptoms of a challenge (`shared`; the tags are then one list,
    never changed; the days around the window are chosen anew in each pass, so they are
    part of the key)."""
    if around:
        values = run.book.values(symptom)
        scored = [d for d in around if d in values]
    else:
        scored = []
    key = (tuple(window_days), tuple(scored))
    found = shared.get(key)
    if found is None:
        index: dict[Episode, int] = {}
        tags = [_tag(allowed.get(d, ()), index) for d in window_days]
        around_tags = [_tag(run.book.upsets(d), index) for d in scored]
        found = shared[key] = (tags, around_tags, list(index))
    tags, around_tags, episodes = found
    outside = (
        list(zip(scored, map(values.__getitem__, scored), around_tags, strict=True))
        if scored
        else []
    )
    # Episodes that have days around the window but none scored inside it add nothing to
    # the rise; they still get their shift so their days are honest.
    priors = [_prior(e.kind, symptom, run.noise, run.offsets, run.foods) for e in episodes]
    return tags, outside, priors


def _eaten(episodes: Iterable[Episode], foods: Mapping[str, FoodRead]) -> tuple:
    """The groups eaten off-plan among `episodes`, with what each one's challenge showed."""
    groups = sorted({e.food_group for e in episodes if e.food_group is not None})
    return tuple((g, food_kind(foods.get(g))) for g in groups)


def _episode_days_around(
    run: RunContext, cw: ChallengeWindow, episodes: list[Episode], blocked: Container[int]
) -> list[int]:
    """The days of `episodes` outside the window that may measure their size: within the
    reference look-back before it, up to the follow-up days after it (skipping the day right
    after, where a late reaction may linger), never in a window that may hold a reaction, and
    only when every confounder and off-plan exposure of the day is one of `episodes`."""
    if not episodes:
        return []
    book: DayBook = run.book
    chosen = set(episodes)
    lo = max(run.earliest, cw.first - LOOKBACK_DAYS)
    hi = min(run.now, cw.end + 1 + FOLLOW_UP_GAP + FOLLOW_UP_DAYS - 1)
    days = set()
    for e in episodes:
        for d in e.days:
            if cw.first <= d <= cw.end + FOLLOW_UP_GAP or d < lo or d > hi:
                continue
            if d < cw.first and d in blocked or d > cw.end and d in run.later_blocked:
                continue
            if not set(book.upsets(d)) <= chosen:
                continue
            days.add(d)
    return sorted(days)


def _measured(
    episodes: list[Episode],
    around: list[int],
    symptoms: tuple[str, ...],
    offsets: Mapping[tuple[str, str], Offset],
    foods: Mapping[str, FoodRead],
) -> Iterator[Episode]:
    around_days = set(around)
    for e in episodes:
        if any(d in around_days for d in e.days):
            yield e
        elif e.food_group is not None:
            if e.food_group in foods:
                yield e
        elif any((e.kind, s) in offsets for s in symptoms):
            yield e


def _tag(episodes: Iterable[Episode], index: dict[Episode, int]) -> tuple[int, ...]:
    return tuple(index.setdefault(e, len(index)) for e in episodes)


def _prior(
    kind: str,
    symptom: str,
    noise: Noise,
    offsets: Mapping[tuple[str, str], Offset],
    foods: Mapping[str, FoodRead],
) -> tuple[float, float]:
    """Prior mean and variance (points) of an episode's level shift on one symptom: what this
    patient's other days with that confounder show when the diary has enough of them, else
    the general "a confounder may raise a symptom by 0 to 3 points". Off-plan eating: see
    `_food_prior`."""
    group = off_plan_group(kind)
    if group is not None:
        return _food_prior(foods.get(group), symptom)
    o = offsets.get((kind, symptom))
    if o is not None:
        return o.points, max(o.extra * noise.sigma[symptom] ** 2, MIN_PRIOR_SD**2)
    return PRIOR_SHIFT, PRIOR_SHIFT_SD**2


def _food_prior(food: FoodRead | None, symptom: str) -> tuple[float, float]:
    """Prior of the shift an off-plan exposure brings to a symptom: from what the group's own
    challenge showed (the portion eaten off-plan may be anything from none to a full one),
    else the general "0 to about 2 points"."""
    if food is None:
        return OFF_PLAN_SHIFT, OFF_PLAN_SHIFT_SD**2
    if food.verdict == Verdict.TOLERATED:
        return 0.0, TOLERATED_SHIFT_SD**2
    rise, se = food.rises.get(symptom, (0.0, 0.0))
    rise = max(rise, 0.0)
    # Uniform from 0 to the full-portion rise, plus half the rise's own uncertainty.
    var = rise * rise / 12.0 + 0.25 * se * se
    return 0.5 * rise, max(var, MIN_FOOD_PRIOR_SD**2)
