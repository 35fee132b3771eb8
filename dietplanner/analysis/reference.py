"""The patient's usual level before a challenge, and how much their scores wobble day to day.

Usual level ("reference"): per symptom, the 10 most recent clean days before the first dose,
looking back at most 6 weeks, never in the first days of the baseline (still settling: DOMAIN
says symptoms drift down over ~10 days) and never inside an earlier challenge that was not
read as tolerated (a reaction may still linger there). Days inside a tolerated challenge are
fine: that food did nothing. At least 4 such days are needed.

Day-to-day wobble: a noise level (standard deviation) per symptom and one day-to-day
correlation per patient, estimated on "quiet" days: clean, past the settling days, and outside
every challenge window (plus 2 days). The correlation estimate is corrected for its known
downward bias on short runs and shrunk toward a typical value when few pairs of days exist;
the variance estimate is corrected for autocorrelation (short runs of correlated days look
calmer than they are).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, count, filterfalse, islice, repeat
from operator import add, gt, itemgetter, mul, sub

from .daybook import DayBook
from .diary import ProgramFacts

REFERENCE_DAYS = 20
FOLLOW_UP_DAYS = 7
FOLLOW_UP_GAP = 1
MIN_REFERENCE_DAYS = 4
LOOKBACK_DAYS = 42
SETTLING_DAYS = 10

PRIOR_PHI = 0.5
PRIOR_PHI_PAIRS = 15.0
PHI_RANGE = (0.1, 0.85)
PRIOR_SIGMA = 1.0
PRIOR_SIGMA_DOF = 2.0
MIN_SIGMA = 0.5
SEGMENT_GAP = 7
# A symptom often scored 0 hides part of its wobble under the floor: its spread is read as
# that of a normal censored at 0 when at least this many, and this share, of its days are 0.
FLOOR_MIN_DAYS = 3
FLOOR_MIN_SHARE = 0.05
FLOOR_CUT = 0.5  # a score of 0 stands for anything under half a point
FLOOR_EM_STEPS = 100


def settling_days(baseline_days: int) -> int:
    """Days at the start of a baseline too early to serve as the usual level."""
    return min(SETTLING_DAYS, baseline_days // 2)


def late_start(program: ProgramFacts) -> int:
    """First day of the baseline that may serve as a reference (after the settling days)."""
    return program.started_on.toordinal() + settling_days(program.baseline_days)


def reference_candidates(
    book: DayBook, before: int, earliest: int, blocked: Container[int]
) -> list[int]:
    """The clean days (newest first) that may serve as the usual level before `before`, for
    any symptom: shared by the symptoms of one challenge."""
    stop = max(earliest, before - LOOKBACK_DAYS)
    calm = book.calm
    return [day for day in range(before - 1, stop - 1, -1) if day in calm and day not in blocked]


def pick_reference_days(book: DayBook, symptom: str, candidates: Sequence[int]) -> list[int]:
    """The most recent days (oldest first, at most REFERENCE_DAYS) with a score for `symptom`
    among the challenge's `reference_candidates`."""
    found = list(islice(filter(book.values(symptom).__contains__, candidates), REFERENCE_DAYS))
    found.reverse()
    return found


def follow_up_candidates(book: DayBook, after: int, blocked: Container[int], now: int) -> list[int]:
    """The clean days shortly after a window (from the second day after it on, none after
    `now`) that may serve as the usual level after it, for any symptom: shared by the
    symptoms of one challenge."""
    first = after + 1 + FOLLOW_UP_GAP
    calm = book.calm
    return [
        day
        for day in range(first, min(first + FOLLOW_UP_DAYS, now + 1))
        if day in calm and day not in blocked
    ]


def span_days(spans: Iterable[tuple[int, int]]) -> set[int]:
    """All days covered by inclusive (first, last) spans."""
    return {d for lo, hi in spans for d in range(lo, hi + 1)}


