"""The default long-term plan of one group, from its verdict, doses and diary (pure)."""

from datetime import date, timedelta

from dietplanner.analysis.verdicts import meaningful_change
from dietplanner.programs import longterm
from dietplanner.programs.longterm import DoseTaken, GroupOutcome, default_advice

D1 = date(2026, 3, 1)


def day(n: int) -> date:
    return D1 + timedelta(days=n - 1)


DOSES = tuple(DoseTaken(day=day(i), step=i) for i in (1, 2, 3))


def outcome(verdict="trigger", rise_on=None, **kw) -> GroupOutcome:
    scores = {day(i): {"pain": 3} for i in range(1, 8)}
    if rise_on:
        scores[rise_on] = {"pain": 6}
    values = dict(
        food_group="dairy",
        verdict=verdict,
        finished=True,
        last_day=day(7),
        doses=DOSES,
        usual={"pain": 3.0},
        scores=scores,
    )
    values.update(kw)
    return GroupOutcome(**values)


def advise(o: GroupOutcome):
    return default_advice(o, meaningful_change)


def test_a_tolerated_group_is_free():
    assert advise(outcome("tolerated")).status == longterm.FREE


def test_a_rise_on_day_three_limits_to_the_first_portion():
    advice = advise(outcome(rise_on=day(3)))
    assert (advice.status, advice.limit_step) == (longterm.LIMIT, 1)


def test_a_rise_after_the_last_dose_limits_to_the_middle_portion():
    advice = advise(outcome(rise_on=day(4)))
    assert (advice.status, advice.limit_step) == (longterm.LIMIT, 2)


def test_a_rise_from_the_second_day_means_avoid_for_now_with_a_retest_in_three_months():
    advice = advise(outcome(rise_on=day(2)))
    assert advice.status == longterm.AVOID and advice.limit_step is None
    assert advice.retest_on == day(7) + timedelta(days=91)


def test_a_trigger_without_a_single_day_over_the_bar_keeps_the_portions_before_the_last():
    advice = advise(outcome(rise_on=None))
    assert (advice.status, advice.limit_step) == (longterm.LIMIT, 2)


def test_a_stop_for_a_reaction_counts_from_the_stop_day():
    doses = DOSES[:2]
    advice = advise(outcome(rise_on=None, stopped_on=day(2), doses=doses))
    assert advice.status == longterm.AVOID


def test_a_skipped_dose_is_not_a_portion_taken_without_a_rise():
    doses = (DoseTaken(day(1), 1, taken=False), DoseTaken(day(2), 2), DoseTaken(day(3), 3))
    assert advise(outcome(rise_on=day(4), doses=doses)).limit_step == 2
    doses = (DoseTaken(day(1), 1, taken=False), DoseTaken(day(2), 2), DoseTaken(day(3), 3))
    assert advise(outcome(rise_on=day(3), doses=doses)).status == longterm.AVOID


def test_a_red_flag_means_avoid_and_never_a_home_retest():
    advice = advise(outcome(rise_on=day(3), red_flag=True, stopped_on=day(1)))
    assert advice.status == longterm.AVOID
    assert advice.no_home_retest and advice.retest_on is None


def test_possible_and_inconclusive_are_tested_again_not_left_out():
    assert advise(outcome("possible")).status == longterm.TEST_AGAIN
    assert advise(outcome("inconclusive")).status == longterm.TEST_AGAIN


def test_a_group_never_tested_before_the_end_is_tested_again():
    assert advise(outcome(None, doses=())).status == longterm.TEST_AGAIN


def test_a_running_challenge_has_no_plan_yet():
    assert advise(outcome("tolerated", finished=False)) is None


def test_a_blinded_trigger_gives_no_portion_since_the_patient_never_knew_it():
    assert advise(outcome(rise_on=day(3), blinded=True)).status == longterm.AVOID
