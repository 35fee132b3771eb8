from datetime import date, timedelta

import pytest

from dietplanner.diary.services import EntryError, entry_save
from dietplanner.programs.models import DailyEntry

from .factories import START

pytestmark = pytest.mark.django_db


def save(program, **kw):
    args = {"program": program, "on": START, "today": START, "scores": {"pain": 3}}
    return entry_save(**{**args, **kw})


def test_saving_twice_keeps_one_entry_with_the_latest_values(program):
    save(program, scores={"pain": 3})
    save(program, scores={"pain": 6})
    assert DailyEntry.objects.get().scores == {"pain": 6}


def test_a_dose_answer_on_a_day_without_a_dose_is_refused(program):
    with pytest.raises(EntryError, match="no dose"):
        save(program, dose_taken=True)
    assert not DailyEntry.objects.exists()


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"scores": {"pain": 11}}, "0 \\(none\\) to 10"),
        ({"scores": {"headache": 2}}, "not a symptom you track"),
        ({"confounders": ["hangover"]}, "not something we can record"),
        ({"off_plan": ["diary"]}, "not a food group"),
        ({"on": START + timedelta(days=1)}, "not happened yet"),
        ({"on": date(2025, 12, 31)}, "before your program"),
    ],
)
def test_bad_values_are_refused(program, kw, message):
    with pytest.raises(EntryError, match=message):
        save(program, **kw)
    assert not DailyEntry.objects.exists()


def test_a_day_with_no_score_at_all_is_refused(program):
    with pytest.raises(EntryError, match="Score at least one symptom"):
        save(program, scores={"pain": None, "fatigue": None}, confounders=["stress"])
    assert not DailyEntry.objects.exists()