@dataclass(frozen=True, slots=True)
class Noise:
    """Day-to-day noise of one patient: correlation `phi`, and per symptom SD and its dof."""

    phi: float
    sigma: dict[str, float]
    dof: dict[str, float]
    # Same-day correlation of two symptoms' wobble, never under 0: (a, b) and (b, a).
    corr: dict[tuple[str, str], float] = field(default_factory=dict)

    def pair_corr(self, a: str, b: str) -> float:
        return self.corr.get((a, b), 0.0)


@dataclass(slots=True, eq=False)
class _Series:
    """One symptom's quiet days with some spans left out: what the noise estimate needs of
    them that does not depend on the day-to-day correlation."""

    segments: list[tuple[int, ...]]
    # Runs of 2 days or more: (days, deviations from the run's mean), and those deviations'
    # squares.
    centred: list[tuple[tuple[int, ...], list[float]]]
    squares: list[list[float]]
    # Per run of 3 days or more with adjacent days: its lag-1 sums (cross, square / 2,
    # adjacent pairs, pairs x run length), added up across symptoms by `_phi`.
    lag_terms: list[tuple[float, float, int, int]]
    ss: float  # sum of squared deviations over the runs
    floor: float | None  # `floor_spread_ratio` when the floor at 0 hides part of the wobble
    # The days and deviations of the runs end to end, and the sum of their squares in that
    # order: what `_pair_correlations` reads, worked out when first asked (`_flat`).
    flat: tuple[Sequence[int], list[float], float] | None = None


def _flat(series: _Series) -> tuple[Sequence[int], list[float], float]:
    """`series.flat`, worked out once (shared by the estimates that leave out the same spans:
    the lists are not to be changed). A single run is its own days and deviations, and its
    sum of squares is the run's (the same sum over the same squares)."""
    found = series.flat
    if found is None:
        centred = series.centred
        if len(centred) == 1:
            found = (centred[0][0], centred[0][1], series.ss)
        else:
            found = (
                list(chain.from_iterable(seg for seg, _ in centred)),
                list(chain.from_iterable(seg_devs for _, seg_devs in centred)),
                sum(chain.from_iterable(series.squares)),
            )
        series.flat = found
    return found


@dataclass(frozen=True, slots=True)
class _Run:
    """One symptom's scores on one run of days, and the run's terms of the noise estimate."""

    values: tuple[float, ...]
    devs: list[float]  # deviations from the run's mean (runs of 2 days or more)
    squares: list[float]  # their squares
    ss: float  # their sum
    lag: tuple[float, float, int, int] | None  # its entry of `_Series.lag_terms`


