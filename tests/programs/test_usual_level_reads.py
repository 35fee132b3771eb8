"""The usual level before a food test reads the diary only up to the test's first day.

The schedule computes it on every page a patient opens (issue 17); it must come out the same
as read from the whole diary: a confounder logged on the first test day still bridges the day
before it, off-plan eating still carries over, later days change nothing."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dietplanner.programs.schedule.diary import Diary, usual_levels
from dietplanner.programs.schedule.plan import DayLog

START = date(2026, 1, 5)
SYMPTOMS = ("pain", "fatigue")


class _WholeDiary(Diary):
    """The same diary, read whole whatever the caller asks for."""

    __slots__ = ()

    def entries(self, until=None):
        return super().entries()


day_logs = st.fixed_dictionaries(
    {
        "scores": st.dictionaries(st.sampled_from(SYMPTOMS), st.integers(0, 10)),
        "confounders": st.frozensets(st.sampled_from(("cold", "stress")), max_size=2),
        "off_plan": st.frozensets(st.sampled_from(("dairy", "gluten")), max_size=1),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    logs=st.lists(st.one_of(st.none(), day_logs), min_size=10, max_size=60),
    baseline_days=st.integers(3, 30),
    first_dose=st.integers(1, 59),
)
def test_the_usual_level_is_the_one_read_from_the_whole_diary(logs, baseline_days, first_dose):
    days = {
        START + timedelta(days=k): DayLog(day=START + timedelta(days=k), **log)
        for k, log in enumerate(logs)
        if log is not None
    }
    last = START + timedelta(days=len(logs) - 1)
    before = START + timedelta(days=first_dose)
    assert usual_levels(Diary(days, SYMPTOMS, START, last), baseline_days, before) == (
        usual_levels(_WholeDiary(days, SYMPTOMS, START, last), baseline_days, before)
    )


def test_a_confounder_on_the_first_test_day_still_bridges_the_day_before():
    scores = {"pain": 3}
    cold = frozenset({"cold"})
    on = [START + timedelta(days=k) for k in range(9)]
    days = {day: DayLog(day=day, scores=scores) for day in on}
    # the 8th day (scored 9) sits between two days with a cold: not a clean baseline day
    days[on[6]] = DayLog(day=on[6], scores=scores, confounders=cold)
    days[on[7]] = DayLog(day=on[7], scores={"pain": 9})
    days[on[8]] = DayLog(day=on[8], scores=scores, confounders=cold)
    book = Diary(days, ("pain",), START, START + timedelta(days=20))
    assert usual_levels(book, 3, on[8]) == {"pain": 3.0}
