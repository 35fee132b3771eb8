"""The few statistics the analysis needs, on the standard library only.

Daily symptom scores are autocorrelated: a bad day tends to be followed by another. We model the
day-to-day noise as AR(1) with correlation `phi ** gap` between days `gap` apart, which also
handles missing days exactly (the process is Markov, so only neighbouring logged days matter).
Fits are generalised least squares done by "prewhitening": each value is replaced by its
innovation given the previous logged day, after which ordinary least squares is correct.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from itertools import islice
from operator import itemgetter, sub
from statistics import NormalDist

_STANDARD_NORMAL = NormalDist()


def normal_isf(p: float) -> float:
    """The z with P(Z > z) = p (0 < p < 1)."""
    return -_STANDARD_NORMAL.inv_cdf(p)


def student_quantile(z: float, dof: float) -> float:
    """Student-t quantile matching the normal quantile `z` (Cornish-Fisher, good for dof >= 3).

    Used to widen critical values when the noise level itself is estimated from few days.
    """
    if dof <= 0 or math.isinf(dof):
        return z
    z2 = z * z
    g1 = (z2 + 1.0) * z / 4.0
    g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0
    g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0
    return z + g1 / dof + g2 / dof**2 + g3 / dof**3


@functools.lru_cache(maxsize=256)
def critical_z(alpha: float, comparisons: float, dof: float = math.inf) -> float:
    """One-sided critical value after a Bonferroni split of `alpha` over `comparisons`."""
    z = normal_isf(alpha / max(comparisons, 1.0))
    return student_quantile(z, dof)


@functools.lru_cache(maxsize=8)
def _steps(phi: float) -> tuple[tuple[float, float], ...]:
    """(phi**gap, 1/sqrt(1 - phi**(2 gap))) for gaps until the correlation is negligible."""
    steps = [(1.0, math.inf)]
    gap = 1
    while True:
        r = phi**gap
        if r < 1e-9 or gap > 400:
            return tuple(steps)
        steps.append((r, 1.0 / math.sqrt(1.0 - r * r)))
        gap += 1


def _step_columns(phi: float, top: int) -> tuple[Sequence[float], ...]:
    """`_columns(phi)` by gap up to at least `top`: gaps past the correlation's reach are
    independent (phi**gap 0.0, scale 1.0, whitened one 1.0)."""
    columns = _columns(phi)
    far = top + 1 - len(columns[0])
    if far <= 0:
        return columns
    return tuple(
        (*column, *(value,) * far) for column, value in zip(columns, (0.0, 1.0, 1.0), strict=True)
    )


@functools.lru_cache(maxsize=8)
def _columns(phi: float) -> tuple[tuple[float, ...], ...]:
    """By gap between logged days: phi**gap, 1/sqrt(1 - phi**(2 gap)), and the innovation of
    a 1.0 after a 1.0, `(1.0 - phi**gap * 1.0) * scale`. Gap 0 (never between two days)
    stands for the first day, whose innovation is its value: (0.0, 1.0, 1.0)."""
    steps = _steps(phi)[1:]
    return (
        (0.0, *[r for r, _ in steps]),
        (1.0, *[s for _, s in steps]),
        (1.0, *[(1.0 - r * 1.0) * s for r, s in steps]),
    )


class Whitener:
    """Prewhitening for AR(1) noise observed on the (sorted, distinct) day numbers `days`:
    each value becomes its innovation given the previous logged day,
    `(y - phi**gap * y_prev) / sqrt(1 - phi**(2 gap))`. `ones` is a column of 1.0 whitened
    (what `apply` gives it: each row's figure depends on its gap only, so it is looked up)."""

    __slots__ = ("rho", "scale", "ones")

    def __init__(self, days: Sequence[int], phi: float) -> None:
        if not days:
            self.rho, self.scale, self.ones = [], [], []
            return
        gaps = [0, *map(sub, islice(days, 1, None), days)]  # 0: the first day
        try:
            self.rho, self.scale, self.ones = _by_gap(_columns(phi), gaps)
        except IndexError:  # a gap past the correlation's reach
            self.rho, self.scale, self.ones = _by_gap(_step_columns(phi, max(gaps)), gaps)

    def apply(self, values: Sequence[float]) -> list[float]:
        # The innovation of each day given the previous logged day (none for the first:
        # 0.0 times 0.0 taken off, times 1.0), `(v - r * p) * s`. (values may stop short of
        # the days) A loop carrying the previous value takes fewer steps than a comprehension
        # over the values zipped with themselves one row later.
        out = []
        p = 0.0
        for v, r, s in zip(values, self.rho, self.scale, strict=False):
            out.append((v - r * p) * s)
            p = v
        return out

    def apply_from(self, start: int, values: Sequence[float]) -> list[float]:
        """`apply` on a column that is 0.0 before row `start` and holds `values` from there:
        its rows from `start` on (the earlier ones are 0.0). A reaction shape is zero
        outside its window, so only its window's rows need whitening."""
        out = []
        p = 0.0
        rho, scale = islice(self.rho, start, None), islice(self.scale, start, None)
        for v, r, s in zip(values, rho, scale, strict=False):
            out.append((v - r * p) * s)
            p = v
        return out


def _by_gap(columns: tuple[Sequence[float], ...], gaps: list[int]) -> list[list[float]]:
    if len(gaps) == 1:  # (an itemgetter of one item gives the item, not a tuple)
        return [[column[gaps[0]]] for column in columns]
    pick = itemgetter(*gaps)  # each column's figures at the gaps, picked in C
    return [list(pick(column)) for column in columns]


def solve_gls(columns: Sequence[Sequence[float]], w_y: Sequence[float]):
    """GLS coefficients and their unscaled covariance for prewhitened columns (few).

    Returns (beta, cov) or None if the columns are collinear. Gauss-Jordan on the normal
    equations: tiny systems, so clarity beats cleverness.
    """
    gram = [[sum(a * b for a, b in zip(ci, cj, strict=True)) for cj in columns] for ci in columns]
    rhs = [sum(a * y for a, y in zip(ci, w_y, strict=True)) for ci in columns]
    return solve_normal(gram, rhs)


def solve_2x2(a: float, b: float, c: float, d: float, r0: float, r1: float):
    """`solve_normal` of the 2 x 2 system `[[a, b], [c, d]] @ beta = (r0, r1)`, flat: the
    inverse's `i00, i01, i10, i11` then `beta`'s two values, or None when singular."""
    det = a * d - b * c
    top = max(abs(a), abs(c))
    if top < 1e-9 or abs(det) < 1e-9 * top:
        return None
    i00, i01, i10, i11 = d / det, -b / det, -c / det, a / det
    return i00, i01, i10, i11, i00 * r0 + i01 * r1, i10 * r0 + i11 * r1


def solve_normal(gram: Sequence[Sequence[float]], rhs: Sequence[float]):
    """Solve the normal equations `gram @ beta = rhs` (small, symmetric positive definite);
    returns (beta, inverse of gram) or None when singular. A prior on a coefficient enters as
    its precision added to the diagonal and precision x prior mean added to `rhs`."""
    k = len(rhs)
    if k == 2:  # the usual case (the level and one episode): in closed form
        (a, b), (c, d) = gram
        solved = solve_2x2(a, b, c, d, *rhs)
        if solved is None:
            return None
        i00, i01, i10, i11, b0, b1 = solved
        return [b0, b1], [[i00, i01], [i10, i11]]
    aug = [gram[i] + [1.0 if i == j else 0.0 for j in range(k)] for i in range(k)]
    for col in range(k):
        pivot = max(range(col, k), key=lambda r: abs(aug[r][col]))
        if abs(aug[pivot][col]) < 1e-9:
            return None
        aug[col], aug[pivot] = aug[pivot], aug[col]
        p = aug[col][col]
        aug[col] = [v / p for v in aug[col]]
        for r in range(k):
            if r != col and aug[r][col] != 0.0:
                f = aug[r][col]
                aug[r] = [v - f * w for v, w in zip(aug[r], aug[col], strict=True)]
    inv = [row[k:] for row in aug]
    beta = [sum(inv[i][j] * rhs[j] for j in range(k)) for i in range(k)]
    return beta, inv