class NoiseEstimator:
    """The noise of one diary, `estimate(busy)`: per symptom from clean days past the
    settling days, leaving out, per symptom, the `busy` spans (the windows where that symptom
    rose). Asked many times with different spans left out (the passes of `verdicts`): each
    symptom's series is built once per set of spans, from runs each computed once (leaving
    out one more span changes one or two runs), and each run's effective degrees of freedom
    once per correlation. The figures are those of a fresh estimate to the last bit (the same
    sums in the same order)."""

    def __init__(self, book: DayBook, symptoms: Iterable[str], earliest: int) -> None:
        self.book = book
        self.symptoms = tuple(symptoms)
        calm = sorted(book.calm)
        quiet = self._every = tuple(calm[bisect_left(calm, earliest) :])
        logged = len(book.scores)
        # (a symptom scored every logged day is scored on every quiet day: the same tuple)
        self._quiet = {
            s: quiet if len(values) == logged else tuple(filter(values.__contains__, quiet))
            for s in self.symptoms
            for values in (book.values(s),)
        }
        self._series: dict[tuple[str, tuple], _Series] = {}
        # Symptoms usually share their days (always when none rose), hence their runs.
        self._segments: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
        self._cuts: dict[tuple[str, tuple], list[tuple[int, ...]]] = {}  # (symptom, spans)
        self._runs: dict[tuple[str, tuple[int, ...]], _Run] = {}
        self._dof: dict[tuple[tuple[int, ...], float], float] = {}  # (run, phi)
        self._prefix: dict[str, tuple] = {}  # per symptom (`_sums_of`)
        self._gaps: dict[tuple[int, ...], tuple[bytes, bytes, int]] = {}  # (`_gaps_of`)
        self._known: dict = {}  # (`_pair_correlations`)

    def estimate(self, busy: Mapping[str, Sequence[tuple[int, int]]]) -> Noise:
        series = {s: self._series_of(s, busy) for s in self.symptoms}
        phi = _phi(series.values())
        sigma = {}
        dof = {}
        for symptom, one in series.items():
            eff = self._eff(one, phi)
            sigma[symptom] = _spread(one, eff)
            # Autocorrelated days carry less information about the spread than independent ones.
            dof[symptom] = (eff + PRIOR_SIGMA_DOF) * (1.0 - phi * phi) / (1.0 + phi * phi)
        corr = _pair_correlations(series, self._every, self._known)
        return Noise(phi=phi, sigma=sigma, dof=dof, corr=corr)

    def sigma(self, busy: Mapping[str, Sequence[tuple[int, int]]], symptom: str) -> float:
        """`estimate(busy).sigma[symptom]`, without the rest."""
        series = {s: self._series_of(s, busy) for s in self.symptoms}
        one = series[symptom]
        return _spread(one, self._eff(one, _phi(series.values())))

    def sigma_floor(self, busy: Mapping[str, Sequence[tuple[int, int]]], symptom: str) -> float:
        """A floor of `sigma(busy, symptom)` that needs neither the day-to-day correlation nor
        the other symptoms, nor the runs' lag sums: each run of n days has at most n - 1
        effective degrees of freedom (`_effective_dof` takes from n a sum of at least n,
        over n), and the floor at 0 only widens the spread (`floor_spread_ratio` >= 1). The
        sum of squares of a run worked out already is `sigma`'s own, to the last bit; that of
        a new run is never above it (`_ss_floor`); and every later step rounds monotonically
        (a float sum, quotient or square root of larger inputs is never smaller), so this is
        never above what `sigma` returns."""
        spans = tuple(busy.get(symptom, ()))
        segments = self._segments_of(symptom, spans)
        runs = self._runs
        ss = 0.0
        most = 0.0
        sums = None
        for seg in segments:
            if len(seg) < 2:
                continue
            run = runs.get((symptom, seg))
            if run is not None:
                ss += run.ss
            else:
                if sums is None:
                    sums = self._sums_of(symptom, spans)
                ss += _ss_floor(seg, *sums)
            most += len(seg) - 1
        var = (ss + PRIOR_SIGMA_DOF * PRIOR_SIGMA**2) / (most + PRIOR_SIGMA_DOF)
        return max(math.sqrt(var), MIN_SIGMA)

    def _sums_of(self, symptom: str, spans: tuple):
        """What `_ss_floor` needs of `symptom` without `spans`: its quiet days; the running
        sums of its deviations from their run's mean, and of their squares, over those days
        with none left out (a day alone in its run: 0); the spans left out, merged; and the
        allowance for the rounding of those sums."""
        found = self._prefix.get(symptom)
        if found is None:
            days = self._quiet[symptom]
            runs = [self._run(symptom, seg) for seg in self._segments_of(symptom, ())]
            devs = [run.devs or (0.0,) for run in runs]
            squares = [run.squares or (0.0,) for run in runs]
            top = max(max(map(abs, run.values)) for run in runs) if runs else 0.0
            found = self._prefix[symptom] = (
                days,
                list(accumulate(chain.from_iterable(devs), initial=0.0)),
                list(accumulate(chain.from_iterable(squares), initial=0.0)),
                1e-12 * (len(days) + 1) ** 2 * (top * top + 1.0),
            )
        days, by_dev, by_square, allowance = found
        merged: list[list[int]] = []
        for lo, hi in sorted(spans):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return days, by_dev, by_square, merged, allowance * (len(merged) + 2)

    def _segments_of(self, symptom: str, spans: tuple) -> list[tuple[int, ...]]:
        """The runs of `symptom`'s quiet days without `spans` (`_segments`). Leaving out one
        span more cuts only the runs it touches (`_cut`): each hidden-rise check asks for the
        runs of the spans already left out plus one."""
        key = (symptom, spans)
        segments = self._cuts.get(key)
        if segments is not None:
            return segments
        if spans:
            segments = _cut(self._segments_of(symptom, spans[:-1]), *spans[-1])
        else:
            days = self._quiet[symptom]
            segments = self._segments.get(days)  # (symptoms scored on the same days share them)
            if segments is None:
                segments = self._segments[days] = _segments(days)
        self._cuts[key] = segments
        return segments

    def _series_of(self, symptom: str, busy) -> _Series:
        spans = tuple(busy.get(symptom, ()))
        key = (symptom, spans)
        found = self._series.get(key)
        if found is not None:
            return found
        segments = self._segments_of(symptom, spans)
        runs = [self._run(symptom, seg) for seg in segments]
        centred = []
        squares = []
        lag_terms = []
        ss = 0.0
        for seg, run in zip(segments, runs, strict=True):
            if len(seg) < 2:
                continue
            centred.append((seg, run.devs))
            squares.append(run.squares)
            ss += run.ss
            if run.lag is not None:
                lag_terms.append(run.lag)
        floor = None
        zeros = sum([run.values.count(0.0) for run in runs])
        if zeros >= FLOOR_MIN_DAYS:
            flat = [v for run in runs for v in run.values]
            if zeros >= FLOOR_MIN_SHARE * len(flat):
                floor = floor_spread_ratio(flat)
        found = self._series[key] = _Series(segments, centred, squares, lag_terms, ss, floor)
        return found

    def _run(self, symptom: str, seg: tuple[int, ...]) -> _Run:
        found = self._runs.get((symptom, seg))
        if found is not None:
            return found
        scores = self.book.values(symptom)
        if len(seg) < 2:
            run = _Run(tuple(map(scores.__getitem__, seg)), [], [], 0.0, None)
        else:
            values = itemgetter(*seg)(scores)  # (a tuple, for two days or more)
            m = sum(values) / len(values)
            devs = [v - m for v in values]
            squares = [d * d for d in devs]
            lag = None
            # `compress` keeps the terms of the pairs of days that follow each other in
            # order, so the sums are those of a loop over them.
            _, follows, n = self._gaps_of(seg)
            if len(seg) < 3 or not n:
                pass
            elif n == len(seg) - 1:  # every day follows the one before
                cross = sum(map(mul, devs, devs[1:]))
                square = sum(map(add, squares, squares[1:])) / 2.0
                lag = (cross, square, n, n * len(seg))
            else:
                cross = sum(compress(map(mul, devs, devs[1:]), follows))
                square = sum(compress(map(add, squares, squares[1:]), follows)) / 2.0
                lag = (cross, square, n, n * len(seg))
            run = _Run(values, devs, squares, sum(squares), lag)
        self._runs[(symptom, seg)] = run
        return run

    def _gaps_of(self, seg: tuple[int, ...]) -> tuple[bytes, bytes, int]:
        """The gaps between the days of a run (they are under a week, so they fit in
        bytes), whether day i + 1 follows day i (1, else 0) and how many do: worked out once
        per run of days, shared by the symptoms scored on the same days and by every
        correlation its effective degrees of freedom are worked out at."""
        found = self._gaps.get(seg)
        if found is None:
            gaps = bytes(map(sub, islice(seg, 1, None), seg))
            follows = gaps.translate(_ONE_DAY_GAP)
            found = self._gaps[seg] = (gaps, follows, follows.count(1))
        return found

    def _eff(self, series: _Series, phi: float) -> float:
        eff = 0.0
        memo = self._dof
        for seg, _ in series.centred:
            key = (seg, phi)
            value = memo.get(key)
            if value is None:
                value = memo[key] = _effective_dof(seg, phi, self._gaps_of(seg)[0])
            eff += value
        return eff


