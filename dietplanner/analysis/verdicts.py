"""Verdicts for a program's challenges: the entry point of the analysis.

    results = analyze_program(program, entries, today=date.today())

One `ChallengeResult` per started challenge, in the order of `program.challenges`. The method
(see docs/analysis.md for the why and the measured quality):
1. each challenge's window: dose days plus 4 days after (cut at the next challenge);
2. days with a period are left out (and listed); days with a steady confounder (illness,
   poor sleep, stress...) are kept, each confounder episode getting its own level shift in the
   fit, with a prior from this patient's other such days (`reference.confounder_offsets`) or
   a general one; its days just outside the window help measure it; off-plan eating of
   another eliminated group (the day eaten and the 2 after) is handled the same way, the
   prior of its shift coming from what that group's own challenge showed (`_food_prior`);
3. per symptom, the usual level from the most recent clean days before the first dose (and a
   few clean days after the window), and the patient's day-to-day wobble and autocorrelation
   from all clean days, estimated twice: the second time without the windows that rose
   (`reference`);
4. per symptom, the strength (z) of a rise that follows the portion, allowing for delays and
   lingering, by GLS under AR(1) noise (`evidence`);
5. the evidence: a Bayes factor of a 3-point rise at the full portion, on one symptom or on
   two at once, averaged over the symptoms, pairs and shapes tried (`_reaction_evidence`);
   whether a symptom's own rise is beyond the 5% level and clinically meaningful (>= 2
   points, or 30% of the usual level but never under 1.5); smaller or less certain rises, a
   one-day spike, a stop for a reaction (confirmed or not by a clean day);
6. the chance that the food is a trigger, from that evidence and the prior (`probability`),
   and the verdict as a band of it: `trigger` from 0.5 with a meaningful rise (or a
   confirmed stop), `possible` from 0.25 (and any stop for a reaction), `inconclusive` when
   too few clean days, otherwise `tolerated`.
   Blinded: the active-minus-placebo difference must pass both bars (their own rules).
Deterministic: no randomness, no clock (pass `today`). Every result depends on the whole
diary (the noise estimate, follow-up days up to 8 days after a window, earlier tolerated
challenges), so re-run the whole program after any change (a year: docs/analysis.md, Speed).
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from datetime import date

from . import probability, wording
from .blinded import PairedReading, paired_reasons, read_pairs
from .daybook import NOT_LOGGED, DayBook, Episode, off_plan_group
from .diary import ChallengeFacts, DayEntry, DiaryDocument, ProgramFacts
from .evidence import SymptomRead, read_symptom
from .reference import (
    FOLLOW_UP_DAYS,
    FOLLOW_UP_GAP,
    LOOKBACK_DAYS,
    MIN_REFERENCE_DAYS,
    Noise,
    NoiseEstimator,
    Offset,
    confounder_offsets,
    follow_up_days,
    late_start,
    pick_reference_days,
    reference_candidates,
    span_days,
)
from .results import (
    CLEAR_RISE_Z,
    FINDING_OF_KIND,
    NO_DATA,
    NO_RISE,
    RISE,
    SMALL_RISE,
    SMALL_RISE_POINTS,
    ChallengeResult,
    ExcludedDay,
    meaningful_change,
    rise_kind,
)
from .results import SymptomEvidence as Evidence
from .stats import critical_z
from .windows import ChallengeWindow, challenge_windows

ALPHA = 0.03  # family-wise false-alarm rate per challenge for `trigger` (blinded challenges)
# Open challenges: the main evidence is a Bayes factor (Neyman-Pearson over the mixture of
# windows): how much better "a reaction of REACTION_POINTS at the full portion, on one symptom
# or on two at once, under one of the reaction shapes" explains the fitted rises than "no
# reaction", each symptom, pair and shape equally likely within its kind, "two or more
# symptoms" weighed TWO_SYMPTOM_SHARE and "one" the rest (a reaction hits 1, 2 or 3 symptoms).
# `probability` turns it, with the other evidence, into the chance of a trigger.
REACTION_POINTS = 3.0
TWO_SYMPTOM_SHARE = 2.0 / 3.0
MEMBER_Z = CLEAR_RISE_Z  # a symptom named in a trigger must rise on its own (5% level)
# `possible` keeps z bars: a Bonferroni split over symptoms x shapes of these rates.
ALPHA_ONE = 0.015  # a clear but small rise
ALPHA_POSSIBLE = 0.5  # a less certain one
EFFECTIVE_SHAPES = 4.5  # the 6 shapes act like ~4.5 independent tests (Monte Carlo, any phi)
POSSIBLE_RISE_POINTS = 1.2  # a less certain rise counts as possible from this size on
ONE_DAY_RISE_POINTS = 3.0
MIN_WINDOW_DAYS = 3
STOP_CONFIRM_Z = 1.645
# The data problem of a test stopped for a cause that is not a reaction: it is repeated.
INTERRUPTED = "interrupted"
MIN_LATE_DAYS = 2  # clean days from the last dose on: delayed reactions show there
BLOCK_AFTER = 2  # days after a non-tolerated window kept out of later references
PASSES = 2
NOISE_EXCLUDE_Z = 2.0
HIDDEN_RISE_SWELL = 1.5  # see `_hidden_rises`
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
MAX_REREADS = 2


@dataclass(frozen=True, slots=True)
class FoodRead:
    """What this patient's own challenge of a food group showed: its verdict and, per symptom,
    the fitted rise at the full portion and its uncertainty (points)."""

    verdict: str
    rises: dict[str, tuple[float, float]]


@dataclass(slots=True)
class Reading:
    """Everything decided about one challenge, before it is worded."""

    cw: ChallengeWindow
    verdict: str
    reads: list[SymptomRead]
    triggered: list[SymptomRead] = field(default_factory=list)
    possible: list[tuple[SymptomRead, str]] = field(default_factory=list)
    excluded: list[ExcludedDay] = field(default_factory=list)
    window_days: int = 0
    clean_days: int = 0
    counted_days: int = 0  # clean days plus confounded days whose episode could be measured
    # Confounded days not counted: (day, the confounders / `ate:<group>` exposures on it
    # whose shift could not be measured).
    uncounted: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    complete: bool = True
    stop_confirmed: bool = False
    problem: str | None = None  # why the data are too thin, when they are
    placebo_reacted: list[SymptomRead] = field(default_factory=list)
    # Open challenges: the log Bayes factor of a reaction against none (`_reaction_evidence`),
    # and the two symptoms whose rising together weighed most in it, when pairs weighed more
    # than single symptoms.
    log_bayes: float | None = None
    log_lr: float = 0.0  # calibrated log likelihood ratio of trigger against not (`probability`)
    # Open challenges: the symptoms that rose on their own by a meaningful amount.
    meaningful: list[SymptomRead] = field(default_factory=list)
    pair: tuple[str, str] | None = None
    symptoms: tuple[str, ...] = ()
    # Window days with a confounder, counted after allowing for its episode's own shift, and
    # that episode's days around the window that helped measure the shift: (day, why).
    allowed: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    allowed_around: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    # Groups eaten off-plan whose exposure was allowed for, with what their own challenge was
    # taken to show while reading ("tolerated", "reacted", or None: not known); the last pass
    # turns it into what the reasons say ("tolerated", "possible", "reacted", "unsettled").
    eaten: list[tuple[str, str | None]] = field(default_factory=list)
    # A blinded re-challenge: its reading pair by pair, which gives the verdict (`blinded.py`).
    paired: PairedReading | None = None


def analyze_program(
    program: ProgramFacts,
    entries: Sequence[DayEntry],
    *,
    today: date | None = None,
    prior: float | None = None,
) -> list[ChallengeResult]:
    """Read every started challenge of `program` against its diary `entries`.

    `today` marks which windows are still running (default: the last logged day). `prior` is
    the share of tested groups taken to be triggers before the diary is read (0-1; default:
    the stated prior of the program's protocol, `probability.prior_for`): each
    result's `probability` combines it with the diary's evidence, and the verdict is a band of
    that probability (`probability.band`). Challenges
    are read in order of first dose, so a later challenge's usual level can use the days of an
    earlier challenge that was read as tolerated.
    """
    if prior is None:
        prior = probability.prior_for(program.protocol)
    book = DayBook(entries)
    windows = challenge_windows(program)
    earliest = late_start(program)
    if today is not None:
        now = today.toordinal()
    else:
        now = max(book.scores) if book.scores else program.started_on.toordinal()
    # Pass 1 estimates the noise on every clean day (reactions included, so it errs wide);
    # pass 2 re-estimates it without the windows pass 1 flagged, and gives the verdicts.
    # A blinded test's days never measure the noise its pairs are judged against: half of them
    # may hold reactions, and its pairs are read against the wobble of the other days.
    blind_spans = [(w.first, w.end + BLOCK_AFTER) for w in windows if w.challenge.blinded]
    rising: dict[str, list[tuple[int, int]]] = _blind_spans(program, blind_spans)
    later_blocked = None  # pass 1: follow-up days only outside every window
    busy = span_days((w.first, w.end + BLOCK_AFTER) for w in windows)
    foods: dict[str, FoodRead] = {}
    noise_of = NoiseEstimator(book, program.symptoms, earliest)
    for pass_no in range(PASSES):
        noise = noise_of.estimate(rising)
        offsets = confounder_offsets(book, program.symptoms, earliest, busy, noise)
        used = foods
        readings = _read_all(
            program, book, noise, windows, earliest, now, later_blocked, offsets, used, prior
        )
        foods = _food_reads(readings)
        # Off-plan eating is allowed for by what the previous reading of that food showed
        # (pass 1: nothing known); the last pass must agree with the readings it leaned on
        # (the reasons name them), so it is read again, at most twice, until it does.
        for _ in range(MAX_REREADS if pass_no == PASSES - 1 else 0):
            if _agree(used, foods, readings):
                break
            used = foods
            readings = _read_all(
                program, book, noise, windows, earliest, now, later_blocked, offsets, used, prior
            )
            foods = _food_reads(readings)
        if pass_no == PASSES - 1:
            # The reasons say what the food's final reading showed; when it still does not
            # agree with the one allowed for (rare), they do not say.
            for r in readings:
                r.eaten = [
                    (g, _food_word(f) if _food_kind(f) == k else "unsettled")
                    for g, k in r.eaten
                    for f in (foods.get(g),)
                ]
        if pass_no == PASSES - 1:
            break  # what follows only feeds the next pass
        rising = _blind_spans(program, blind_spans)
        for r in readings:
            for sr in r.reads:
                if sr.z is not None and sr.z >= NOISE_EXCLUDE_Z:
                    rising.setdefault(sr.symptom, []).append((r.cw.first, r.cw.end + BLOCK_AFTER))
        _hidden_rises(noise_of, noise, rising, readings)
        later_blocked = span_days(
            (r.cw.first, r.cw.end) for r in readings if r.verdict != "tolerated"
        )
        # Tolerated windows may teach what a confounder does; the others may hold reactions.
        busy = span_days(
            (r.cw.first, r.cw.end + BLOCK_AFTER) for r in readings if r.verdict != "tolerated"
        )
    by_index = {r.cw.index: _result(r, prior) for r in readings}
    results = []
    for index, challenge in enumerate(program.challenges):
        if index in by_index:
            results.append(by_index[index])
        elif challenge.started:
            results.append(_no_dose_result(index, challenge, prior))
    return results


def _hidden_rises(noise_of, noise, rising, readings) -> None:
    """Add to `rising` the windows whose rise hid itself: a rise big and lasting enough swells
    the noise measured on its own days until it no longer looks strong (a flat 2 jumping to 8
    for good read as "within your usual ups and downs"). A clinically meaningful change whose
    days make the symptom's spread `HIDDEN_RISE_SWELL` times what it is without them is kept
    out of the noise like a strong rise."""
    for r in readings:
        span = (r.cw.first, r.cw.end + BLOCK_AFTER)
        for sr in r.reads:
            spans = rising.get(sr.symptom, [])
            if span in spans or sr.change is None:
                continue
            if sr.change < meaningful_change(sr.ref_level):
                continue
            without = {**rising, sr.symptom: [*spans, span]}
            sigma = noise_of.sigma(without, sr.symptom)
            if noise.sigma[sr.symptom] >= HIDDEN_RISE_SWELL * sigma:
                rising[sr.symptom] = without[sr.symptom]


def _blind_spans(program: ProgramFacts, spans) -> dict[str, list[tuple[int, int]]]:
    return {s: list(spans) for s in program.symptoms} if spans else {}


def _eaten_groups(episodes) -> list[str]:
    return sorted({e.food_group for e in episodes if e.food_group is not None})


def _food_kind(food: FoodRead | None) -> str | None:
    if food is None:
        return None
    return "tolerated" if food.verdict == "tolerated" else "reacted"


def _food_word(food: FoodRead | None) -> str | None:
    """What the reasons say a food's own challenge showed (`wording.FOOD_BASIS`)."""
    if food is None or food.verdict == "tolerated":
        return _food_kind(food)
    return "possible" if food.verdict == "possible" else "reacted"


def _agree(used: dict[str, FoodRead], foods: dict[str, FoodRead], readings) -> bool:
    """Whether every food whose off-plan eating was allowed for reads as it was assumed to."""
    return all(
        _food_kind(used.get(g)) == _food_kind(foods.get(g)) for r in readings for g, _ in r.eaten
    )


def _food_reads(readings: Sequence[Reading]) -> dict[str, FoodRead]:
    """Per food group, what its challenge showed (the strongest verdict when re-challenged)."""
    rank = {"trigger": 3, "possible": 2, "tolerated": 1}
    best: dict[str, Reading] = {}
    for r in readings:
        group = r.cw.challenge.food_group
        if r.verdict not in rank:
            continue
        if group not in best or rank[r.verdict] > rank[best[group].verdict]:
            best[group] = r
    return {
        group: FoodRead(
            r.verdict,
            {sr.symptom: (sr.rise, sr.rise_se) for sr in r.reads if sr.rise is not None},
        )
        for group, r in best.items()
    }


def _read_all(
    program,
    book,
    noise,
    windows,
    earliest,
    now,
    later_blocked,
    offsets=None,
    foods=None,
    prior=probability.PRIOR,
) -> list[Reading]:
    if later_blocked is None:
        later_blocked = span_days((w.first, w.end) for w in windows)
    blocked: set[int] = set()
    readings = []
    for cw in windows:
        reading = read_challenge(
            program, book, noise, cw, blocked, earliest, now, later_blocked, offsets, foods, prior
        )
        if cw.challenge.blinded:
            reading.paired = read_pairs(
                cw.challenge,
                program.symptoms,
                book,
                noise,
                window_end=cw.end,
                now=now,
                bar=meaningful_change,
            )
            reading.verdict = reading.paired.verdict
        if reading.verdict in ("trigger", "possible"):
            blocked.update(range(cw.first, cw.end + 1))
        readings.append(reading)
    return readings


def analyze_document(
    document: DiaryDocument, *, today: date | None = None, prior: float | None = None
):
    """`analyze_program` on a parsed `dietplanner-diary` document."""
    return analyze_program(document.program, document.entries, today=today, prior=prior)


def read_challenge(
    program: ProgramFacts,
    book: DayBook,
    noise: Noise,
    cw: ChallengeWindow,
    blocked: Container[int],
    earliest: int,
    now: int,
    later_blocked: Container[int] = frozenset(),
    offsets: dict[tuple[str, str], Offset] | None = None,
    foods: dict[str, FoodRead] | None = None,
    prior: float = probability.PRIOR,
) -> Reading:
    group = cw.challenge.food_group
    last_seen = min(cw.end, now)
    excluded: list[ExcludedDay] = []
    clean: list[int] = []
    # Window days with only steady confounders: kept, each confounder episode's own level
    # shift fitted alongside the rise (`evidence._read_episodes`).
    allowed: dict[int, tuple[Episode, ...]] = {}
    allowed_why: list[tuple[int, tuple[str, ...]]] = []
    for day in range(cw.first, last_seen + 1):
        if not book.logged(day):
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
    usable_days = sorted(set(clean) | set(allowed))
    touching = sorted({e for eps in allowed.values() for e in eps}, key=lambda e: (e.days, e.kind))
    around = _episode_days_around(book, cw, touching, blocked, earliest, now, later_blocked)
    foods = foods or {}
    shapes = cw.templates()
    designs: dict = {}
    reads = []
    candidates = reference_candidates(book, cw.first, earliest, blocked)
    scores = book.scores
    for symptom in program.symptoms:
        ref_days = pick_reference_days(book, symptom, candidates)
        if len(ref_days) < MIN_REFERENCE_DAYS:
            continue
        ref = [(d, float(scores[d][symptom])) for d in ref_days]
        window_values = [
            (d, float(scores[d][symptom])) for d in usable_days if symptom in scores[d]
        ]
        follow = [
            (d, float(scores[d][symptom]))
            for d in follow_up_days(book, symptom, cw.end, later_blocked)
            if d <= now
        ]
        tags = None
        outside = []
        priors = []
        if allowed:
            index: dict[Episode, int] = {}
            tags = [_tag(allowed.get(d, ()), index) for d, _ in window_values]
            outside = [
                (d, float(scores[d][symptom]), _tag(book.upsets(d), index))
                for d in around
                if symptom in scores[d]
            ]
            # Episodes that have days around the window but none scored inside it add
            # nothing to the rise; they still get their shift so their days are honest.
            priors = [_prior(e.kind, symptom, noise, offsets, foods) for e in index]
        reads.append(
            read_symptom(
                symptom,
                ref,
                window_values,
                cw,
                shapes,
                noise,
                follow,
                designs,
                tags,
                outside,
                priors,
            )
        )
    reading = Reading(
        cw=cw,
        verdict="inconclusive",
        reads=reads,
        excluded=excluded,
        window_days=last_seen - cw.first + 1,
        clean_days=len(clean),
        complete=now >= cw.end,
        symptoms=program.symptoms,
        allowed=allowed_why,
        allowed_around=[(d, book.reference_why(d)) for d in around],
        eaten=[(g, _food_kind(foods.get(g))) for g in _eaten_groups(touching)],
    )
    # A day with a confounder counts toward enough data only when its episode's shift is
    # measured by more than the general prior: by its own days around the window, or by what
    # this patient's other days with that confounder show.
    measured = set(_measured(touching, around, program.symptoms, offsets, foods))
    counted = sorted(set(clean) | {d for d, eps in allowed.items() if set(eps) <= measured})
    reading.counted_days = len(counted)
    counted_set = set(counted)
    # (day, the upsets on it whose size could not be measured)
    reading.uncounted = [
        (d, tuple(e.kind for e in allowed[d] if e not in measured))
        for d, _ in reading.allowed
        if d not in counted_set
    ]
    _decide(reading, counted, len(shapes), noise, prior)
    return reading


def _episode_days_around(book, cw, episodes, blocked, earliest, now, later_blocked) -> list[int]:
    """The days of `episodes` outside the window that may measure their size: within the
    reference look-back before it, up to the follow-up days after it (skipping the day right
    after, where a late reaction may linger), never in a window that may hold a reaction, and
    only when every confounder and off-plan exposure of the day is one of `episodes`."""
    if not episodes:
        return []
    chosen = set(episodes)
    lo = max(earliest, cw.first - LOOKBACK_DAYS)
    hi = min(now, cw.end + 1 + FOLLOW_UP_GAP + FOLLOW_UP_DAYS - 1)
    days = set()
    for e in episodes:
        for d in e.days:
            if cw.first <= d <= cw.end + FOLLOW_UP_GAP or d < lo or d > hi:
                continue
            if d < cw.first and d in blocked or d > cw.end and d in later_blocked:
                continue
            if not set(book.upsets(d)) <= chosen:
                continue
            days.add(d)
    return sorted(days)


def _measured(episodes, around, symptoms, offsets, foods):
    around = set(around)
    offsets = offsets or {}
    for e in episodes:
        if any(d in around for d in e.days):
            yield e
        elif e.food_group is not None:
            if e.food_group in foods:
                yield e
        elif any((e.kind, s) in offsets for s in symptoms):
            yield e


def _tag(episodes, index: dict) -> tuple[int, ...]:
    return tuple(index.setdefault(e, len(index)) for e in episodes)


def _prior(kind: str, symptom: str, noise: Noise, offsets, foods) -> tuple[float, float]:
    """Prior mean and variance (points) of an episode's level shift on one symptom: what this
    patient's other days with that confounder show when the diary has enough of them, else
    the general "a confounder may raise a symptom by 0 to 3 points". Off-plan eating: see
    `_food_prior`."""
    group = off_plan_group(kind)
    if group is not None:
        return _food_prior(foods.get(group), symptom)
    o = offsets.get((kind, symptom)) if offsets else None
    if o is not None:
        return o.points, max(o.extra * noise.sigma[symptom] ** 2, MIN_PRIOR_SD**2)
    return PRIOR_SHIFT, PRIOR_SHIFT_SD**2


def _food_prior(food: FoodRead | None, symptom: str) -> tuple[float, float]:
    """Prior of the shift an off-plan exposure brings to a symptom: from what the group's own
    challenge showed (the portion eaten off-plan may be anything from none to a full one),
    else the general "0 to about 2 points"."""
    if food is None:
        return OFF_PLAN_SHIFT, OFF_PLAN_SHIFT_SD**2
    if food.verdict == "tolerated":
        return 0.0, TOLERATED_SHIFT_SD**2
    rise, se = food.rises.get(symptom, (0.0, 0.0))
    rise = max(rise, 0.0)
    # Uniform from 0 to the full-portion rise, plus half the rise's own uncertainty.
    var = rise * rise / 12.0 + 0.25 * se * se
    return 0.5 * rise, max(var, MIN_FOOD_PRIOR_SD**2)


def _decide(reading: Reading, clean: list[int], n_shapes: int, noise: Noise, prior: float) -> None:
    cw = reading.cw
    blinded = cw.blinded
    usable = [r for r in reading.reads if r.usable]
    tests = max(len(usable), 1) * (1.0 if blinded else min(EFFECTIVE_SHAPES, n_shapes))
    z_trigger = critical_z(ALPHA if blinded else ALPHA_ONE, tests)
    z_possible = critical_z(ALPHA_POSSIBLE, tests)
    gaps = {}
    for r in usable:
        bar = meaningful_change(r.ref_level)
        # Blinded: the gap that counts is active minus placebo, and active must also be up.
        gap = r.window_level - r.placebo_level if blinded else r.change
        if blinded and r.placebo_change >= bar and r.placebo_z >= z_possible:
            reading.placebo_reacted.append(r)
        if blinded and r.change < bar:
            gap = min(gap, r.change)
        gaps[id(r)] = gap
        if blinded and r.z >= z_trigger and r.rise >= bar and gap >= bar:
            reading.triggered.append(r)
    if not blinded:
        # Only symptoms that rose on their own, by a meaningful amount, can be named.
        named = []
        for r in usable:
            bar = meaningful_change(r.ref_level)
            if r.z >= MEMBER_Z and r.rise >= bar and r.change >= bar:
                named.append(r)
        reading.meaningful = named
        if usable:
            reading.log_bayes, pair = _reaction_evidence(usable, noise)
            reading.pair = _pair_to_mention(pair, usable)
    # Smaller rises, on the symptoms that did not rise by the meaningful change.
    triggered = {id(r) for r in reading.triggered} | {id(r) for r in reading.meaningful}
    for r in usable:
        if id(r) in triggered:
            continue
        bar = meaningful_change(r.ref_level)
        gap = gaps[id(r)]
        if r.z >= z_trigger and gap >= SMALL_RISE_POINTS:
            reading.possible.append((r, "small"))
        elif r.z >= z_possible and gap >= min(bar, POSSIBLE_RISE_POINTS):
            reading.possible.append((r, "uncertain"))
    if not blinded:
        _one_day_spikes(reading, usable)
    if cw.challenge.stopped_for_reaction:
        # The diary must show it: one clean day clearly up (beyond one-day wobble, 5% level).
        reading.stop_confirmed = any(
            r.peak_rise is not None
            and r.peak_rise >= meaningful_change(r.ref_level)
            and r.peak_rise >= STOP_CONFIRM_Z * r.sigma * math.sqrt(1.0 + 1.0 / len(r.ref_days))
            for r in reading.reads
        )
    reading.problem = _data_problem(reading, clean)
    reading.log_lr = probability.log_likelihood_ratio(probability.features(reading))
    if blinded:
        # Blinded challenges keep their own bars (the contrast with placebo); their
        # probability is reported beside the verdict.
        if reading.triggered or reading.stop_confirmed:
            reading.verdict = "trigger"
        elif cw.challenge.stopped_for_reaction:
            reading.verdict = "possible"
        elif reading.problem:
            reading.verdict = "inconclusive"
        elif reading.possible:
            reading.verdict = "possible"
        else:
            reading.verdict = "tolerated"
    else:
        # A trigger needs a clear rise: the one threshold the pages show (`rise_kind`).
        clear = reading.meaningful or [
            r for r in usable if rise_kind(r.change, r.ref_level, r.z) == "clear"
        ]
        reading.verdict = probability.band(
            probability.posterior(reading.log_lr, prior),
            meaningful=bool(clear) or reading.stop_confirmed,
            stopped_for_reaction=cw.challenge.stopped_for_reaction,
            too_little_data=reading.problem is not None,
        )
        if reading.verdict == "trigger":
            reading.triggered = clear
        else:
            reading.pair = None
    c = cw.challenge
    if c.stopped_early_on is not None and not c.stopped_for_reaction:
        # Stopped for illness, travel or choice: the test is repeated, never read (a rise
        # may be the illness, a calm may be the missing portions).
        reading.verdict, reading.problem = "inconclusive", INTERRUPTED
        reading.triggered, reading.pair = [], None


def _reaction_evidence(usable: list[SymptomRead], noise: Noise) -> tuple[float, tuple | None]:
    """The log Bayes factor of a reaction against none, from the fitted rises (points at the
    full portion) and their standard errors, per symptom and shape: a REACTION_POINTS rise on
    one symptom (log ratio d t - d^2 info / 2 with t = rise / se^2, info = 1 / se^2), or on two
    at once, allowing for their same-day correlation r (with S the covariance of the two rises
    and 1 = (1, 1): t = 1'S^-1 rises, info = 1'S^-1 1). The ratios are averaged over the
    symptoms (or pairs) and shapes tried, then weighted 1 - TWO_SYMPTOM_SHARE (one symptom)
    and TWO_SYMPTOM_SHARE (two). Also returns the pair that weighed most, when pairs weighed
    more than single symptoms."""
    d = REACTION_POINTS
    half = 0.5 * d * d
    exp = math.exp
    cap = _LOG_CAP
    k = len(usable)
    names = sorted(set(usable[0].fits).intersection(*(r.fits for r in usable[1:])))
    one = 0.0
    n_one = 0
    ratios = []  # per symptom, the one-symptom ratio under each shape of `names`
    for r in usable:
        by_shape = {}
        for name, fit in r.fits.items():
            log_ratio = (d * fit.rise - half) / (fit.se * fit.se)
            by_shape[name] = exp(log_ratio if log_ratio < cap else cap)
        one += sum(by_shape.values())
        n_one += len(by_shape)
        ratios.append([by_shape[n] for n in names])
    one *= (1.0 - TWO_SYMPTOM_SHARE) / n_one
    if k < 2 or not names:
        return _log(one), None
    # Per symptom and shape: (rise, se, se squared), the terms of every pair it is in.
    terms = [[(f.rise, f.se, f.se * f.se) for f in map(r.fits.__getitem__, names)] for r in usable]
    two = 0.0
    best, best_pair = -1.0, None
    for i in range(k - 1):
        symptom_a, terms_a, ratios_a = usable[i].symptom, terms[i], ratios[i]
        for j in range(i + 1, k):
            rho = noise.pair_corr(symptom_a, usable[j].symptom)
            pair = 0.0
            if rho == 0.0:  # independent: the pair's ratio is the product of the two
                for ra, rb in zip(ratios_a, ratios[j], strict=True):
                    pair += ra * rb
            else:
                for (ra, sa, va), (rb, sb, vb) in zip(terms_a, terms[j], strict=True):
                    cab = rho * sa * sb
                    det = va * vb - cab * cab
                    wa, wb = (vb - cab) / det, (va - cab) / det
                    log_ratio = d * (wa * ra + wb * rb) - half * (wa + wb)
                    pair += exp(log_ratio if log_ratio < cap else cap)
            two += pair
            if pair > best:
                best, best_pair = pair, (symptom_a, usable[j].symptom)
    two *= TWO_SYMPTOM_SHARE / (len(names) * k * (k - 1) / 2)
    return _log(one + two), best_pair if two > one else None


_LOG_CAP = 600.0  # log ratios beyond this are capped (far past any bar; no overflow)


def _pair_to_mention(pair: tuple[str, str] | None, usable: list[SymptomRead]):
    """The pair that weighed most, when both of its symptoms visibly rose (by a point or more,
    beyond their usual wobble): a noisy symptom that stayed flat can still lend a pair weight,
    and must not be said to have risen."""
    if pair is None:
        return None
    reads = {r.symptom: r for r in usable}
    rose = all(reads[s].z >= 1.0 and reads[s].change >= SMALL_RISE_POINTS for s in pair)
    return pair if rose else None


def _log(x: float) -> float:
    return math.log(x) if x > 0.0 else -_LOG_CAP


def _one_day_spikes(reading: Reading, usable: list[SymptomRead]) -> None:
    flagged = {id(r) for r in reading.triggered + reading.meaningful}
    flagged |= {id(r) for r, _ in reading.possible}
    n_days = max(len(r.window) for r in usable) if usable else 0
    z_day = critical_z(ALPHA, max(len(usable), 1) * max(n_days, 1))
    for r in usable:
        if id(r) in flagged or r.peak_rise is None:
            continue
        bar = max(ONE_DAY_RISE_POINTS, meaningful_change(r.ref_level))
        spread = r.sigma * math.sqrt(1.0 + 1.0 / len(r.ref_days))
        if r.peak_rise >= bar and r.peak_rise / spread >= z_day:
            reading.possible.append((r, "one_day"))


def _data_problem(reading: Reading, clean: list[int]) -> str | None:
    cw = reading.cw
    if not reading.reads:
        return "no_reference"
    if not any(r.window for r in reading.reads):
        return "no_window_days" if reading.complete else "too_early"
    late = [d for d in clean if d >= cw.last_dose]
    needed_late = min(MIN_LATE_DAYS, cw.end - cw.last_dose + 1)
    if len(clean) < MIN_WINDOW_DAYS or len(late) < needed_late:
        return "few_window_days" if reading.complete else "too_early"
    return None


def _evidence(reading: Reading) -> tuple[Evidence, ...]:
    out = []
    read_by_symptom = {r.symptom: r for r in reading.reads}
    for symptom in reading.symptoms:
        r = read_by_symptom.get(symptom)
        if r is None or not r.window:
            out.append(
                Evidence(
                    symptom=symptom,
                    finding=NO_DATA,
                    reference_level=None if r is None else r.ref_level,
                    reference_spread=None if r is None else r.sigma,
                )
            )
            continue
        # The one threshold (`results.rise_kind`), whatever the verdict.
        finding = (
            FINDING_OF_KIND[rise_kind(r.change, r.ref_level, r.z)]
            if r.change is not None
            else NO_RISE
        )
        if not r.usable:
            finding = NO_DATA
        out.append(
            Evidence(
                symptom=symptom,
                finding=finding,
                reference_level=r.ref_level,
                reference_spread=r.sigma,
                window_level=r.window_level,
                change=r.change,
                strength=r.z,
                days=len(r.window),
                placebo_level=r.placebo_level,
            )
        )
    return tuple(out)


def _result(reading: Reading, prior: float) -> ChallengeResult:
    cw = reading.cw
    c = cw.challenge
    if reading.paired is not None:
        return _paired_result(reading.paired, cw, prior)
    return ChallengeResult(
        food_group=c.food_group,
        started_on=c.started_on,
        verdict=reading.verdict,
        symptoms=_evidence(reading),
        excluded_days=tuple(reading.excluded),
        reasons=wording.reasons(reading),
        complete=reading.complete,
        window_start=date.fromordinal(cw.first),
        window_end=date.fromordinal(cw.end),
        reference_days=max((len(r.ref_days) for r in reading.reads), default=0),
        blinded=cw.blinded,
        stopped_early_on=c.stopped_early_on,
        stop_reason=c.stop_reason,
        challenge_index=cw.index,
        too_early=reading.verdict == "inconclusive" and reading.problem == "too_early",
        log_lr=reading.log_lr,
        prior=prior,
    )


def _paired_result(paired: PairedReading, cw: ChallengeWindow, prior: float) -> ChallengeResult:
    c = cw.challenge
    return ChallengeResult(
        food_group=c.food_group,
        started_on=c.started_on,
        verdict=paired.verdict,
        symptoms=paired.symptoms,
        excluded_days=(),
        reasons=paired_reasons(paired, c),
        complete=paired.complete,
        window_start=date.fromordinal(cw.first),
        window_end=date.fromordinal(cw.end),
        blinded=True,
        stopped_early_on=c.stopped_early_on,
        stop_reason=c.stop_reason,
        challenge_index=cw.index,
        pairs=paired.pairs,
        pairs_favouring_active=paired.favoured,
        pairs_usable=paired.usable,
        active_label=paired.active_label,
        log_lr=_paired_log_lr(paired, c),
        prior=prior,
    )


def _paired_log_lr(paired: PairedReading, c: ChallengeFacts) -> float:
    """The chance of a trigger is reported beside a blinded verdict (which keeps its own bars,
    `blinded.py`): the open calibration applied to the pairs' evidence, in the order of
    `probability.FEATURES`. It was not fitted on blinded diaries."""
    lo, hi = probability.LOG_BAYES_CAP
    log_bayes = min(max(paired.log_bayes or 0.0, lo), hi)
    findings = {s.finding for s in paired.symptoms}
    stopped = c.stopped_for_reaction
    return probability.log_likelihood_ratio(
        (
            max(log_bayes, 0.0),
            min(log_bayes, 0.0),
            float(RISE in findings),
            float(SMALL_RISE in findings),
            0.0,
            0.0,
            0.0,
            float(stopped),
        )
    )


def _no_dose_result(index: int, challenge: ChallengeFacts, prior: float) -> ChallengeResult:
    return ChallengeResult(
        food_group=challenge.food_group,
        started_on=challenge.started_on,
        verdict="inconclusive",
        symptoms=(),
        excluded_days=(),
        reasons=(wording.NO_DOSE,),
        complete=True,
        window_start=challenge.started_on,
        window_end=challenge.started_on,
        stopped_early_on=challenge.stopped_early_on,
        stop_reason=challenge.stop_reason,
        challenge_index=index,
        prior=prior,
    )
