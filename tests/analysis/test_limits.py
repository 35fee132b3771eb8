"""One limit per rule: the diary format, its JSON Schema, the forms, the services and the schedule
engine accept exactly the same dose days, washout days, baseline length and text lengths."""

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from crispy_forms.utils import render_crispy_form

from dietplanner.analysis import limits
from dietplanner.analysis.exchange import DiaryFormatError, parse_document
from dietplanner.clinic.forms_plan import AddGroupForm, ChallengeDaysForm
from dietplanner.programs import schedule
from dietplanner.programs import services as program_services
from dietplanner.programs.models import Dose

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "diary-format.schema.json").read_text()
)
TODAY = date(2026, 6, 1)
START = date(2026, 1, 5)


def document(**challenge) -> dict:
    item = {
        "food_group": "dairy",
        "started_on": "2026-01-27",
        "dose_days": 3,
        "washout_days": 4,
        **challenge,
    }
    return {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"timezone": "Europe/Oslo"},
        "program": {
            "protocol": "custom",
            "started_on": START.isoformat(),
            "baseline_days": 21,
            "symptoms": ["pain"],
            "challenges": [item],
        },
    }


def format_accepts(**challenge) -> bool:
    try:
        parse_document(document(**challenge), today=TODAY)
    except DiaryFormatError:
        return False
    return True


def engine_accepts(**changes) -> bool:
    state = schedule.ChallengeState(
        key="c",
        food_group="dairy",
        dose_days=3,
        washout_days=4,
        ladder=("a", "b", "c"),
        status="planned",
    )
    settings = schedule.ProgramSettings(start=START, baseline_days=21, symptoms=("pain",))
    try:
        schedule.compute_plan(settings, [replace(state, **changes)], {}, START)
    except ValueError:
        return False
    return True


def bounds_accepted(accepts, field: str, low: int, high: int) -> bool:
    """`accepts` takes low..high and refuses one below and one above."""
    return (
        accepts(**{field: low})
        and accepts(**{field: high})
        and not accepts(**{field: low - 1})
        and not accepts(**{field: high + 1})
    )


@pytest.mark.parametrize(
    "field, bounds", [("dose_days", limits.DOSE_DAYS), ("washout_days", limits.WASHOUT_DAYS)]
)
def test_format_schema_and_engine_share_the_challenge_limits(field, bounds):
    assert bounds_accepted(format_accepts, field, *bounds)
    assert bounds_accepted(engine_accepts, field, *bounds)
    spec = SCHEMA["$defs"]["challenge"]["properties"][field]
    assert (spec["minimum"], spec["maximum"]) == bounds


@pytest.mark.parametrize(
    "field, bounds",
    [("dose_days", limits.DOSE_DAYS), ("washout_days", limits.WASHOUT_DAYS)],
)
@pytest.mark.parametrize(
    "form",
    [
        lambda: ChallengeDaysForm(url="/x/", form_id="days"),
        lambda: AddGroupForm(url="/x/"),
    ],
    ids=["days", "add"],
)
def test_the_dietitians_forms_offer_the_same_limits(db, form, field, bounds):
    html = render_crispy_form(form())
    tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
    assert f'min="{bounds[0]}"' in tag and f'max="{bounds[1]}"' in tag


@pytest.mark.parametrize(
    "field, bounds",
    [("dose_days", limits.DOSE_DAYS), ("washout_days", limits.WASHOUT_DAYS)],
)
def test_the_plan_services_enforce_the_same_limits(field, bounds):
    def accepts(**data):
        try:
            program_services._check_days(**{"dose_days": 3, "washout_days": 4, **data})
        except program_services.PlanError:
            return False
        return True

    assert bounds_accepted(accepts, field, *bounds)


def test_the_services_share_the_challenge_limits():
    assert program_services.DOSE_DAYS_RANGE == limits.DOSE_DAYS
    assert program_services.WASHOUT_DAYS_RANGE == limits.WASHOUT_DAYS
    assert limits.DOSE_DAYS[1] == schedule.plan.MAX_DOSE_DAYS
    assert set(schedule.plan.DOSE_STEPS) == set(range(1, limits.DOSE_DAYS[1] + 1))


