"""The dietplanner-diary exchange format: what it accepts, what it refuses, and how it says so."""

import copy
import json
from pathlib import Path

import pytest

from dietplanner.analysis import vocabulary
from dietplanner.analysis.exchange import (
    DiaryFormatError,
    dump_document,
    dump_json,
    parse_document,
    parse_json,
)
from dietplanner.analysis.verdicts import analyze_document

EXAMPLE = {
    "format": "dietplanner-diary",
    "version": 2,
    "exported_at": "2026-11-25T12:00:00Z",
    "patient": {"name": "Pat Doe", "timezone": "Europe/Oslo"},
    "program": {
        "protocol": "anti-inflammatory",
        "started_on": "2026-01-05",
        "baseline_days": 21,
        "symptoms": ["pain", "fatigue", "sleep", "brain_fog", "stiffness"],
        "challenges": [
            {
                "food_group": "dairy",
                "started_on": "2026-01-26",
                "dose_days": 3,
                "washout_days": 4,
                "stopped_early_on": None,
                "blinded": False,
                "doses": [{"date": "2026-01-26", "portion": "1/4 cup milk", "taken": True}],
            },
            {"food_group": "gluten", "started_on": None, "dose_days": 3, "washout_days": 4},
        ],
    },
    "entries": [
        {
            "date": "2026-01-05",
            "scores": {"pain": 6, "fatigue": 5},
            "confounders": ["poor_sleep"],
            "off_plan": ["gluten"],
            "note": "",
        }
    ],
}
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "diary-format.schema.json"


def errors_of(data) -> list[str]:
    with pytest.raises(DiaryFormatError) as caught:
        parse_document(data)
    return caught.value.errors


def broken(**changes):
    """The example with dotted paths set (value None deletes the key)."""
    data = copy.deepcopy(EXAMPLE)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is None and not isinstance(target, list):
            target.pop(last, None)
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return data


def test_the_issue_example_parses():
    doc = parse_document(EXAMPLE)
    assert doc.patient.name == "Pat Doe"
    assert doc.program.challenges[0].doses[0].portion == "1/4 cup milk"
    assert doc.program.challenges[1].started_on is None
    assert doc.entries[0].scores == {"pain": 6, "fatigue": 5}


def test_parse_dump_parse_is_identical():
    doc = parse_document(EXAMPLE)
    again = parse_document(json.loads(json.dumps(dump_document(doc))))
    assert again == doc
    assert dump_document(again) == dump_document(doc)


def test_optional_fields_may_be_left_out_and_unknown_fields_are_ignored():
    data = broken(exported_at=None, patient__name=None, entries__0__note=None)
    del data["program"]["challenges"][0]["blinded"]
    del data["program"]["challenges"][0]["doses"]
    data["colour"] = "blue"
    data["program"]["challenges"][0]["mood_ring"] = True
    doc = parse_document(data)
    assert doc.exported_at is None and doc.patient.name == ""
    assert doc.program.challenges[0].doses == ()


def test_format_and_version_are_required_and_checked():
    assert errors_of(broken(format=None)) == ["format: required"]
    assert errors_of(broken(format="other-diary")) == [
        "format: expected 'dietplanner-diary', got 'other-diary'"
    ]
    assert errors_of(broken(version=3)) == [
        "version: unsupported version 3 (this app reads versions 1 and 2)"
    ]
    assert errors_of(broken(version="1")) == ["version: expected a whole number, got '1'"]


def test_errors_name_the_json_path_and_the_reason():
    data = broken(program__challenges__1__food_group="diary")
    assert errors_of(data) == ["program.challenges[1].food_group: unknown food group 'diary'"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"program__started_on": "2026-1-5"}, "program.started_on: expected a date as YYYY-MM-DD"),
        ({"program__started_on": "2026-02-30"}, "program.started_on: not a real date"),
        ({"program__symptoms": ["pain", "pains"]}, "program.symptoms[1]: unknown symptom 'pains'"),
        ({"program__protocol": "keto"}, "program.protocol: unknown protocol 'keto'"),
        ({"patient__timezone": "Mars/Olympus"}, "patient.timezone: unknown time zone"),
        ({"entries__0__scores": {"pain": 11}}, "entries[0].scores.pain: must be from 0 to 10"),
        ({"entries__0__scores": {"pain": 5.5}}, "entries[0].scores.pain: expected a whole"),
        ({"entries__0__scores": {"headache": 2}}, "entries[0].scores.headache: this symptom is"),
        ({"entries__0__confounders": ["flu"]}, "entries[0].confounders[0]: unknown confounder"),
        ({"entries__0__off_plan": ["pizza"]}, "entries[0].off_plan[0]: unknown food group"),
        ({"exported_at": "2026-11-25T12:00:00"}, "exported_at: needs a time zone"),
        ({"program__baseline_days": 0}, "program.baseline_days: must be between 1 and 365"),
        (
            {"program__challenges__0__probability": 1.5},
            "program.challenges[0].probability: expected a number from 0 to 1, got 1.5",
        ),
        (
            {"program__challenges__0__probability": "high"},
            "program.challenges[0].probability: expected a number from 0 to 1",
        ),
        (
            {"program__challenges__0__verdict": "allergy"},
            "program.challenges[0].verdict: unknown verdict 'allergy'",
        ),
    ],
)
def test_bad_values_are_reported_with_their_path(changes, message):
    assert any(e.startswith(message) for e in errors_of(broken(**changes))), message


