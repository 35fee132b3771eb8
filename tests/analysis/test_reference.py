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


def estimators(seed: int):
    """(program, its `NoiseEstimator`, its first day) for 6 simulated diaries."""
    from dietplanner.analysis.daybook import DayBook
    from dietplanner.analysis.reference import NoiseEstimator, late_start

    from .simulator import simulate_cohort

    for diary in simulate_cohort(seed, 6):
        program = diary.program
        estimator = NoiseEstimator(DayBook(diary.entries), program.symptoms, late_start(program))
        yield program, estimator, program.started_on.toordinal()


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
    checked = 0
    for program, estimator, first in estimators(seed=11):
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


def test_a_new_runs_sum_of_squares_from_running_sums_is_never_above_its_own_and_close_to_it():
    # `NoiseEstimator.sigma_floor` takes the sum of squares of a run it has not worked out
    # from running sums (`_ss_floor`): never above the run's own sum, to the last bit, and
    # short of it by no more than the rounding allowance.
    from dietplanner.analysis.reference import _ss_floor

    checked = 0
    for program, estimator, first in estimators(seed=12):
        rng = random.Random(first)
        for _ in range(10):
            spans = []
            for _ in range(rng.randint(1, 4)):
                lo = first + rng.randint(0, 200)
                spans.append((lo, lo + rng.randint(0, 12)))
            spans = tuple(spans)
            for symptom in program.symptoms:
                sums = estimator._sums_of(symptom, spans)
                for seg in estimator._segments_of(symptom, spans):
                    if len(seg) < 2:
                        continue
                    own = estimator._run(symptom, seg).ss
                    floor = _ss_floor(seg, *sums)
                    assert floor <= own
                    assert floor >= own - 1e-6 * (own + 1.0)
                    checked += 1
    assert checked > 500
