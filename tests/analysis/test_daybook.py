"""The diary indexed by day (`daybook.DayBook`)."""

from datetime import date

from dietplanner.analysis.daybook import DayBook
from dietplanner.analysis.diary import DayEntry


def test_a_symptoms_values_are_its_scores_as_floats_on_the_days_it_was_scored():
    days = [date(2026, 3, k) for k in (1, 2, 4)]
    book = DayBook(
        [
            DayEntry(days[0], {"pain": 3, "sleep": 5}),
            DayEntry(days[1], {"pain": 4}),  # sleep not scored
            DayEntry(days[2], {"pain": 0, "sleep": 7}),
        ]
    )
    pain = book.values("pain")
    assert pain == {days[0].toordinal(): 3.0, days[1].toordinal(): 4.0, days[2].toordinal(): 0.0}
    assert all(type(v) is float for v in pain.values())
    assert list(pain) == [d.toordinal() for d in days]  # in date order
    assert book.values("sleep") == {days[0].toordinal(): 5.0, days[2].toordinal(): 7.0}
    assert book.values("mood") == {}
    assert book.values("pain") is pain  # kept
