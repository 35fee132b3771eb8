"""The calendar of a blinded re-challenge (pure: no database), with property tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dietplanner.programs.schedule import ChallengeState, ProgramSettings, compute_plan
from dietplanner.programs.schedule.blinded import (
    PAIRS_RANGE,
    WASHOUT_RANGE,
    blinded_design,
    check_design,
)

pairs_st = st.integers(*PAIRS_RANGE)
washout_st = st.integers(*WASHOUT_RANGE)
seed_st = st.integers(0, 2**32 - 1)


@given(pairs_st, washout_st, seed_st)
def test_both_arms_always_have_as_many_days(pairs, washout, seed):
    design = blinded_design(pairs=pairs, washout_days=washout, seed=seed)
    arms = [d.arm for d in design.days]
    assert arms.count("active") == arms.count("placebo") == pairs
    letters = design.letters
    assert letters.count("A") == letters.count("B") == pairs


@given(pairs_st, washout_st, seed_st)
def test_each_pair_has_one_active_and_one_placebo_portion(pairs, washout, seed):
    design = blinded_design(pairs=pairs, washout_days=washout, seed=seed)
    for pair in range(1, pairs + 1):
        days = [d for d in design.days if d.pair == pair]
        assert sorted(d.arm for d in days) == ["active", "placebo"]
        assert sorted(d.letter for d in days) == ["A", "B"]
        assert {d.letter for d in days if d.arm == "active"} == {design.active_letter}


@given(pairs_st, washout_st, seed_st)
def test_every_test_day_is_followed_by_its_washout_days(pairs, washout, seed):
    design = blinded_design(pairs=pairs, washout_days=washout, seed=seed)
    offsets = design.offsets
    assert offsets[0] == 0
    assert all(b - a == washout + 1 for a, b in zip(offsets, offsets[1:], strict=False))
    assert design.length == offsets[-1] + 1 + washout


@given(pairs_st, washout_st, seed_st)
def test_the_same_seed_gives_the_same_calendar(pairs, washout, seed):
    assert blinded_design(pairs=pairs, washout_days=washout, seed=seed) == blinded_design(
        pairs=pairs, washout_days=washout, seed=seed
    )


def test_orders_and_letters_vary_with_the_seed():
    designs = [blinded_design(pairs=3, washout_days=3, seed=s) for s in range(64)]
    assert len({tuple(d.arm for d in x.days) for x in designs}) == 8  # every order happens
    assert {x.active_letter for x in designs} == {"A", "B"}


@pytest.mark.parametrize(
    ("pairs", "washout", "message"),
    [
        (1, 3, "needs 2 to 3 pairs"),
        (4, 3, "needs 2 to 3 pairs"),
        (3, 1, "must be 2 to 7 days"),
        (3, 8, "must be 2 to 7 days"),
    ],
)
def test_designs_out_of_bounds_are_refused(pairs, washout, message):
    with pytest.raises(ValueError, match=message):
        check_design(pairs=pairs, washout_days=washout)


@given(pairs_st, washout_st, seed_st)
def test_the_plan_places_test_days_with_quiet_days_between(pairs, washout, seed):
    design = blinded_design(pairs=pairs, washout_days=washout, seed=seed)
    start = date(2026, 1, 5)
    first = start + timedelta(days=30)
    state = ChallengeState(
        key="blind",
        food_group="dairy",
        dose_days=2 * pairs,
        washout_days=washout,
        ladder=("a", "b", "c"),
        status="active",
        first_dose_day=first,
        blinded=True,
        dose_offsets=design.offsets,
    )
    settings = ProgramSettings(start=start, baseline_days=21, symptoms=("pain",))
    quiet_day = first + timedelta(days=1)
    plan = compute_plan(settings, [state], {}, quiet_day)
    scheduled = plan.challenge("blind")
    assert [d.day for d in scheduled.dose_days] == [
        first + timedelta(days=o) for o in design.offsets
    ]
    assert scheduled.washout_start == first + timedelta(days=design.offsets[-1] + 1)
    assert plan.today.kind == "washout" and plan.today.next_dose_day == first + timedelta(
        days=washout + 1
    )
    assert "no test portion today" in plan.today.sentence