def test_every_error_is_reported_at_once():
    data = broken(program__challenges__1__food_group="diary", entries__0__scores={"pain": 12})
    assert len(errors_of(data)) == 2


def test_one_entry_per_date():
    data = broken()
    data["entries"].append(dict(data["entries"][0]))
    assert errors_of(data) == ["entries[1].date: 2026-01-05 already has an entry (entries[0])"]


def test_blinded_doses_need_an_arm_and_open_ones_may_not_have_one():
    data = broken(version=1, program__challenges__0__blinded=True)
    assert errors_of(data) == [
        "program.challenges[0].doses[0].arm: required on a blinded challenge "
        "('active' or 'placebo')"
    ]
    data["program"]["challenges"][0]["doses"][0]["arm"] = "sugar"
    assert errors_of(data)[0].endswith("expected 'active' or 'placebo', got 'sugar'")
    data["program"]["challenges"][0]["doses"][0]["arm"] = "placebo"
    assert parse_document(data).program.challenges[0].doses[0].arm == "placebo"
    open_with_arm = broken(program__challenges__0__doses__0={"date": "2026-01-26", "arm": "active"})
    assert errors_of(open_with_arm) == [
        "program.challenges[0].doses[0].arm: only blinded challenges have arms"
    ]


def test_a_missing_challenge_start_is_an_error_but_null_means_planned():
    assert errors_of(broken(program__challenges__1__started_on=None)) == [
        "program.challenges[1].started_on: required (null while the challenge is planned)"
    ]


def test_a_planned_challenge_cannot_have_doses():
    data = broken()
    data["program"]["challenges"][0]["started_on"] = None
    assert errors_of(data) == [
        "program.challenges[0].started_on: a challenge with doses or a stop date must have started"
    ]


def test_not_an_object_or_not_json():
    assert errors_of([1, 2]) == ["(document): expected a JSON object, got a list"]
    with pytest.raises(DiaryFormatError, match="not valid JSON"):
        parse_json("{nope")


def test_json_text_round_trip_and_analysis():
    doc = parse_json(dump_json(parse_document(EXAMPLE)))
    assert doc == parse_document(EXAMPLE)
    results = analyze_document(doc)
    assert [r.food_group for r in results] == ["dairy"]


def test_the_json_schema_matches_the_vocabulary():
    schema = json.loads(SCHEMA.read_text())
    defs = schema["$defs"]
    assert defs["symptom"]["enum"] == list(vocabulary.SYMPTOMS)
    assert defs["food_group"]["enum"] == list(vocabulary.FOOD_GROUPS)
    assert defs["confounder"]["enum"] == list(vocabulary.CONFOUNDERS)
    assert defs["protocol"]["enum"] == list(vocabulary.PROTOCOLS)
    challenge = defs["challenge"]["properties"]
    assert challenge["verdict"]["enum"] == list(vocabulary.VERDICTS)
    assert (challenge["probability"]["minimum"], challenge["probability"]["maximum"]) == (0, 1)
    assert schema["properties"]["format"]["const"] == "dietplanner-diary"


BLINDED_V2 = {
    "food_group": "dairy",
    "started_on": "2026-01-26",
    "dose_days": 4,
    "washout_days": 3,
    "stopped_early_on": None,
    "blinded": True,
    "pairs": 2,
    "doses": [
        {"date": day, "portion": f"test portion {label}", "arm": arm, "pair": pair, "label": label}
        for day, arm, pair, label in (
            ("2026-01-26", "placebo", 1, "B"),
            ("2026-01-30", "active", 1, "A"),
            ("2026-02-03", "active", 2, "A"),
            ("2026-02-07", "placebo", 2, "B"),
        )
    ],
}