def _spread(series: _Series, eff: float) -> float:
    """A symptom's noise SD from its quiet series and their effective degrees of freedom."""
    var = (series.ss + PRIOR_SIGMA_DOF * PRIOR_SIGMA**2) / (eff + PRIOR_SIGMA_DOF)
    if series.floor is not None:
        var *= series.floor**2
    return max(math.sqrt(var), MIN_SIGMA)


def floor_spread_ratio(values: Sequence[float]) -> float:
    """How much wider a symptom's wobble is than its scores show, when the floor at 0 hides
    part of it: the SD of a normal censored below 0.5 (a score of 0 stands for anything under
    half a point), fitted by expectation-maximisation, over the plain SD of the scores; never
    under 1. Upward rises are not cut by the floor, so it is the uncut wobble a rise must
    clear."""
    n = len(values)
    if n < 2:
        return 1.0
    mean = sum(values) / n
    plain = math.sqrt(sum([(v - mean) ** 2 for v in values]) / (n - 1))
    above = [v for v in values if v > 0.0]
    under = n - len(above)
    if plain <= 0.0 or not under or len(above) < 2:
        return 1.0
    s1, s2 = sum(above), sum([v * v for v in above])
    mu, sd = mean, plain
    for _ in range(FLOOR_EM_STEPS):
        # Expected value and square of a latent score below the cut, given the current fit.
        a = (FLOOR_CUT - mu) / sd
        below = 0.5 * math.erfc(-a / math.sqrt(2.0))
        if below <= 1e-12:
            break
        lam = math.exp(-0.5 * a * a) / math.sqrt(2.0 * math.pi) / below
        e1 = mu - sd * lam
        e2 = mu * mu + sd * sd - sd * (FLOOR_CUT + mu) * lam
        new_mu = (s1 + under * e1) / n
        new_sd = math.sqrt(max((s2 + under * e2) / n - new_mu * new_mu, 1e-6))
        done = abs(new_mu - mu) < 1e-7 and abs(new_sd - sd) < 1e-7
        mu, sd = new_mu, new_sd
        if done:
            break
    return max(sd / plain, 1.0)


