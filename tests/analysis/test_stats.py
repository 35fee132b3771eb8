"""The small linear algebra under the fits (`stats`)."""

import math

import pytest

from dietplanner.analysis.stats import Whitener, solve_2x2, solve_normal


@pytest.mark.parametrize(
    "gram, rhs",
    [
        ([[4.0, 1.0], [1.0, 3.0]], [1.0, 2.0]),  # the level and one episode (closed form)
        ([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]], [1.0, 2.0, -1.0]),
    ],
)
def test_solve_normal_returns_the_solution_and_the_inverse(gram, rhs):
    beta, inv = solve_normal(gram, rhs)
    k = len(rhs)
    for i in range(k):
        assert sum(gram[i][j] * beta[j] for j in range(k)) == pytest.approx(rhs[i])
        for j in range(k):
            product = sum(gram[i][m] * inv[m][j] for m in range(k))
            assert product == pytest.approx(1.0 if i == j else 0.0, abs=1e-12)


@pytest.mark.parametrize("gram", [[[1.0, 1.0], [1.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]])
def test_a_singular_system_gives_none(gram):
    assert solve_normal(gram, [1.0, 1.0]) is None


def test_the_flat_2x2_solve_is_the_inverse_then_the_solution():
    (i00, i01, i10, i11, b0, b1) = solve_2x2(4.0, 1.0, 1.0, 3.0, 1.0, 2.0)
    assert (i00, i01, i10, i11) == pytest.approx((3 / 11, -1 / 11, -1 / 11, 4 / 11))
    assert (b0, b1) == pytest.approx((1 / 11, 7 / 11))
    assert solve_normal([[4.0, 1.0], [1.0, 3.0]], [1.0, 2.0]) == (
        [b0, b1],
        [[i00, i01], [i10, i11]],
    )
    assert solve_2x2(1.0, 1.0, 1.0, 1.0, 1.0, 1.0) is None


def _innovations(days, phi, values):
    """Each value's innovation given the previous logged day, day by day (the definition)."""
    out, prev, prev_day = [], 0.0, None
    for day, v in zip(days, values, strict=True):
        if prev_day is None:
            r, s = 0.0, 1.0
        else:
            r = phi ** (day - prev_day)
            r = 0.0 if r < 1e-9 else r
            s = 1.0 / math.sqrt(1.0 - r * r)
        out.append((v - r * prev) * s)
        prev, prev_day = v, day
    return out


@pytest.mark.parametrize("phi", [0.3, 0.585, 0.9])
def test_whitening_follows_the_definition_to_the_bit(phi):
    # Gaps of 1 to 3 days, and some far past the correlation's reach (rows independent).
    days = [0, 1, 2, 4, 7, 8, 9, 300, 301, 303, 1000, 1001]
    values = [3.0, 5.0, 2.0, 4.0, 4.0, 6.0, 1.0, 3.0, 2.0, 7.0, 4.0, 5.0]
    wh = Whitener(days, phi)
    assert wh.apply(values) == _innovations(days, phi, values)
    # The whitened column of ones is what whitening ones gives, bit for bit.
    assert wh.ones == wh.apply([1.0] * len(days)) == _innovations(days, phi, [1.0] * len(days))
    # From a row on: the same rows as whitening the column with zeros before it.
    shape = [0.0] * 5 + [0.5, 1.0, 1.0]
    assert wh.apply_from(5, shape[5:]) == wh.apply(shape)[5:]


@pytest.mark.parametrize("days", [[5], [5, 6], []])
def test_whitening_one_or_two_days(days):
    values = [4.0, 6.0][: len(days)]
    wh = Whitener(days, 0.5)
    assert wh.apply(values) == _innovations(days, 0.5, values)
    assert wh.ones == _innovations(days, 0.5, [1.0] * len(days))