def test_format_and_schema_share_the_baseline_and_text_limits():
    program = SCHEMA["properties"]["program"]["properties"]
    low, high = limits.BASELINE_DAYS
    assert (program["baseline_days"]["minimum"], program["baseline_days"]["maximum"]) == (low, high)
    doc = document()
    doc["program"]["baseline_days"] = high + 1
    with pytest.raises(DiaryFormatError, match="baseline_days"):
        parse_document(doc, today=TODAY)
    assert SCHEMA["$defs"]["dose"]["properties"]["portion"]["maxLength"] == limits.MAX_PORTION
    assert Dose._meta.get_field("portion").max_length == limits.MAX_PORTION
    assert SCHEMA["$defs"]["entry"]["properties"]["note"]["maxLength"] == limits.MAX_TEXT
    assert SCHEMA["properties"]["entries"]["maxItems"] == limits.MAX_ENTRIES
    assert SCHEMA["properties"]["program"]["properties"]["challenges"]["maxItems"] == (
        limits.MAX_CHALLENGES
    )
    assert SCHEMA["$defs"]["challenge"]["properties"]["doses"]["maxItems"] == limits.DOSE_DAYS[1]


def test_a_portion_longer_than_the_database_holds_is_a_listed_error():
    doses = [{"date": "2026-01-27", "portion": "x" * (limits.MAX_PORTION + 1)}]
    with pytest.raises(DiaryFormatError) as error:
        parse_document(document(doses=doses), today=TODAY)
    assert error.value.errors == [
        f"program.challenges[0].doses[0].portion: longer than {limits.MAX_PORTION} characters"
    ]


@pytest.mark.parametrize(
    "started_on, message",
    [
        ("1999-12-31", "is before 2000-01-01"),
        ((TODAY + timedelta(days=367)).isoformat(), "more than a year from today"),
        ((TODAY - timedelta(days=3 * 365 + 1)).isoformat(), "more than 3 years ago"),
    ],
)
def test_a_program_outside_the_dates_the_app_serves_is_refused(started_on, message):
    doc = document()
    doc["program"]["started_on"] = started_on
    doc["program"]["challenges"] = []
    with pytest.raises(DiaryFormatError, match=message):
        parse_document(doc, today=TODAY)


def test_entries_beyond_three_years_or_before_the_start_are_refused():
    doc = document()
    late = START + timedelta(days=limits.MAX_PROGRAM_DAYS + 1)
    doc["entries"] = [{"date": "2026-01-04"}, {"date": late.isoformat()}]
    with pytest.raises(DiaryFormatError) as error:
        parse_document(doc, today=START + timedelta(days=limits.MAX_PROGRAM_DAYS))
    assert error.value.errors == [
        "entries[0].date: is before the program started",
        "entries[1].date: is more than 3 years after the program started",
    ]


def test_a_hundred_thousand_entries_are_refused_before_they_are_read():
    doc = document()
    doc["entries"] = [{"date": "2026-01-05"}] * 100_000
    with pytest.raises(DiaryFormatError) as error:
        parse_document(doc, today=TODAY)
    assert error.value.errors == [
        f"entries: at most {limits.MAX_ENTRIES} entries (one a day), got 100000"
    ]


def test_a_file_with_thousands_of_problems_lists_the_first_fifty_and_counts_the_rest():
    doc = document()
    doc["entries"] = [{"date": "2026-13-01"}] * 1000
    with pytest.raises(DiaryFormatError) as error:
        parse_document(doc, today=TODAY)
    assert len(error.value.errors) == 51
    assert error.value.errors[-1] == "(document): and 950 more problems"


@pytest.mark.parametrize(
    "challenge, message",
    [
        ({"status": "planned"}, "a planned challenge has not started"),
        ({"status": "done", "started_on": None}, "required for a challenge that is done"),
        ({"status": "stopped"}, "required for a stopped challenge"),
        ({"started_on": "2026-01-05"}, "starts after the program's first day"),
    ],
)
def test_challenge_states_the_engine_cannot_place_are_refused(challenge, message):
    with pytest.raises(DiaryFormatError, match=message):
        parse_document(document(**challenge), today=TODAY)


def test_two_challenges_on_the_same_dose_days_are_refused():
    doc = document()
    doc["program"]["challenges"].append(
        {"food_group": "eggs", "started_on": "2026-01-29", "dose_days": 3, "washout_days": 4}
    )
    with pytest.raises(DiaryFormatError, match=r"starts during the dose days of challenges\[0\]"):
        parse_document(doc, today=TODAY)