def _ss_floor(seg, days, by_dev, by_square, spans, allowance) -> float:
    """A floor of the sum of squared deviations from their mean of the scores on the days of
    `seg` (`_Run.ss`, to the last bit: never above it), from the running sums of
    `NoiseEstimator._sums_of` instead of a pass over those days. The run lies within one run
    of the symptom's quiet days with none left out (leaving spans out only takes days away
    and cuts runs), so its deviations there are its scores less one number, which moves
    neither the sum of squares nor the floor; its days are the quiet days from its first to
    its last less those of `spans` between them. The sum of squares is then that of the
    squares less the square of the sum over the count, short of `allowance`: far more than
    what rounding can move these sums and `_Run.ss` (errors of at most about (days + 1)^2
    times 2^-53 times (4 x the largest score^2 + 1) for each term)."""
    first, last = seg[0], seg[-1]
    i, j = bisect_left(days, first), bisect_right(days, last)
    n = j - i
    total = by_dev[j] - by_dev[i]
    squares = by_square[j] - by_square[i]
    for lo, hi in spans:
        if hi < first or lo > last:
            continue
        a, b = bisect_left(days, lo), bisect_right(days, hi)
        n -= b - a
        total -= by_dev[b] - by_dev[a]
        squares -= by_square[b] - by_square[a]
    return max(squares - total * total / n - allowance, 0.0)


