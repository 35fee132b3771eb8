"""Blinded re-challenges read pair by pair: every order of every design, measured.

The figures are in docs/analysis.md ("Blinded re-challenges"); print them with
`.venv/bin/python -m pytest tests/analysis/test_blinded_pairs.py -q -s -p no:cacheprovider`.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from dietplanner.analysis.diary import ChallengeFacts, Dose
from dietplanner.analysis.verdicts import analyze_program

from .blinded_builders import blinded_diary, orders, portion_days
from .builders import START, SYMPTOMS, diary

SEEDS = range(25)  # noise seeds per order
DESIGNS = (2, 3)  # pairs


def _verdicts(pairs: int, effect: float) -> dict[tuple[str, ...], Counter]:
    out = {}
    for order in orders(pairs):
        counts = Counter()
        for seed in SEEDS:
            program, entries = blinded_diary(order, effect=effect, seed=1000 * pairs + seed)
            counts[analyze_program(program, entries)[0].verdict] += 1
        out[order] = counts
    return out


def _share(by_order, verdicts) -> float:
    total = sum(sum(c.values()) for c in by_order.values())
    return sum(c[v] for c in by_order.values() for v in verdicts) / total


@pytest.mark.slow
@pytest.mark.parametrize("pairs", DESIGNS)
def test_a_clear_reaction_is_read_as_a_trigger_or_possible_in_every_order(pairs):
    by_order = _verdicts(pairs, effect=4.0)
    for order, counts in by_order.items():
        read = counts["trigger"] + counts["possible"]
        assert read >= len(SEEDS) - 1, (order, counts)
    overall = _share(by_order, ("trigger", "possible"))
    print(f"\n{pairs} pairs, +4: trigger or possible in {overall:.1%} of {len(SEEDS)} x orders")
    assert overall >= 0.98
    assert _share(by_order, ("trigger",)) >= 0.85


@pytest.mark.slow
@pytest.mark.parametrize("pairs", DESIGNS)
def test_no_reaction_is_almost_never_called_a_trigger(pairs):
    by_order = _verdicts(pairs, effect=0.0)
    false_triggers = _share(by_order, ("trigger",))
    tolerated = _share(by_order, ("tolerated",))
    print(f"\n{pairs} pairs, none: trigger {false_triggers:.1%}, tolerated {tolerated:.1%}")
    assert false_triggers <= 0.02
    assert tolerated >= 0.75


@pytest.mark.slow
@pytest.mark.parametrize("pairs", DESIGNS)
def test_a_small_reaction_is_mostly_seen(pairs):
    by_order = _verdicts(pairs, effect=2.0)
    seen = _share(by_order, ("trigger", "possible"))
    print(f"\n{pairs} pairs, +2: trigger or possible {seen:.1%}")
    assert seen >= 0.75


def test_missing_pairs_give_inconclusive_never_tolerated():
    order = ("active", "placebo", "placebo", "active", "active", "placebo")
    days = portion_days(order)
    # Pair 1: the active day not logged; pair 2: ill during the placebo period.
    program, entries = blinded_diary(
        order, effect=0.0, seed=3, missing=frozenset({days[0]}), confounders={days[2]: ("illness",)}
    )
    result = analyze_program(program, entries)[0]
    assert result.verdict == "inconclusive"
    assert [p.usable for p in result.pairs] == [False, False, True]
    assert result.pairs_usable == 1
    assert "Only 1 of 3 pairs could be read" in result.reasons[0]
    assert any("Pair 2 was left out (ill)" in r for r in result.reasons)


@pytest.mark.parametrize("effect", [0.0, 4.0])
def test_with_one_usable_pair_every_order_reads_inconclusive(effect):
    for order in orders(3):
        days = portion_days(order)
        for seed in range(5):
            # Pairs 2 and 3 spoiled: a test day not logged, then illness in a period.
            program, entries = blinded_diary(
                order,
                effect=effect,
                seed=seed,
                missing=frozenset({days[2]}),
                confounders={days[5] + 1: ("illness",)},
            )
            result = analyze_program(program, entries)[0]
            assert result.verdict == "inconclusive", (order, seed)
            assert result.pairs_usable == 1


def test_the_result_says_how_many_pairs_favoured_the_food_and_names_the_portion():
    order = ("placebo", "active", "active", "placebo", "placebo", "active")
    program, entries = blinded_diary(order, effect=4.0, seed=5, active_label="B")
    result = analyze_program(program, entries)[0]
    assert result.verdict == "trigger"
    assert result.reasons[0].startswith(
        "In 3 of 3 pairs your pain scores were higher after portion B, which contained dairy"
    )
    assert result.pairs_favouring_active == 3 and result.active_label == "B"
    assert [p.active_first for p in result.pairs] == [False, True, False]
    data = result.to_dict()
    assert data["pairs"][0]["difference"] > 2 and data["pairs_usable"] == 3


def test_a_stop_after_the_active_portion_before_two_pairs_is_possible_not_tolerated():
    order = ("active", "placebo", "placebo", "active", "active", "placebo")
    program, entries = blinded_diary(order, effect=4.0, seed=2)
    challenge = program.challenges[0]
    stop = challenge.doses[3].date  # pair 2's active portion
    doses = tuple(d for d in challenge.doses if d.date <= stop)
    stopped = ChallengeFacts(
        **{**_fields(challenge), "doses": doses, "stopped_early_on": stop, "status": "stopped"}
    )
    program = type(program)(program.started_on, 21, SYMPTOMS, (stopped,), program.protocol)
    result = analyze_program(program, entries)[0]
    assert result.verdict == "possible"
    assert any("stopped on" in r and "after portion B (the food)" in r for r in result.reasons)
    assert any("Portion B contained dairy" in r for r in result.reasons)


def _fields(challenge: ChallengeFacts) -> dict:
    return {name: getattr(challenge, name) for name in challenge.__slots__}


@pytest.mark.parametrize(
    "arms",
    [
        ("active", "placebo", "placebo", "active"),
        ("placebo", "active", "active", "placebo"),
        ("placebo", "active", "placebo", "active"),
    ],
)
def test_four_back_to_back_blinded_days_with_a_clear_rise_are_never_tolerated(arms):
    """Found on the old design: a +4 rise on each active day and the day after, read as
    `tolerated` in these orders because no day was covered by one arm only."""
    first = 30
    doses = tuple(
        Dose(START + timedelta(days=first + i), "x", arm=arm) for i, arm in enumerate(arms)
    )
    rise = {
        first + i + k: {"pain": 4.0}
        for i, arm in enumerate(arms)
        if arm == "active"
        for k in (0, 1)
    }
    challenge = ChallengeFacts("gluten", doses[0].date, dose_days=4, blinded=True, doses=doses)
    program, entries = diary([challenge], rise=rise, seed=4)
    result = analyze_program(program, entries)[0]
    assert result.verdict != "tolerated"


def test_a_rise_after_both_portions_is_not_a_trigger():
    order = ("active", "placebo", "placebo", "active", "active", "placebo")
    program, entries = blinded_diary(order, seed=6)
    days = portion_days(order)
    rise = {d + k for d in days for k in range(3)}
    entries = [
        type(e)(e.date, {**e.scores, "pain": min(10, e.scores["pain"] + 4)})
        if (e.date - START).days in rise
        else e
        for e in entries
    ]
    result = analyze_program(program, entries)[0]
    assert result.verdict == "tolerated"
    assert "no symptom was meaningfully worse with the food" in result.reasons[0]
