"""Per-symptom evidence in one challenge window: how far the window rose above the usual level,
and how sure we can be given the patient's own day-to-day wobble.

Open challenges: for each reaction shape (see `windows`), a GLS fit of
`score = usual level + rise * shape + AR(1) noise` on the reference days and the clean window
days together. Immediately preceding days carry information about the early window days (bad
days cluster), which the AR(1) model uses instead of pretending the days are independent. The
best-fitting shape is kept; the number of shapes tried is part of the multiple-comparison
correction in `verdicts`. Because the shapes grow with the portion, a rise that follows the
portion scores higher than one that does not: dose-response is built into the evidence.

Confounder episodes (illness, stress...) touching the window add one level-shift column each,
with a normal prior on the shift (`_read_episodes`).

Blinded challenges: the same model with one column for active-dose days and one for
placebo-dose days; the evidence is the active-minus-placebo contrast.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import mul, not_, truediv
from typing import NamedTuple

from .reference import Noise
from .stats import Whitener, solve_2x2, solve_gls, solve_normal
from .windows import ChallengeWindow


@dataclass(slots=True)
class ShapeFit:
    """The fit of one reaction shape to one symptom; `xs` is the shape on the window days."""

    z: float
    rise: float
    se: float
    xs: list[float]
    # Episode fits: the fitted shift of each episode and the episodes of each window day,
    # to read the window scores less those shifts (`SymptomRead.use`).
    shifts: list[float] | None = None
    tags: list[tuple[int, ...]] | None = None
    # Positions in `xs` of the response days, the full-portion days and the small-portion
    # days (`shape_parts`), shared by the symptoms fitted with the same shape.
    parts: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None = None


class ShapeFits:
    """The fits of one symptom under each reaction shape tried, in the order tried, as
    columns: `names`, `z`, `rise` (at the full portion) and its `se`; per shape `xs`, the
    shape on the window days, and `parts` (`shape_parts`; None: work them out). Episode fits
    also keep `shifts`, the fitted shift of each episode under each shape, flat (with k
    episodes, shape i's episode e at i * k + e: one float per shape, not a list, in the usual
    case of one), and `tags`, the episodes of each window day, to read the window scores less
    those shifts (`SymptomRead.use`).

    Columns rather than an object per shape: one is filled for every symptom, challenge and
    pass, and the Bayes factor (`decide.reaction_evidence`) reads every shape's rise and
    error at once. The lists may be shared with the fit's design: never changed after.
    `fits[name]` is one shape's `ShapeFit`."""

    __slots__ = ("names", "z", "rise", "se", "xs", "parts", "shifts", "tags")

    def __init__(
        self,
        names: Sequence[str] = (),
        z: Sequence[float] = (),
        rise: Sequence[float] = (),
        se: Sequence[float] = (),
        xs: Sequence[list[float]] = (),
        parts: Sequence[tuple] | None = None,
        shifts: Sequence[float] | None = None,
        tags: list[tuple[int, ...]] | None = None,
    ) -> None:
        self.names, self.z, self.rise, self.se, self.xs = names, z, rise, se, xs
        self.parts, self.shifts, self.tags = parts, shifts, tags

    def _shifts(self, i: int) -> Sequence[float]:
        """The fitted shift of each episode under the `i`-th shape."""
        k = len(self.shifts) // len(self.names)
        return self.shifts[i * k : (i + 1) * k]

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self):
        return iter(self.names)

    def __getitem__(self, name: str) -> ShapeFit:
        if name not in self.names:
            raise KeyError(name)
        i = self.names.index(name)
        return ShapeFit(
            self.z[i],
            self.rise[i],
            self.se[i],
            self.xs[i],
            None if self.shifts is None else self._shifts(i),
            self.tags,
            None if self.parts is None else self.parts[i],
        )


NO_FITS = ShapeFits()  # a symptom not fitted (shared: a `ShapeFits` is never changed)


