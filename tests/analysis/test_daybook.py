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


def test_symptoms_scored_every_day_are_read_together_as_each_on_its_own():
    # The first `values` call reads every symptom of the first day scored on every logged
    # day at once (`_every_day_values`): the same floats, days and order as one symptom read
    # by itself, whatever the scores (any but whole ones of 0 to 10 go through `float`: over
    # 10, negative, -0.0, not whole), and the symptoms that missed a day are read on their
    # own.
    import random

    rng = random.Random(7)
    start = date(2026, 3, 1).toordinal()
    odd = [11, 300, -1, -12, 2.5, -0.0, 4.0, True]
    for case in range(40 + len(odd)):
        names = ["pain", "sleep", "mood", "skin"][: 1 + case % 4 if case < 40 else 2]
        entries = []
        for k in range(rng.randint(1, 12) if case < 40 else 3):
            scores = {n: rng.choice([0, 1, 2, 5, 10, 3]) for n in names}
            if case % 3 == 0 and rng.random() < 0.2:
                scores.pop(rng.choice(names))
            if case % 5 == 0 and rng.random() < 0.2:
                scores["extra"] = rng.randint(0, 10)
            if case >= 40 and k == 0:
                scores = dict.fromkeys(["pain", "sleep"], 3) | {"pain": odd[case - 40]}
            entries.append(DayEntry(date.fromordinal(start + 2 * k), scores))
        book = DayBook(entries)
        for name in [*names, "extra", "none"]:
            expected = {
                e.date.toordinal(): float(e.scores[name]) for e in entries if name in e.scores
            }
            found = book.values(name)
            assert repr(list(found.items())) == repr(list(expected.items()))  # (-0.0 too)
            assert all(type(v) is float for v in found.values())
            assert book.values(name) is found  # kept


def test_a_confounder_logged_either_side_of_a_day_covers_it_and_it_is_not_calm():
    day = [date(2026, 3, k) for k in range(1, 9)]
    book = DayBook(
        [
            DayEntry(day[0], {"pain": 1}, confounders=("ill", "stress")),
            DayEntry(day[1], {"pain": 1}, confounders=("stress",)),  # forgot "ill"
            DayEntry(day[2], {"pain": 1}, confounders=("ill",)),
            DayEntry(day[3], {"pain": 1}),  # "stress" only before, "ill" only on one side
            DayEntry(day[4], {"pain": 1}, confounders=("poor_sleep",)),
            DayEntry(day[5], {"pain": 1}),  # nothing logged the day after
            DayEntry(day[6], {"pain": 1}, off_plan=("dairy",)),
            DayEntry(day[7], {"pain": 1}),  # the day after off-plan eating
        ]
    )
    ordinal = [d.toordinal() for d in day]
    assert book.confounders(ordinal[1]) == ("stress", "ill")
    assert book.confounders(ordinal[3]) == ()
    assert book.confounders(ordinal[5]) == ()
    assert [d for d, _ in book.confounded_days()] == [ordinal[k] for k in (0, 1, 2, 4)]
    assert book.calm == {ordinal[3], ordinal[5]}
