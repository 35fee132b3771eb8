"""What the fits work out once and reuse: a symptom's prepared days (`evidence.prepared`), a
window's sorted days (`challenge._WindowDays`), the rows an episode's sums run over."""

from operator import mul

from dietplanner.analysis.challenge import _WindowDays
from dietplanner.analysis.daybook import NOT_LOGGED, DayBook
from dietplanner.analysis.evidence import (
    FitSetting,
    SymptomDays,
    _Candidates,
    _EpisodeDesign,
    prepared,
    read_symptom,
)
from dietplanner.analysis.reference import Noise
from dietplanner.analysis.windows import challenge_windows

from .builders import challenge, day, diary


def _days(window: list[float]) -> dict:
    n = lambda k: day(k).toordinal()  # noqa: E731
    return {
        "ref_days": [n(k) for k in range(5, 27)],
        "ref": [3.0, 4.0, 2.0] * 7 + [5.0],
        "window_days": [n(k) for k in range(30, 30 + len(window))],
        "window": window,
        "follow_days": [n(k) for k in (40, 41)],
        "follow": [2.0, 3.0],
    }


def test_prepared_days_hold_the_mean_the_rows_and_the_first_highest_day():
    fields = _days([4.0, 6.0, 5.0, 6.0, 3.0])
    days = prepared(*fields.values())
    assert days.level == sum(fields["ref"]) / 22
    assert days.scores == [*fields["ref"], *fields["window"], *fields["follow"]]
    assert days.peak_at == 1  # the first of the two 6.0
    assert days.pairs == list(zip(fields["window_days"], fields["window"], strict=True))
    assert prepared(*_days([]).values()).peak_at is None  # no window day scored


def test_a_symptom_read_on_prepared_days_is_the_same_to_the_bit():
    (cw,) = challenge_windows(diary([challenge("dairy", 30)])[0])
    noise = Noise(phi=0.45, sigma={"pain": 0.7}, dof={"pain": 20.0})
    for window in ([4.0, 6.0, 5.0, 6.0, 3.0, 3.0, 4.0], [3.0, 3.0, 7.0, 2.0, 3.0, 3.0, 3.0]):
        fields = _days(window)
        plain = read_symptom("pain", SymptomDays(**fields), FitSetting(cw, cw.templates(), noise))
        kept = read_symptom(
            "pain", prepared(*fields.values()), FitSetting(cw, cw.templates(), noise)
        )
        assert _figures(kept) == _figures(plain)


def _figures(read) -> str:
    fits = read.fits
    columns = (fits.names, fits.z, fits.rise, fits.se, fits.xs)
    return repr((read.ref_level, read.peak_day, read.peak_rise, read.window_level, read.z, columns))


def test_a_window_s_days_are_sorted_into_left_out_clean_and_allowed():
    # Window of days 30-36: day 31 ill (kept with its episode), day 33 a period (left out),
    # day 34 not logged.
    program, entries = diary(
        [challenge("dairy", 30)], confounders={31: ("illness",), 33: ("period",)}, missing={34}
    )
    (cw,) = challenge_windows(program)
    book = DayBook(entries)
    days = _WindowDays(book, cw, cw.end)
    n = lambda k: day(k).toordinal()  # noqa: E731
    assert days.clean == [n(k) for k in (30, 32, 35, 36)]
    assert list(days.allowed) == [n(31)]
    assert [e.kind for e in days.allowed[n(31)]] == ["illness"]
    assert days.allowed_why == ((n(31), ("illness",)),)
    assert days.usable == [n(k) for k in (30, 31, 32, 35, 36)]
    assert [e.kind for e in days.touching] == ["illness"]
    assert [(d.date, d.why) for d in days.excluded] == [
        (day(33), ("period",)),
        (day(34), (NOT_LOGGED,)),
    ]
    # Read up to an earlier day, only the days seen so far.
    assert _WindowDays(book, cw, n(31)).clean == [n(30)]


def test_an_episode_column_is_zero_outside_the_rows_its_sums_run_over():
    # Rows: 10 reference days (the last, 9 days before the window, in the episode), then the
    # window's 7 days (its first 3 in the episode).
    (cw,) = challenge_windows(diary([challenge("dairy", 30)])[0])
    n = lambda k: day(k).toordinal()  # noqa: E731
    days = [*(n(k) for k in range(12, 22)), *(n(k) for k in range(30, 37))]
    tags = [(0,) if k in (21, 30, 31, 32) else () for k in [*range(12, 22), *range(30, 37)]]
    window_days = days[10:]
    candidates = _Candidates(window_days, cw, cw.templates())
    design = _EpisodeDesign(days, tags, list(range(10, 17)), candidates, 0.6, 1)
    lo, stop, column = design.episode_rows
    full = design.columns[1]
    assert (lo, stop) == (9, 14)
    assert column == full[lo:stop]
    assert all(v == 0.0 for v in full[:lo] + full[stop:])
    # The whole column whitened, and the sums over every row, to the bit.
    whole = [design.whitener.ones, design.whitener.apply([1.0 if t else 0.0 for t in tags])]
    assert full == whole[1]
    assert design.gram == [[sum(map(mul, a, b)) for b in whole] for a in whole]
    scores = [3.0 + (k % 3) for k in range(len(days))]
    w_y = design.whitener.apply(scores)
    assert sum(map(mul, column, w_y[lo:stop])) == sum(map(mul, full, w_y))


def test_windows_with_the_same_portions_share_their_shapes_which_nothing_can_change():
    program, _ = diary([challenge("dairy", 30), challenge("wheat", 40), challenge("egg", 49)])
    first, second, last = challenge_windows(program)
    assert first.templates() == second.templates()
    # Doses on days 0-2 at 1/3, 2/3 and the full portion; the delay 1, lingering 1 shape.
    shapes = dict(first.templates())
    assert list(shapes) == ["d0l1", "d0l3", "d1l1", "d1l3", "d2l1", "d2l3"]
    third = 1 / 3
    assert shapes["d1l1"] == (0.0, third, 2 * third, 1.0, 1.0, 0.0, 0.0)
    assert all(isinstance(xs, tuple) for xs in shapes.values())
    # Each shape has a value for each of its window's days.
    assert len(last.templates()[0][1]) == last.end - last.first + 1