@dataclass(init=False)
class SymptomRead:
    """One symptom read in one challenge window. Built with its first six fields; the others
    start at their class defaults and are set by the fit (one is built per symptom, challenge
    and pass: six stores, not twenty-two)."""

    symptom: str
    ref_days: list[int]
    ref_level: float
    sigma: float
    dof: float
    window: list[tuple[int, float]]  # clean window days with a score: (day, score)
    z: float | None = None  # strength of the rise (active minus placebo when blinded)
    rise: float | None = None  # fitted rise at the full portion (or active minus placebo)
    rise_se: float | None = None
    window_level: float | None = None
    change: float | None = None
    # Positions in `window` of the days that give the window level (`response_days`).
    response_at: Sequence[int] = ()
    # The window's scores as read (less the episodes' shifts) and the positions of the
    # full- and small-portion days among them (`grew_with_portion`).
    portions: tuple[Sequence[float], Sequence[int], Sequence[int]] | None = None
    placebo_level: float | None = None
    placebo_change: float | None = None
    placebo_z: float | None = None
    peak_day: int | None = None
    peak_rise: float | None = None
    fits: ShapeFits = NO_FITS
    shape: str | None = None

    def __init__(
        self,
        symptom: str,
        ref_days: list[int],
        ref_level: float,
        sigma: float,
        dof: float,
        window: list[tuple[int, float]],
    ) -> None:
        self.symptom, self.ref_days, self.ref_level = symptom, ref_days, ref_level
        self.sigma, self.dof, self.window = sigma, dof, window

    @property
    def usable(self) -> bool:
        return self.z is not None

    @property
    def response_days(self) -> list[int]:
        """The window days that give the window level."""
        window = self.window
        return [window[k][0] for k in self.response_at]

    @property
    def grew_with_portion(self) -> bool:
        """Whether the rise grew with the portion: the full-portion days a point or more
        above the small-portion days. Worked out when asked (few readings ask)."""
        if self.portions is None:
            return False
        values, full_at, small_at = self.portions
        value_at = values.__getitem__
        return bool(full_at and small_at) and (
            sum(map(value_at, full_at)) / len(full_at)
            - sum(map(value_at, small_at)) / len(small_at)
            >= 1.0
        )

    def use(self, name: str) -> None:
        """Report this symptom under reaction shape `name`: the days where at least half the
        expected reaction falls give the window level; the full-portion days against the
        small-portion days tell whether the rise grew with the portion."""
        self._use(self.fits.names.index(name), None)

    def _use(self, i: int, scores: Sequence[float] | None) -> None:
        """`use` of the `i`-th shape tried; `scores` are the window's scores when the caller
        has them as a list already (the second item of each `window` pair)."""
        fits = self.fits
        self.shape = fits.names[i]
        self.z, self.rise, self.rise_se = fits.z[i], fits.rise[i], fits.se[i]
        window = self.window
        if fits.shifts is None:
            values = [v for _, v in window] if scores is None else scores
        elif len(fits.shifts) == len(fits.names):  # one episode: each tagged day is in it
            shift = 0 + fits.shifts[i]  # (what `sum` adds up from its start of 0)
            values = [v - shift if t else v for (_, v), t in zip(window, fits.tags, strict=True)]
        else:
            shifts = fits._shifts(i)
            values = [
                v - sum([shifts[e] for e in t]) if t else v
                for (_, v), t in zip(window, fits.tags, strict=True)
            ]
        parts = None if fits.parts is None else fits.parts[i]
        response, full_at, small_at = parts or shape_parts(fits.xs[i])
        self.response_at, self.portions = response, (values, full_at, small_at)
        self.window_level = sum(map(values.__getitem__, response)) / len(response)
        self.change = self.window_level - self.ref_level