def test_version_2_carries_the_pairs_and_the_quiet_days_of_a_blinded_challenge():
    data = broken()
    data["program"]["challenges"][0] = copy.deepcopy(BLINDED_V2)
    doc = parse_document(data)
    blinded = doc.program.challenges[0]
    assert [(d.pair, d.arm, d.label) for d in blinded.doses] == [
        (1, "placebo", "B"),
        (1, "active", "A"),
        (2, "active", "A"),
        (2, "placebo", "B"),
    ]
    assert blinded.washout_days == 3
    dumped = dump_document(doc)
    assert dumped["version"] == 2
    assert dumped["program"]["challenges"][0]["pairs"] == 2
    assert dumped["program"]["challenges"][0]["doses"][1] == BLINDED_V2["doses"][1] | {
        "taken": True
    }
    assert parse_document(json.loads(json.dumps(dumped))) == doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"doses__1__arm": "placebo"}, "doses: pair 1 needs one active and one placebo dose"),
        ({"doses__3__pair": 3}, "doses: pair 3 is beyond the 2 pairs planned"),
        ({"doses__0__pair": None}, "doses[0].pair: required when the challenge has pairs"),
        ({"doses__0__label": "C"}, "doses[0].label: expected 'A' or 'B', got 'C'"),
        ({"dose_days": 6}, "dose_days: must be twice the pairs (4), got 6"),
    ],
)
def test_version_2_refuses_pairs_that_do_not_hold_one_portion_of_each(change, message):
    challenge = copy.deepcopy(BLINDED_V2)
    for path, value in change.items():
        *parents, last = path.split("__")
        target = challenge
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is None:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    data = broken()
    data["program"]["challenges"][0] = challenge
    assert f"program.challenges[0].{message}" in errors_of(data)


def test_version_1_files_with_back_to_back_blinded_days_are_still_read():
    data = broken(version=1)
    data["program"]["challenges"][0] = {
        "food_group": "dairy",
        "started_on": "2026-01-26",
        "dose_days": 4,
        "washout_days": 4,
        "stopped_early_on": None,
        "blinded": True,
        "doses": [
            {"date": f"2026-01-{26 + k}", "portion": "x", "arm": arm}
            for k, arm in enumerate(("active", "placebo", "placebo", "active"))
        ],
    }
    data["entries"] = [
        {"date": f"2026-01-{5 + k:02d}", "scores": {"pain": 3, "fatigue": 3}} for k in range(27)
    ]
    doc = parse_document(data)
    assert doc.version == 1
    assert all(d.pair is None for d in doc.program.challenges[0].doses)
    result = analyze_document(doc)[0]
    assert result.blinded and result.verdict == "inconclusive"
    assert any("too close together" in r for r in result.reasons)
    assert dump_document(doc)["version"] == 2
    assert "pairs" not in dump_document(doc)["program"]["challenges"][0]


def test_the_long_term_plan_round_trips_and_older_files_without_it_still_read():
    data = json.loads(json.dumps(EXAMPLE))
    assert "long_term_plan" not in data
    assert parse_document(data).long_term_plan == ()
    data["long_term_plan"] = [
        {"food_group": "dairy", "plan": "limit", "portion": "1/2 cup of milk (120 ml)"},
        {"food_group": "gluten", "plan": "avoid", "retest_on": "2026-05-01", "changed_by": "Dana"},
    ]
    doc = parse_document(data)
    assert [(i.food_group, i.plan) for i in doc.long_term_plan] == [
        ("dairy", "limit"),
        ("gluten", "avoid"),
    ]
    assert parse_document(dump_document(doc)) == doc


def test_a_bad_long_term_plan_is_refused_with_every_reason():
    data = json.loads(json.dumps(EXAMPLE))
    data["long_term_plan"] = [
        {"food_group": "diary", "plan": "never"},
        {"food_group": "dairy", "plan": "limit"},
        {"food_group": "gluten", "plan": "avoid", "retest_on": "2026-02-30"},
    ]
    with pytest.raises(DiaryFormatError) as caught:
        parse_document(data)
    errors = caught.value.errors
    assert "long_term_plan[0].food_group: unknown food group 'diary'" in errors
    assert "long_term_plan[0].plan: unknown plan 'never'" in errors
    assert "long_term_plan[1].portion: required when the plan is 'limit'" in errors
    assert "long_term_plan[2].retest_on: not a real date: '2026-02-30'" in errors


def test_the_schema_uses_the_vocabulary_of_long_term_plans():
    schema = json.loads(SCHEMA.read_text())
    assert schema["$defs"]["long_term_plan"]["enum"] == list(vocabulary.LONG_TERM_PLANS)


def test_a_challenge_carries_its_last_verdict_and_probability_and_older_files_still_read():
    data = copy.deepcopy(EXAMPLE)
    data["program"]["challenges"][0].update({"verdict": "trigger", "probability": 0.87})
    doc = parse_document(data)
    assert doc.program.challenges[0].verdict == "trigger"
    assert doc.program.challenges[0].probability == 0.87
    dumped = dump_document(doc)["program"]["challenges"][0]
    assert dumped["verdict"] == "trigger" and dumped["probability"] == 0.87
    older = parse_document(copy.deepcopy(EXAMPLE))  # written before `probability` existed
    assert older.program.challenges[0].probability is None
    assert "probability" not in dump_document(older)["program"]["challenges"][0]
