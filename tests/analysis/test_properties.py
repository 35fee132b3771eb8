"""Properties that must hold for any diary (hypothesis)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dietplanner.analysis.diary import (
    ChallengeFacts,
    DayEntry,
    DiaryDocument,
    Dose,
    Patient,
    ProgramFacts,
)
from dietplanner.analysis.exchange import dump_document, parse_document
from dietplanner.analysis.verdicts import analyze_program, meaningful_change
from dietplanner.analysis.vocabulary import CONFOUNDERS, FOOD_GROUPS, SYMPTOMS

START = date(2026, 1, 5)
# NUL and lone surrogates are refused by the format (`limits`)
TEXT = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))


@st.composite
def documents(draw):
    symptoms = tuple(draw(st.lists(st.sampled_from(SYMPTOMS), min_size=1, max_size=5, unique=True)))
    baseline = draw(st.integers(7, 30))
    challenges = []
    first = baseline
    for _ in range(draw(st.integers(0, 3))):
        group = draw(st.sampled_from(FOOD_GROUPS))
        blinded = draw(st.booleans())
        doses = tuple(
            Dose(
                START + timedelta(days=first + i),
                draw(st.text(TEXT, max_size=10)),
                draw(st.booleans()),
                draw(st.sampled_from(("active", "placebo"))) if blinded else None,
            )
            for i in range(draw(st.integers(0, 3)))
        )
        challenges.append(
            ChallengeFacts(group, START + timedelta(days=first), blinded=blinded, doses=doses)
        )
        first += draw(st.integers(5, 12))
    entries = []
    for n in range(first + 8):
        if draw(st.integers(0, 9)) == 0:
            continue
        scores = {s: draw(st.integers(0, 10)) for s in symptoms if draw(st.integers(0, 19))}
        conf = tuple(draw(st.lists(st.sampled_from(CONFOUNDERS), max_size=2, unique=True)))
        # Off-plan eating, now and then of a group that is also challenged.
        off = ()
        if draw(st.integers(0, 4)) == 0:
            pool = [c.food_group for c in challenges] or list(FOOD_GROUPS[:3])
            off = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)))
        entries.append(DayEntry(START + timedelta(days=n), scores, conf, off, ""))
    program = ProgramFacts(START, baseline, symptoms, tuple(challenges), "custom")
    return DiaryDocument(
        Patient("Europe/Oslo", draw(st.text(TEXT, max_size=8))), program, tuple(entries)
    )


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(documents())
def test_any_document_survives_dump_and_parse(doc):
    assert parse_document(dump_document(doc)) == doc


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(documents())
def test_analysis_is_deterministic_and_returns_a_known_verdict(doc):
    first = [r.to_dict() for r in analyze_program(doc.program, doc.entries)]
    again = [r.to_dict() for r in analyze_program(doc.program, doc.entries[::-1])]
    assert first == again
    for result in first:
        assert result["verdict"] in ("trigger", "possible", "tolerated", "inconclusive")
        assert 0.0 <= result["probability"] <= 1.0


@settings(max_examples=40, deadline=None)
@given(
    level=st.integers(1, 8),
    bump=st.floats(0.0, 1.0),
    noise=st.lists(st.integers(-1, 1), min_size=60, max_size=60),
)
def test_a_change_below_the_smallest_meaningful_one_is_never_a_trigger(level, bump, noise):
    # Scores wobble by at most one point; the window adds less than min(2, 30% of level).
    rise = min(2.0, 0.3 * level) * bump * 0.99
    program = ProgramFacts(START, 21, ("pain",), (ChallengeFacts("dairy", START + timedelta(30)),))
    entries = [
        DayEntry(
            START + timedelta(days=n),
            {"pain": max(0, min(10, level + noise[n] + (rise if 30 <= n < 37 else 0.0)))},
        )
        for n in range(60)
    ]
    for result in analyze_program(program, entries):
        symptom = result.symptoms[0]
        if result.verdict == "trigger":
            assert symptom.change >= meaningful_change(symptom.reference_level)
    assert meaningful_change(level) >= min(2.0, 0.3 * level)