def shape_parts(xs: Sequence[float]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Positions of a shape's response days (at least half its top: they give the window
    level), its full-portion days and its small-portion days (grew with the portion?)."""
    return _shape_parts(tuple(xs))


@functools.lru_cache(maxsize=1024)
def _shape_parts(xs: tuple[float, ...]) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    # A pure function of a few portion fractions, asked again for every design and pass:
    # cached by the fractions themselves.
    top = max(xs)
    return (
        tuple([i for i, x in enumerate(xs) if x >= 0.5 * top]),
        tuple([i for i, x in enumerate(xs) if x >= 0.99 * top]),
        tuple([i for i, x in enumerate(xs) if 0.0 < x < 0.75 * top]),
    )


class SymptomDays(NamedTuple):
    """The days one symptom is read on, and its score on each: the reference days before
    the window (`ref_days`, `ref`), the window days with a score (`window_days`, `window`)
    and the reference days after it (`follow_days`, `follow`).

    Confounder episodes: `tags` (one per window day) names the episodes a day belongs to
    (empty for a clean day), as indices into `priors`, which holds per episode the prior mean
    and variance (points, points squared) of the level shift it brings; `outside` holds the
    episodes' days around the window, (day, score, episodes).

    `pairs`, when given, are the window days with their scores, (day, score); `scores` the
    reference, window and follow-up scores in that order (the rows of a fit without days
    around the window); `level` the mean of the reference scores; `peak_at` the position of
    the earliest window day with the highest score, when no day has an episode. Worked out once for
    both passes (`prepared`, from `challenge._symptom_days`), else by `read_symptom`.

    A named tuple rather than a frozen dataclass: one is built per symptom, challenge and
    pass, and a frozen dataclass takes several times as long to build."""

    ref_days: Sequence[int]
    ref: Sequence[float]
    window_days: Sequence[int]
    window: Sequence[float]
    follow_days: Sequence[int] = ()
    follow: Sequence[float] = ()
    tags: Sequence[tuple[int, ...]] | None = None
    outside: Sequence[tuple[int, float, tuple[int, ...]]] = ()
    priors: Sequence[tuple[float, float]] = ()
    pairs: Sequence[tuple[int, float]] | None = None
    scores: Sequence[float] | None = None
    level: float | None = None
    peak_at: int | None = None


def prepared(
    ref_days: Sequence[int],
    ref: Sequence[float],
    window_days: Sequence[int],
    window: Sequence[float],
    follow_days: Sequence[int],
    follow: Sequence[float],
) -> SymptomDays:
    """The `SymptomDays` of these days and scores (no episodes) with what depends on them
    alone (`pairs`, `scores`, `level`, `peak_at`) worked out, for a reading in each pass: the
    same sums as `read_symptom` makes without them, so the same figures."""
    return SymptomDays(
        ref_days,
        ref,
        window_days,
        window,
        follow_days,
        follow,
        None,
        (),
        (),
        list(zip(window_days, window, strict=True)),
        [*ref, *window, *follow],
        sum(ref) / len(ref),
        window.index(max(window)) if window else None,
    )


class FitSetting:
    """What the symptoms of one challenge share: its window (`cw`; `blinded`, whether it is
    read as blinded), the reaction shapes tried, the noise, and a cache of the score-free part
    of the fits (`designs`, by the days and episodes fitted; `same`, by the identity of the
    lists holding those: the symptoms scored on every logged day share the lists, so find
    their design without gathering and hashing the days again). Never changed after, but for
    its caches."""

    __slots__ = ("cw", "shapes", "noise", "blinded", "designs", "same", "candidates")

    def __init__(
        self,
        cw: ChallengeWindow,
        shapes: list[tuple[str, Sequence[float]]],
        noise: Noise,
        candidates: dict | None = None,
    ) -> None:
        self.cw, self.shapes, self.noise, self.blinded = cw, shapes, noise, cw.blinded
        self.designs: dict = {}
        self.same: dict = {}
        # The shapes that may be fitted on some window days (`_Candidates`), by the window
        # and those days: one dict for a whole run, whose windows keep their shapes.
        self.candidates = {} if candidates is None else candidates


def _same_design(setting: FitSetting, lists: tuple) -> tuple:
    """The key of the day lists `lists` in `setting.same` and the design fitted on them
    (None: not yet). An entry holds its lists, so their ids stay theirs while it lives."""
    key = tuple(map(id, lists))
    found = setting.same.get(key)
    return key, None if found is None else found[1]


def read_symptom(symptom: str, days: SymptomDays, setting: FitSetting) -> SymptomRead:
    """Evidence for one symptom. With confounder episodes (`days.priors`) each episode gets
    its own level shift, fitted with the rest (see `_read_episodes`). Episode days never give
    the one-day peak."""
    tags = days.tags
    ref_level = days.level
    if ref_level is None:
        ref_level = sum(days.ref) / len(days.ref)
    noise = setting.noise
    window_values = days.pairs
    if window_values is None:
        window_values = list(zip(days.window_days, days.window, strict=True))
    read = SymptomRead(
        symptom, days.ref_days, ref_level, noise.sigma[symptom], noise.dof[symptom], window_values
    )
    if not window_values:
        return read
    # The peak: the highest score, its earliest day (the first: the days go in order).
    if not tags:
        at = days.peak_at
        if at is None:
            at = days.window.index(max(days.window))
        read.peak_day, read.peak_rise = days.window_days[at], days.window[at] - ref_level
    else:
        plain = list(map(not_, tags))
        scores = list(compress(days.window, plain))
        if scores:
            peak = max(scores)
            peak_day = list(compress(days.window_days, plain))[scores.index(peak)]
            read.peak_day, read.peak_rise = peak_day, peak - ref_level
    if setting.blinded:
        _read_blinded(read, days, setting)
    elif days.priors:
        _read_episodes(read, days, setting)
    else:
        _read_open(read, days, setting)
    return read


def _scores(days: SymptomDays) -> Sequence[float]:
    """The reference, window and follow-up scores in that order (`SymptomDays.scores`)."""
    found = days.scores
    return [*days.ref, *days.window, *days.follow] if found is None else found


class _Design:
    """Everything about a fit that does not depend on the scores: shared by the symptoms
    that were scored on the same days, which is nearly always all of them."""

    __slots__ = (
        "whitener",
        "w_one",
        "s11",
        "root_s11",
        "start",
        "stop",
        "shapes",
        "names",
        "xs",
        "parts",
    )

    def __init__(self, days, n_ref, n_win, follow, candidates: _Candidates, phi) -> None:
        wh = Whitener(days, phi)
        self.whitener = wh
        self.w_one = w_one = wh.ones
        self.s11 = s11 = sum(map(mul, w_one, w_one))
        self.root_s11 = math.sqrt(s11)
        # The shape is zero outside the window, so only window days (and the first day after,
        # whose innovation still sees the last window day) enter the sums that involve it.
        self.start, self.stop = n_ref, n_ref + n_win + (1 if follow else 0)
        ones = w_one[self.start : self.stop]
        tail = [0.0] if follow else []
        self.shapes = []
        kept = []
        for i, xs in enumerate(candidates.xs):
            wxs = wh.apply_from(self.start, xs + tail)
            s12 = sum(map(mul, ones, wxs))
            s22 = sum(map(mul, wxs, wxs))
            det = s11 * s22 - s12 * s12
            if det > 1e-9:
                self.shapes.append((wxs, s12, det, math.sqrt(det)))
                kept.append(i)
        # The columns every symptom's `ShapeFits` shares.
        self.names, self.xs, self.parts = candidates.columns(kept)


class _Candidates:
    """The reaction shapes that may be fitted on some window days: those not zero on all of
    them, each with its name, its values on those days and its parts (`shape_parts`). They
    depend on neither the scores nor the noise: kept for the run (`FitSetting.candidates`)."""

    __slots__ = ("names", "xs", "parts")

    def __init__(self, window_days: Sequence[int], cw: ChallengeWindow, shapes) -> None:
        self.names, self.xs, self.parts = [], [], []
        for name, shape in shapes:
            xs = [shape[d - cw.first] for d in window_days]
            if max(xs) > 0.0:
                self.names.append(name)
                self.xs.append(xs)
                self.parts.append(shape_parts(xs))

    def columns(self, kept: list[int]) -> tuple[list, list, list]:
        """The names, values and parts of the candidates at positions `kept` (shared lists,
        never changed, when that is all of them)."""
        if len(kept) == len(self.names):
            return self.names, self.xs, self.parts
        return (
            [self.names[i] for i in kept],
            [self.xs[i] for i in kept],
            [self.parts[i] for i in kept],
        )


def _candidates(setting: FitSetting, window_days: Sequence[int]) -> _Candidates:
    key = (setting.cw.index, tuple(window_days))
    found = setting.candidates.get(key)
    if found is None:
        found = setting.candidates[key] = _Candidates(window_days, setting.cw, setting.shapes)
    return found


def _read_open(read: SymptomRead, days_in: SymptomDays, setting: FitSetting) -> None:
    follow = days_in.follow
    lists = (days_in.ref_days, days_in.window_days, days_in.follow_days)
    same = (id(lists[0]), id(lists[1]), id(lists[2]))  # (`_same_design`, written out)
    design = setting.same.get(same)
    if design is not None:
        design = design[1]
    else:
        n_ref, n_win = len(days_in.ref), len(days_in.window)
        days = (*days_in.ref_days, *days_in.window_days, *days_in.follow_days)
        key = (days, n_ref, bool(follow))
        design = setting.designs.get(key)
        if design is None:
            design = setting.designs[key] = _Design(
                days,
                n_ref,
                n_win,
                follow,
                _candidates(setting, days_in.window_days),
                setting.noise.phi,
            )
        setting.same[same] = (lists, design)
    w_y = design.whitener.apply(_scores(days_in))
    s11 = design.s11
    b1 = sum(map(mul, design.w_one, w_y))
    yw = w_y[design.start : design.stop]
    sd_factor = read.sigma * design.root_s11
    shapes = design.shapes
    if not shapes:
        return
    rises = [(s11 * sum(map(mul, wxs, yw)) - s12 * b1) / det for wxs, s12, det, _ in shapes]
    ses = [sd_factor / root_det for _, _, _, root_det in shapes]
    zs = list(map(truediv, rises, ses))
    read.fits = ShapeFits(design.names, zs, rises, ses, design.xs, design.parts)
    read._use(zs.index(max(zs)), days_in.window)  # the first shape of the highest z


class _EpisodeDesign:
    """The score-free part of an episode fit (`_read_episodes`), shared by the symptoms scored
    on the same days: whitened level and episode columns, their cross products, and per shape
    (by its position among `candidates`) the whitened shape column with its cross products."""

    __slots__ = ("whitener", "columns", "gram", "episode_rows", "shapes", "support", "candidates")

    def __init__(self, days, tags, window_rows, candidates: _Candidates, phi, k) -> None:
        wh = Whitener(days, phi)
        self.whitener = wh
        n = len(days)
        ones = wh.ones
        on = [i for i, t in enumerate(tags) if t] if k == 1 else None
        if on:
            # The one episode's whitened column is 0.0 before its first day and after the
            # row following its last (a 0.0 after a 0.0 whitens to 0.0): only those rows
            # are whitened, and its sums run over them only (adding the products of those
            # zeros to a sum changes no bit; a product's factors commute, so the level's
            # sum with it is the episode's with the level). (first row, stop, the column on
            # those rows)
            lo, stop = on[0], min(on[-1] + 2, n)
            rows = wh.apply_from(lo, [1.0 if t else 0.0 for t in tags[lo:stop]])
            self.episode_rows = (lo, stop, rows)
            columns = [ones, [*repeat(0.0, lo), *rows, *repeat(0.0, n - stop)]]
            cross = sum(map(mul, ones[lo:stop], rows))
            self.gram = [[sum(map(mul, ones, ones)), cross], [cross, sum(map(mul, rows, rows))]]
        else:
            columns = [ones]
            for e in range(k):
                columns.append(wh.apply([1.0 if e in t else 0.0 for t in tags]))
            self.gram = [[sum(map(mul, a, b)) for b in columns] for a in columns]
            if k == 1:  # (an episode with no row: its column, all 0.0, whole)
                self.episode_rows = (0, n, columns[1])
        self.columns = columns
        # The window's rows are consecutive (rows go by day); a whitened shape column is 0.0
        # outside them and the row after, and adding those zeros to a sum changes no bit, so
        # its sums run over those rows only.
        lo, stop = self.support = (window_rows[0], min(window_rows[-1] + 2, n))
        tail = [0.0] if stop > window_rows[-1] + 1 else []
        supported = [c[lo:stop] for c in columns]
        self.shapes = []
        self.candidates = candidates
        for i, xs in enumerate(candidates.xs):
            wx = wh.apply_from(lo, xs + tail)
            cross = [sum(map(mul, wx, c)) for c in supported]
            self.shapes.append((i, wx, cross, sum(map(mul, wx, wx))))


def _read_episodes(read: SymptomRead, days_in: SymptomDays, setting: FitSetting) -> None:
    """`score = level + rise * shape + sum_e shift_e * [day in episode e] + AR(1) noise`, by
    GLS with a normal prior on each episode's shift (a ridge: the prior acts as one more
    observation of the shift). All days of an episode share its shift, so they are not
    independent evidence: an episode wholly inside the window is measured mostly by its
    prior, one that starts before or ends after it also by its own days outside."""
    tags, priors, cw = days_in.tags, days_in.priors, setting.cw
    k = len(priors)
    design = None
    if not days_in.outside:  # the reference days come before the window, the follow-up after
        lists = (days_in.ref_days, days_in.window_days, days_in.follow_days, tags)
        same, design = _same_design(setting, lists)
        ys = _scores(days_in)
    if design is None:
        days, ys, row_tags = _episode_rows(days_in)
        key = ("episodes", days, row_tags)
        design = setting.designs.get(key)
        if design is None:
            window_rows = [i for i, d in enumerate(days) if cw.first <= d <= cw.end]
            candidates = _candidates(setting, [days[i] for i in window_rows])
            design = setting.designs[key] = _EpisodeDesign(
                days, row_tags, window_rows, candidates, setting.noise.phi, k
            )
        if not days_in.outside:
            setting.same[same] = (lists, design)
    w_y = design.whitener.apply(ys)
    s2 = read.sigma**2
    # Normal equations of (level, shift_1..k), the priors added as pseudo-observations; the
    # shape then joins through the Schur complement, one shape at a time.
    if k == 1:  # the usual case: the same sums and steps as below, written out
        ((g00, g01), (g10, g11)), ((mu, tau2),) = design.gram, priors
        lo, stop, column = design.episode_rows
        precision = s2 / tau2
        solved = solve_2x2(
            g00,
            g01,
            g10,
            g11 + precision,
            sum(map(mul, design.columns[0], w_y)),
            sum(map(mul, column, w_y[lo:stop])) + precision * mu,
        )
        if solved is None:
            return
        i00, i01, i10, i11, b0, b1 = solved
    else:
        gram = [list(row) for row in design.gram]
        rhs = [sum(map(mul, c, w_y)) for c in design.columns]
        for e, (mu, tau2) in enumerate(priors):
            precision = s2 / tau2
            gram[1 + e][1 + e] += precision
            rhs[1 + e] += precision * mu
        solved = solve_normal(gram, rhs)
        if solved is None:
            return
        beta0, inv = solved
    yw = w_y[design.support[0] : design.support[1]]
    kept, zs, rises, ses, shiftss = [], [], [], [], []
    for i, wx, cross, xx in design.shapes:
        if k == 1:  # the usual case, one episode: the same sums as below, written out
            c0, c1 = cross
            a1 = i10 * c0 + i11 * c1
            denom = xx - (c0 * (i00 * c0 + i01 * c1) + c1 * a1)
            if denom <= 1e-9:
                continue
            rise = (sum(map(mul, wx, yw)) - (c0 * b0 + c1 * b1)) / denom
            shiftss.append(b1 - a1 * rise)
        else:
            ac = [sum(map(mul, row, cross)) for row in inv]
            denom = xx - sum(map(mul, cross, ac))
            if denom <= 1e-9:
                continue
            rise = (sum(map(mul, wx, yw)) - sum(map(mul, cross, beta0))) / denom
            # The episodes' fitted shifts under this shape: whichever shape is reported, its
            # window level is read from the scores less these shifts.
            shiftss += [beta0[1 + e] - ac[1 + e] * rise for e in range(k)]
        se = math.sqrt(s2 / denom)
        kept.append(i)
        zs.append(rise / se)
        rises.append(rise)
        ses.append(se)
    if kept:
        names, xss, partss = design.candidates.columns(kept)
        read.fits = ShapeFits(names, zs, rises, ses, xss, partss, shiftss, tags)
        read._use(zs.index(max(zs)), None)  # the first shape of the highest z


def _episode_rows(days_in: SymptomDays) -> tuple[Sequence[int], Sequence[float], tuple]:
    """The days of an episode fit, their scores and the episodes of each, in day order."""
    tags = days_in.tags
    if days_in.outside:
        # (day, score, episodes) of every day of the fit (no two share a day).
        rows = [
            *zip(days_in.ref_days, days_in.ref, repeat(()), strict=False),
            *zip(days_in.follow_days, days_in.follow, repeat(()), strict=False),
            *days_in.outside,
            *zip(days_in.window_days, days_in.window, tags, strict=True),
        ]
        rows.sort()
        return tuple(zip(*rows, strict=True))
    # the reference days come before the window, the follow-up days after it
    days = (*days_in.ref_days, *days_in.window_days, *days_in.follow_days)
    return (
        days,
        _scores(days_in),
        ((),) * len(days_in.ref) + tuple(tags) + ((),) * len(days_in.follow),
    )


def _read_blinded(read: SymptomRead, days_in: SymptomDays, setting: FitSetting) -> None:
    window_values, cw = read.window, setting.cw
    active_shape = setting.shapes[0][1]
    placebo_shape = cw.placebo_template()
    offsets = [d - cw.first for d, _ in window_values]
    xa = [active_shape[k] for k in offsets]
    xp = [placebo_shape[k] for k in offsets]
    only_a = [v for (_, v), a, p in zip(window_values, xa, xp, strict=True) if a and not p]
    only_p = [v for (_, v), a, p in zip(window_values, xa, xp, strict=True) if p and not a]
    if not only_a or not only_p:
        return
    n_ref = len(days_in.ref)
    days = [*days_in.ref_days, *days_in.window_days, *days_in.follow_days]
    ys = [*days_in.ref, *days_in.window, *days_in.follow]
    pad, tail = [0.0] * n_ref, [0.0] * len(days_in.follow)
    # Days under both an active and a placebo dose (a lingering reaction meeting the next dose)
    # get their own column, so they inform neither arm.
    only_active = [1.0 if a and not p else 0.0 for a, p in zip(xa, xp, strict=True)]
    only_placebo = [1.0 if p and not a else 0.0 for a, p in zip(xa, xp, strict=True)]
    both = [1.0 if a and p else 0.0 for a, p in zip(xa, xp, strict=True)]
    wh = Whitener(days, setting.noise.phi)
    columns = [
        wh.ones,
        wh.apply(pad + only_active + tail),
        wh.apply(pad + only_placebo + tail),
    ]
    if any(both):
        columns.append(wh.apply(pad + both + tail))
    solved = solve_gls(columns, wh.apply(ys))
    if solved is None:
        return
    beta, cov = solved
    s2 = read.sigma**2
    contrast = beta[1] - beta[2]
    var = max((cov[1][1] + cov[2][2] - 2.0 * cov[1][2]) * s2, 1e-12)
    read.rise, read.rise_se = contrast, math.sqrt(var)
    read.z = contrast / read.rise_se
    read.placebo_z = beta[2] / math.sqrt(max(cov[2][2] * s2, 1e-12))
    read.window_level = sum(only_a) / len(only_a)
    read.placebo_level = sum(only_p) / len(only_p)
    read.change = read.window_level - read.ref_level
    read.placebo_change = read.placebo_level - read.ref_level
    read.response_at = [k for k, a in enumerate(only_active) if a]
