"""The patient's wobble (`reference`): what the floor at 0 hides."""

import random

import pytest

from dietplanner.analysis.reference import floor_spread_ratio


def scores(level: float, sd: float, n: int = 400, seed: int = 5) -> list[float]:
    rng = random.Random(seed)
    return [float(min(10, max(0, round(rng.gauss(level, sd))))) for _ in range(n)]


def sample_sd(values: list[float]) -> float:
    m = sum(values) / len(values)
    return (sum((v - m) ** 2 for v in values) / (len(values) - 1)) ** 0.5


def test_a_symptom_often_at_0_is_read_as_wobbling_as_much_as_it_really_does():
    low = scores(level=0.8, sd=1.5)
    assert low.count(0.0) > 100  # the floor cuts off a good part of the wobble
    assert sample_sd(low) < 1.25  # the plain spread of the scores looks calmer than it is
    assert 1.35 <= sample_sd(low) * floor_spread_ratio(low) <= 1.75


@pytest.mark.parametrize("values", [scores(level=5.0, sd=1.2), [0.0] * 20, [3.0], []])
def test_scores_away_from_the_floor_or_without_spread_are_left_as_they_are(values):
    assert floor_spread_ratio(values) == pytest.approx(1.0, abs=0.01)


def test_the_floor_of_the_spread_that_settles_a_hidden_rise_check_is_never_above_the_spread():
    # `verdicts._hidden_rises` skips the full estimate when this floor already shows the
    # spread cannot have swelled; the floor must never be above the estimate, to the last bit.
    from dietplanner.analysis.daybook import DayBook
    from dietplanner.analysis.reference import NoiseEstimator, late_start

    from .simulator import simulate_cohort

    checked = 0
    for diary in simulate_cohort(11, 6):
        program = diary.program
        estimator = NoiseEstimator(DayBook(diary.entries), program.symptoms, late_start(program))
        first = program.started_on.toordinal()
        for lo in range(first + 20, first + 120, 9):
            spans = [(lo, lo + 8), (lo + 30, lo + 34)]
            for symptom in program.symptoms:
                busy = {symptom: spans}
                assert estimator.sigma_floor(busy, symptom) <= estimator.sigma(busy, symptom)
                checked += 1
    assert checked > 100


def test_leaving_out_one_span_more_cuts_the_runs_as_cutting_the_days_anew_does():
    # `NoiseEstimator._segments_of` cuts the runs of the spans left out already; the runs
    # must be those of the remaining days cut from scratch (`_segments`).
    from dietplanner.analysis.reference import _cut, _segments, span_days

    rng = random.Random(3)
    for _ in range(300):
        days = tuple(sorted(rng.sample(range(200), rng.randint(0, 150))))
        spans = []
        runs = _segments(days)
        for _ in range(rng.randint(1, 4)):
            lo = rng.randint(-5, 200)
            spans.append((lo, lo + rng.randint(0, 12)))
            runs = _cut(runs, *spans[-1])
            left = span_days(spans)
            assert runs == _segments(tuple(d for d in days if d not in left))
