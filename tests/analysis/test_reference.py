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


def _pair_correlations_by_day(series):
    """The pair correlations as first written: each symptom's deviations by day, a column on
    the union of days with 0.0 where it was not scored, the days the other missed read by
    day (the reference `_pair_correlations` must match to the last bit)."""
    import math
    from itertools import chain, repeat
    from operator import mul

    flat = {
        symptom: (
            list(chain.from_iterable(seg for seg, _ in one.centred)),
            list(chain.from_iterable(seg_devs for _, seg_devs in one.centred)),
        )
        for symptom, one in series.items()
    }
    day_lists = [days for days, _ in flat.values()]
    union = sorted(set().union(*day_lists))
    centred = {s: dict(zip(days, devs, strict=True)) for s, (days, devs) in flat.items()}
    everywhere = set(union)
    columns = {}
    for symptom, (days, _) in flat.items():
        by_day = centred[symptom]
        column = list(map(by_day.get, union, repeat(0.0)))
        missing = everywhere - by_day.keys() if len(days) < len(union) else set()
        total = sum(chain.from_iterable(series[symptom].squares))
        columns[symptom] = (column, total, missing)
    names = list(flat)
    corr = {}
    for i, a in enumerate(names):
        col_a, total_a, missing_a = columns[a]
        for b in names[i + 1 :]:
            col_b, total_b, missing_b = columns[b]
            shared = len(union) - len(missing_a | missing_b)
            saa = total_a - sum([centred[a][d] ** 2 for d in missing_b if d in centred[a]])
            sbb = total_b - sum([centred[b][d] ** 2 for d in missing_a if d in centred[b]])
            if shared < 10 or saa <= 1e-12 or sbb <= 1e-12:
                continue
            r = max(sum(map(mul, col_a, col_b)) / math.sqrt(saa * sbb), 0.0)
            corr[(a, b)] = corr[(b, a)] = min(r, 0.99)
    return corr


def test_the_pair_correlations_are_those_read_day_by_day_to_the_last_bit():
    # `_pair_correlations` reuses the columns of a series, takes the quiet days as the union
    # when a symptom kept them all, reads the days one missed by place and keeps the
    # correlations of pairs scored on the same days from one estimate to the next.
    from dietplanner.analysis.reference import _pair_correlations

    checked = 0
    for program, estimator, first in estimators(seed=13):
        rng = random.Random(first)
        known = {}
        for _ in range(8):
            busy = {}
            for symptom in program.symptoms:
                if rng.random() < 0.6:
                    spans = [first + rng.randint(0, 200) for _ in range(rng.randint(1, 4))]
                    busy[symptom] = [(lo, lo + rng.randint(0, 20)) for lo in spans]
            series = {s: estimator._series_of(s, busy) for s in program.symptoms}
            expected = _pair_correlations_by_day(series)
            assert _pair_correlations(series, estimator._every, known) == expected
            assert _pair_correlations(series) == expected
            checked += len(expected)
    assert checked > 200


@pytest.mark.parametrize("phi", [0.1, 0.5, 0.85])
def test_a_runs_effective_degrees_of_freedom_are_its_days_less_their_pair_sum_over_n(phi):
    # `_effective_dof` builds the pair sum in one sweep, reading each gap's power in one call
    # when the gaps are known (`NoiseEstimator._gaps_of`): the same bits as working them out.
    from operator import sub

    from dietplanner.analysis.reference import _effective_dof

    rng = random.Random(7)
    for size in [1, 2, 3, 4, 30, 120]:
        days = [0]
        for _ in range(size - 1):
            days.append(days[-1] + rng.choice([1, 1, 1, 2, 3, 7]))
        pairs = sum(phi ** abs(a - b) for a in days for b in days)
        expected = max(size - pairs / size, 0.0)
        found = _effective_dof(days, phi)
        assert found == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert _effective_dof(days, phi, bytes(map(sub, days[1:], days))) == found


def test_confounder_offsets_read_each_days_local_level_as_the_days_near_it_give_it():
    # `confounder_offsets` works out every symptom's local level of a day at once: the same
    # mean of the calm days near it that scored the symptom, to the last bit, also when one
    # of those days missed a symptom.
    from dietplanner.analysis.daybook import DayBook
    from dietplanner.analysis.diary import DayEntry
    from dietplanner.analysis.reference import Noise, confounder_offsets

    from .simulator import simulate_cohort

    checked = 0
    for diary in simulate_cohort(14, 6):
        program = diary.program
        rng = random.Random(len(diary.entries))
        entries = [
            DayEntry(
                e.date,
                {s: v for s, v in e.scores.items() if rng.random() > 0.03},
                e.confounders,
                e.off_plan,
            )
            for e in diary.entries
        ]
        book = DayBook(entries)
        noise = Noise(phi=0.5, sigma=dict.fromkeys(program.symptoms, 1.0), dof={})
        first = program.started_on.toordinal()
        offsets = confounder_offsets(book, program.symptoms, first, set(), noise)
        for (kind, symptom), offset in offsets.items():
            devs = []
            for day, kinds in book.confounded_days():
                if kinds != (kind,) or day < first or book.ate_off_plan(day):
                    continue
                if symptom not in book.scores[day]:
                    continue
                near = [
                    book.scores[d][symptom]
                    for d in range(day - 10, day + 11)
                    if d >= first and d in book.calm and symptom in book.scores[d]
                ]
                if len(near) >= 3:
                    devs.append(book.scores[day][symptom] - sum(near) / len(near))
            assert offset.days == len(devs)
            assert offset.points == sum(devs) / len(devs)
            checked += 1
    assert checked > 10