def _pair_correlations(
    series: Mapping[str, _Series],
    quiet: Sequence[int] = (),
    known: dict[tuple[_Series, _Series], float | None] | None = None,
) -> dict[tuple[str, str], float]:
    """Same-day correlation of each pair of symptoms' deviations from their run means (per
    symptom, its `_Series`: the days, deviations and squares of each run), on the days both
    were scored, floored at 0. Two symptoms that move together day to day count as less than
    two independent witnesses when their evidence is added up (`verdicts`).

    `quiet`: sorted days that every symptom's days are among (when a symptom has them all,
    they are the days of any symptom). `known`: the correlation (None: taken as
    independent) of pairs of series scored on the same days, by the two series, from earlier
    calls (and filled in): it depends on nothing else."""
    # Each symptom's days and deviations, in day order (runs and their days come in order).
    flat = {symptom: _flat(one) for symptom, one in series.items()}
    # On the union of days each symptom's deviations, 0.0 where it was not scored: a pair's
    # cross product over the days both were scored is then one dot product. Each sum of
    # squares over the shared days is the symptom's total less the days the other missed.
    day_lists = [days for days, _, _ in flat.values()]
    if day_lists and all(days is day_lists[0] for days in day_lists):  # (before any rose)
        union = day_lists[0]
    elif quiet and any(len(days) == len(quiet) for days in day_lists):
        union = quiet
    else:
        union = sorted(set().union(*day_lists))
    n = len(union)
    if any(len(days) < n for days in day_lists):
        everywhere = set(union)
    columns = {}
    for symptom, (days, devs, total) in flat.items():
        if len(days) == n:  # scored every day
            columns[symptom] = (devs, total, (), _NO_PLACES, series[symptom])
            continue
        # (a copy of `everywhere` less the days scored: the set `everywhere - days` is,
        # iterated in the same order, so the sums over it below add in that order)
        missing = set(everywhere)
        missing.difference_update(days)
        places = [bisect_left(union, day) for day in missing]  # (in the set's order)
        column = list(devs)  # with 0.0 put in at the days missed
        for place in sorted(places):
            column.insert(place, 0.0)
        # (its total, the sum of the squares of its deviations in day order, is that of
        # the column: the zeros of the days it was not scored on add nothing, to the last bit)
        columns[symptom] = (column, total, places, set(places), None)
    names = list(flat)
    corr: dict[tuple[str, str], float] = {}
    for i, a in enumerate(names):
        col_a, total_a, places_a, spots_a, one_a = columns[a]
        for b in names[i + 1 :]:
            col_b, total_b, places_b, spots_b, one_b = columns[b]
            if one_a is not None and one_b is not None and known is not None:
                key = (one_a, one_b)
                if key in known:
                    r = known[key]
                else:
                    r = known[key] = _correlation(col_a, col_b, n, total_a, total_b)
            elif places_a or places_b:
                # The days one missed that the other was scored on, by place, with the
                # other's score (in the order of the set of days missed).
                only_b = list(filterfalse(spots_a.__contains__, places_b))
                only_a = list(filterfalse(spots_b.__contains__, places_a))
                r = _correlation(
                    col_a,
                    col_b,
                    n - len(places_a) - len(only_b),
                    total_a - sum(map(pow, map(col_a.__getitem__, only_b), repeat(2))),
                    total_b - sum(map(pow, map(col_b.__getitem__, only_a), repeat(2))),
                )
            else:
                r = _correlation(col_a, col_b, n, total_a, total_b)
            if r is not None:
                corr[(a, b)] = corr[(b, a)] = r
    return corr


_NO_PLACES: frozenset[int] = frozenset()


