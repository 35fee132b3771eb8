"""Results built by plain stores (`results.draft_class`) are the frozen dataclasses their own
`__init__` builds: the same fields, repr, equality, hash and pickling, and never changed."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from dietplanner.analysis.results import SymptomEvidence, symptom_evidence

FIELDS = ("pain", "rise", 3.25, 1.5, 5.75, 2.5, 2.1, 7, None)


def test_symptom_evidence_is_the_dataclass_its_init_builds():
    built, made = symptom_evidence(*FIELDS), SymptomEvidence(*FIELDS)
    assert type(built) is SymptomEvidence
    assert dataclasses.astuple(built) == FIELDS
    assert repr(built) == repr(made)
    assert built == made and hash(built) == hash(made)
    assert pickle.loads(pickle.dumps(built))  # noqa: S301 (our own bytes) == made
    assert built.to_dict() == made.to_dict()


def test_symptom_evidence_defaults_match_the_dataclass():
    assert repr(symptom_evidence("pain", "no_data", 2.0)) == repr(
        SymptomEvidence("pain", "no_data", 2.0)
    )


def test_built_symptom_evidence_refuses_changes():
    built = symptom_evidence(*FIELDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.change = 0.0
    assert dataclasses.replace(built, change=0.0).change == 0.0
    assert built.change == 2.5


def test_challenge_result_is_the_dataclass_its_init_builds():
    from datetime import date

    from dietplanner.analysis.results import ChallengeResult, ExcludedDay, challenge_result
    from dietplanner.analysis.vocabulary import Verdict

    fields = dict(
        food_group="gluten",
        started_on=date(2026, 3, 2),
        verdict=Verdict.TRIGGER,
        symptoms=(SymptomEvidence(*FIELDS),),
        excluded_days=(ExcludedDay(date(2026, 3, 3), ("illness",)),),
        reasons=("A reason.",),
        complete=False,
        window_start=date(2026, 3, 2),
        window_end=date(2026, 3, 9),
        reference_days=12,
        stop_reason="other",
        challenge_index=3,
        too_early=True,
        log_lr=1.25,
        prior=0.3,
    )
    built, made = challenge_result(**fields), ChallengeResult(**fields)
    assert type(built) is ChallengeResult and type(built.verdict) is str
    assert repr(built) == repr(made) and built == made and hash(built) == hash(made)
    assert pickle.loads(pickle.dumps(built))  # noqa: S301 (our own bytes) == made
    assert built.to_dict() == made.to_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.verdict = "tolerated"
    minimal = {k: fields[k] for k in list(fields)[:9]}
    assert repr(challenge_result(**minimal)) == repr(ChallengeResult(**minimal))


def test_reading_is_built_whole_and_refuses_changes():
    from dietplanner.analysis.reading import Reading

    cw = object()
    built = Reading(cw=cw, verdict="trigger", window_days=5, log_lr=1.5, pair=("a", "b"))
    assert type(built) is Reading
    values = {f.name: getattr(built, f.name) for f in dataclasses.fields(Reading)}
    assert values["cw"] is cw and values["window_days"] == 5 and values["pair"] == ("a", "b")
    assert values["complete"] is True and values["reads"] == () and values["paired"] is None
    assert values["verdict"] == "trigger" and values["log_lr"] == 1.5
    given = {"cw", "verdict", "window_days", "log_lr", "pair"}
    for f in dataclasses.fields(Reading):
        if f.name not in given:
            assert values[f.name] == f.default, f.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.verdict = "tolerated"
    copy = dataclasses.replace(built, verdict="tolerated")
    assert type(copy) is Reading and copy.verdict == "tolerated" and built.verdict == "trigger"
    assert copy == dataclasses.replace(built, verdict="tolerated") != built
    assert {f.name: getattr(copy, f.name) for f in dataclasses.fields(Reading)} == values | {
        "verdict": "tolerated"
    }
    with pytest.raises(TypeError):
        Reading("positional")


def test_reading_copies_and_pickles_whole():
    import copy

    from dietplanner.analysis.reading import Reading

    built = Reading(cw=("window", 3), verdict="trigger", clean_days=4, pair=("a", "b"))
    for again in (
        copy.copy(built),
        copy.deepcopy(built),
        pickle.loads(pickle.dumps(built)),  # noqa: S301 (our own bytes)
    ):
        assert type(again) is Reading and again == built and repr(again) == repr(built)
