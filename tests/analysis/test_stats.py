"""The small linear algebra under the fits (`stats`)."""

import pytest

from dietplanner.analysis.stats import solve_normal


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