def _correlation(col_a, col_b, shared: int, saa: float, sbb: float) -> float | None:
    """The correlation of two columns given their sums of squares over the days they share,
    floored at 0 (at most 0.99); None when too few days are shared (taken as independent)."""
    if shared < 10 or saa <= 1e-12 or sbb <= 1e-12:
        return None
    r = max(sum(map(mul, col_a, col_b)) / math.sqrt(saa * sbb), 0.0)
    return min(r, 0.99)


_ONE_DAY_GAP = bytes([0, 1, *[0] * 254])  # `bytes.translate` table: a gap of 1 -> 1, else 0


def _segments(days: tuple[int, ...]) -> list[tuple[int, ...]]:
    """`days` (sorted) cut into runs wherever more than SEGMENT_GAP days pass."""
    if not days:
        return []
    cut_after = map(gt, map(sub, islice(days, 1, None), days), repeat(SEGMENT_GAP))
    bounds = [0, *compress(count(1), cut_after), len(days)]
    return [days[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _cut(segments: list[tuple[int, ...]], lo: int, hi: int) -> list[tuple[int, ...]]:
    """`_segments` of the days of `segments` without those from `lo` to `hi`: a run the span
    touches loses those days and is cut in two where more than SEGMENT_GAP days now pass
    (its other gaps, and those between runs, only stay or grow)."""
    out = []
    for seg in segments:
        if seg[-1] < lo or seg[0] > hi:
            out.append(seg)
            continue
        i, j = bisect_left(seg, lo), bisect_right(seg, hi)
        left, right = seg[:i], seg[j:]
        if i == j:
            out.append(seg)
        elif left and right and right[0] - left[-1] <= SEGMENT_GAP:
            out.append(left + right)
        else:
            out.extend(part for part in (left, right) if part)
    return out


def _phi(all_series: Iterable[_Series]) -> float:
    """Pooled lag-1 correlation over every symptom's runs (their deviations from the run's
    mean)."""
    cross = 0.0
    square = 0.0
    pairs = 0
    weighted_len = 0.0
    for series in all_series:
        for c, s, n, w in series.lag_terms:
            cross += c
            square += s
            pairs += n
            weighted_len += w
    if pairs == 0 or square <= 0.0:
        return PRIOR_PHI
    raw = cross / square
    n = weighted_len / pairs
    # Removing each run's mean biases the lag-1 correlation down by about (1 + 3 phi) / n.
    corrected = (raw + 1.0 / n) / (1.0 - 3.0 / n) if n > 6 else raw + (1.0 + 3.0 * raw) / n
    shrunk = (pairs * corrected + PRIOR_PHI_PAIRS * PRIOR_PHI) / (pairs + PRIOR_PHI_PAIRS)
    return min(max(shrunk, PHI_RANGE[0]), PHI_RANGE[1])


def _effective_dof(days: Sequence[int], phi: float, gaps: Sequence[int] | None = None) -> float:
    """E[sum of squares about the mean] / sigma**2 for AR(1) noise on these days (`gaps`:
    those between them, when known).

    That is n - (1/n) * sum over all pairs i, j of phi ** |t_i - t_j|; the pair sum is built
    in one sweep, since the sum over earlier days obeys A_j = phi**gap * (A_{j-1} + 1).
    """
    n = len(days)
    # Half the pair sum (n / 2 + A_2 + ... + A_n): doubling is exact, so twice each rounded
    # half sum is the rounded sum of n + 2 A_2 + ... to the last bit, one product fewer a day.
    half = n * 0.5
    acc = 0.0
    if gaps is None:
        gaps = list(map(sub, islice(days, 1, None), days))
    # Runs have gaps of at most SEGMENT_GAP days: their powers, computed once.
    powers = [phi**gap for gap in range(max(SEGMENT_GAP, max(gaps, default=0)) + 1)]
    # (each gap's power read in one call: `itemgetter` of one item gives it, not a tuple)
    steps = itemgetter(*gaps)(powers) if len(gaps) > 1 else map(powers.__getitem__, gaps)
    for power in steps:
        acc = power * (acc + 1.0)
        half += acc
    return max(n - 2.0 * half / n, 0.0)


# Confounder offsets: how much each logged confounder raises each symptom for this patient.
OFFSET_NEIGHBOURS = 10  # calm days within this many days give the local usual level
OFFSET_MIN_DAYS = 3
OFFSET_MIN_EPISODES = 1
OFFSET_MIN_LOCAL = 3
OFFSET_FLOOR = 0.25  # spread beyond the noise never below a quarter of the noise variance


@dataclass(frozen=True, slots=True)
class Offset:
    """The estimated rise a confounder brings to one symptom, and how much one episode's rise
    may differ from it (`extra`, a variance in units of the symptom's noise variance): the
    prior of an episode's shift in `verdicts`."""

    points: float
    extra: float
    days: int


def confounder_offsets(
    book: DayBook,
    symptoms: Iterable[str],
    earliest: int,
    busy: Container[int],
    noise: Noise,
) -> dict[tuple[str, str], Offset]:
    """Per (confounder, symptom), from days with that one confounder outside every challenge
    window (`busy`): the mean of score minus the local usual level (calm days within 10 days).
    The spread of those differences beyond the noise, plus the uncertainty of the mean
    (counted per episode, since one episode's days share its size), is how far one episode
    may stray from that mean."""
    by_kind: dict[str, list[int]] = {}
    for day, kinds in book.confounded_days():
        if len(kinds) != 1 or day < earliest or day in busy or book.ate_off_plan(day):
            continue
        by_kind.setdefault(kinds[0], []).append(day)
    out: dict[tuple[str, str], Offset] = {}
    if not by_kind:
        return out
    scores, calm = book.scores, book.calm
    # The scores of the calm days near each confounder day, whatever the symptom.
    neighbours = {
        day: [
            scores[d]
            for d in range(day - OFFSET_NEIGHBOURS, day + OFFSET_NEIGHBOURS + 1)
            if d >= earliest and d in calm and d not in busy
        ]
        for days in by_kind.values()
        for day in days
    }
    # Each day's local usual level of every symptom at once, when each of those calm days has
    # every symptom scored (the usual case): each symptom's scores in the same order, summed
    # alike. Otherwise (None) a symptom's level reads the days that scored it.
    symptoms = tuple(symptoms)
    every = itemgetter(*symptoms) if len(symptoms) > 1 else None
    levels: dict[int, list[float | None] | None] = {}
    for day, rows in neighbours.items():
        n = len(rows)
        if n < OFFSET_MIN_LOCAL:
            levels[day] = [None] * len(symptoms)
            continue
        try:
            levels[day] = (
                [sum(column) / n for column in zip(*map(every, rows), strict=True)]
                if every
                else None
            )
        except KeyError:
            levels[day] = None
    for at, symptom in enumerate(symptoms):
        var = noise.sigma[symptom] ** 2
        for kind, days in by_kind.items():
            devs = []
            episodes = 0
            last = None
            for day in days:
                value = scores[day].get(symptom)
                if value is None:
                    continue
                found = levels[day]
                if found is not None:
                    level = found[at]
                else:
                    near = [row[symptom] for row in neighbours[day] if symptom in row]
                    level = sum(near) / len(near) if len(near) >= OFFSET_MIN_LOCAL else None
                if level is None:
                    continue
                devs.append(value - level)
                if last is None or day - last > 1:
                    episodes += 1
                last = day
            if len(devs) < OFFSET_MIN_DAYS or episodes < OFFSET_MIN_EPISODES:
                continue
            m = sum(devs) / len(devs)
            spread = sum((v - m) ** 2 for v in devs) / (len(devs) - 1)
            extra = max(spread - var, OFFSET_FLOOR * var) + spread / episodes
            out[(kind, symptom)] = Offset(points=m, extra=extra / var, days=len(devs))
    return out
