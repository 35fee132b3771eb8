"""The health answers in a dietplanner-diary document: written, read back, checked like the
app checks them, and described by the schema with the same questions and choices."""

import copy
import json
from datetime import UTC, datetime

from dietplanner.analysis import screening
from dietplanner.analysis.exchange import dump_document, parse_document, parse_json

from .test_exchange import EXAMPLE, SCHEMA, errors_of

ANSWERS = {q.slug: "yes" if q.gluten_only else "no" for q in screening.QUESTIONS}


def with_screening(**section):
    data = copy.deepcopy(EXAMPLE)
    data["screening"] = {"answers": dict(ANSWERS), **section}
    return data


def test_the_answers_and_their_clearance_read_and_write_back_unchanged():
    data = with_screening(
        answered_at="2026-01-02T09:30:00Z",
        cleared_by="Dana Dietitian",
        cleared_at="2026-01-03T10:00:00+01:00",
        clearance_note="Seen in clinic",
    )
    data["screening"]["answers"]["pregnant_or_breastfeeding"] = "yes"

    doc = parse_document(data)

    assert doc.screening.answers["pregnant_or_breastfeeding"] == "yes"
    assert doc.screening.answered_at == datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
    assert doc.screening.cleared_by == "Dana Dietitian"
    assert doc.screening.cleared_at == datetime(2026, 1, 3, 9, 0, tzinfo=UTC)
    dumped = dump_document(doc)["screening"]
    assert dumped["cleared_at"] == "2026-01-03T09:00:00Z"
    assert parse_json(json.dumps(dump_document(doc))) == doc


def test_older_files_without_answers_still_read():
    assert parse_document(copy.deepcopy(EXAMPLE)).screening is None
    assert "screening" not in dump_document(parse_document(copy.deepcopy(EXAMPLE)))


def test_incomplete_or_unknown_answers_are_refused_with_every_reason():
    data = with_screening(answered_at="yesterday")
    answers = data["screening"]["answers"]
    del answers["under_18"]
    answers["coeliac_tested"] = "maybe"
    answers["low_weight"] = ["no"]
    answers["favourite_food"] = "cake"

    errors = errors_of(data)

    assert "screening.answers.under_18: required" in errors
    assert "screening.answers.coeliac_tested: unknown answer 'maybe'" in errors
    assert "screening.answers.low_weight: expected text, got a list" in errors
    assert "screening.answers.favourite_food: unknown question" in errors
    assert "screening.answered_at: expected an ISO date and time, got 'yesterday'" in errors


def test_the_schema_asks_the_apps_questions_with_the_apps_choices():
    schema = json.loads(SCHEMA.read_text())
    answers = schema["$defs"]["screening"]["properties"]["answers"]

    assert answers["required"] == [q.slug for q in screening.QUESTIONS]
    assert answers["additionalProperties"] is False
    for q in screening.QUESTIONS:
        assert answers["properties"][q.slug]["enum"] == [slug for slug, _ in q.choices]
    assert schema["properties"]["screening"]["$ref"] == "#/$defs/screening"


# --- the endoscopy outcome of a challenge (six-food) -------------------------------------------


def with_endoscopy(**endoscopy):
    data = copy.deepcopy(EXAMPLE)
    data["program"]["challenges"][0]["endoscopy"] = endoscopy
    return data


def test_an_endoscopy_outcome_reads_and_writes_back_unchanged():
    data = with_endoscopy(
        outcome="reaction_found",
        on="2026-03-01",
        note="18 eos/hpf",
        recorded_by="Dana Dietitian",
        recorded_at="2026-03-02T08:00:00Z",
    )

    doc = parse_document(data)

    endoscopy = doc.program.challenges[0].endoscopy
    assert endoscopy.outcome == "reaction_found" and endoscopy.note == "18 eos/hpf"
    assert (
        dump_document(doc)["program"]["challenges"][0]["endoscopy"]
        == data["program"]["challenges"][0]["endoscopy"]
    )
    assert parse_json(json.dumps(dump_document(doc))) == doc


def test_an_endoscopy_outcome_that_cannot_be_right_is_refused():
    assert "program.challenges[0].endoscopy.outcome: unknown outcome 'fine'" in errors_of(
        with_endoscopy(outcome="fine", on="2026-03-01")
    )
    assert (
        "program.challenges[0].endoscopy.on: required when the outcome is 'reaction_found'"
        in errors_of(with_endoscopy(outcome="reaction_found"))
    )
    assert "program.challenges[0].endoscopy.on: is before the challenge started" in errors_of(
        with_endoscopy(outcome="remission_kept", on="2026-01-01")
    )
    data = with_endoscopy(outcome="not_assessed")
    data["program"]["challenges"][1]["endoscopy"] = {"outcome": "not_assessed"}
    assert (
        "program.challenges[1].endoscopy: only a challenge that started can have an endoscopy "
        "outcome" in errors_of(data)
    )


def test_the_schema_and_the_app_share_the_endoscopy_outcomes():
    from dietplanner.analysis.vocabulary import ENDOSCOPY_OUTCOMES
    from dietplanner.programs.models import EndoscopyOutcome

    schema = json.loads(SCHEMA.read_text())
    assert schema["$defs"]["endoscopy_outcome"]["enum"] == list(ENDOSCOPY_OUTCOMES)
    assert list(EndoscopyOutcome.Outcome.values) == list(ENDOSCOPY_OUTCOMES)
