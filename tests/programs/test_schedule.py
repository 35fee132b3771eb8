"""The schedule engine on ordinary cases: baseline, dose days, washouts, stops, projections.

The program starts on 1 March 2025, so program day n is March n up to day 31: `day(22)` is the
first day after a 21-day baseline. Calm days score pain 3 and fatigue 3 (the usual level is then
3 and a day is back near it up to 4: 1.5 points is the smallest meaningful rise); "high" days
score pain 6.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from dietplanner.programs.schedule import (
    DOSE_STEPS,
    ChallengeState,
    DayLog,
    ProgramSettings,
    compute_plan,
)

START = date(2025, 3, 1)
MILK = ("1/4 cup of milk", "1/2 cup of milk", "1 cup of milk")
EGG = ("1/4 egg", "1/2 egg", "1 egg")


def washout_length(challenge) -> int:
    """Days from the washout's first to its last, both counted."""
    return (challenge.washout_end - challenge.washout_start).days + 1


def day(n: int) -> date:
    return START + timedelta(days=n - 1)


def program(**changes) -> ProgramSettings:
    return replace(
        ProgramSettings(start=START, baseline_days=21, symptoms=("pain", "fatigue")), **changes
    )


def dairy(**changes) -> ChallengeState:
    base = ChallengeState(
        key="c-dairy", food_group="dairy", dose_days=3, washout_days=4, ladder=MILK
    )
    return replace(base, **changes)


def eggs(**changes) -> ChallengeState:
    base = ChallengeState(key="c-eggs", food_group="eggs", dose_days=3, washout_days=4, ladder=EGG)
    return replace(base, **changes)


def logs(days, confounders=(), **scores) -> dict[date, DayLog]:
    merged = {"pain": 3, "fatigue": 3, **scores}
    return {
        day(n): DayLog(day=day(n), scores=merged, confounders=frozenset(confounders)) for n in days
    }


def plan_on(n: int, challenges=(), diary=None, settings=None, **kwargs):
    return compute_plan(settings or program(), list(challenges), diary or {}, day(n), **kwargs)


# --- baseline ---------------------------------------------------------------------------------


def test_before_the_start_the_patient_is_told_when_baseline_starts():
    plan = plan_on(-1, [dairy()])

    assert plan.today.kind == "not_started"
    assert plan.today.sentence == "Your baseline starts on 1 Mar."
    assert plan.baseline.status == "not_started"
    assert plan.challenges[0].first_dose_day == day(22)


def test_baseline_day_9_of_21_keeps_the_patient_on_the_diet():
    plan = plan_on(9, [dairy()], logs(range(1, 9)))

    assert plan.today.kind == "baseline"
    assert (plan.today.day_number, plan.today.day_count) == (9, 21)
    assert plan.today.sentence == (
        "Baseline day 9 of 21: keep to the elimination diet and log your symptoms."
    )
    assert plan.baseline.status == "running"
    assert not plan.baseline.ready
    assert "the planned 21 days end on 21 Mar" in plan.baseline.reasons


def test_on_its_last_planned_day_the_baseline_is_still_running():
    plan = plan_on(21, [dairy()], logs(range(1, 22)))

    assert plan.today.kind == "baseline"
    assert plan.baseline.ready_on == day(22)
    assert plan.baseline.end == day(21)
    assert plan.baseline.propose_extension_days is None
    assert plan.challenges[0].first_dose_day == day(22)


def test_baseline_is_ready_when_planned_days_are_done_without_a_flare():
    plan = plan_on(22, [dairy(), eggs()], logs(range(1, 22)))

    assert plan.baseline.status == "ready"
    assert plan.baseline.ready
    assert plan.baseline.reasons == ()
    assert plan.baseline.ready_on == day(22)
    assert plan.today.kind == "ready_for_next"
    assert plan.today.challenge_key == "c-dairy"
    assert plan.today.sentence == "Ready for the next food group: dairy - start today?"
    assert plan.next_challenge.key == "c-dairy"


def test_a_flare_in_the_last_5_logged_days_delays_readiness_and_proposes_an_extension():
    diary = {**logs(range(1, 22)), **logs([20], pain=7)}

    plan = plan_on(22, [dairy()], diary)

    assert plan.baseline.status == "extend"
    assert not plan.baseline.ready
    assert plan.baseline.reasons == (
        "flare on 20 Mar: pain 7, median of the previous 7 days 3",
        "1 logged day without a flare, 5 needed",
    )
    # Day 21 is clean; days 22-25 still have to be: the first dose can come on day 26.
    assert plan.baseline.ready_on == day(26)
    assert plan.baseline.propose_extension_days == 4
    assert plan.challenges[0].first_dose_day == day(26)
    assert plan.today.kind == "baseline_extend"
    assert plan.today.sentence == (
        "Baseline day 22 (21 planned): your symptoms have not settled yet, so keep to the "
        "elimination diet; we suggest 4 more days."
    )
    assert not plan.today.talk_to_dietitian


def test_an_accepted_extension_makes_the_baseline_ready_once_5_clean_days_are_logged():
    diary = {**logs(range(1, 26)), **logs([20], pain=7)}
    settings = program(baseline_days=25, original_baseline_days=21)

    plan = plan_on(26, [dairy()], diary, settings)

    assert plan.baseline.ready
    assert plan.today.kind == "ready_for_next"


def test_a_rise_of_exactly_3_points_is_a_flare():
    plan = plan_on(22, [dairy()], {**logs(range(1, 22)), **logs([21], fatigue=6)})

    assert not plan.baseline.ready
    assert plan.baseline.reasons[0] == "flare on 21 Mar: fatigue 6, median of the previous 7 days 3"


def test_a_rise_of_2_points_is_not_a_flare():
    plan = plan_on(22, [dairy()], {**logs(range(1, 22)), **logs([21], pain=5)})

    assert plan.baseline.ready


def test_a_flare_is_judged_against_the_median_of_the_previous_7_days():
    # Pain has been 6 for a week: 8 is a 2-point rise, not a flare.
    plan = plan_on(22, [dairy()], {**logs(range(1, 22), pain=6), **logs([21], pain=8)})

    assert plan.baseline.ready


def test_unlogged_days_are_skipped_when_counting_the_last_5_logged_days():
    diary = {**logs(range(1, 12)), **logs([13, 15, 17, 19, 21])}

    assert plan_on(22, [dairy()], diary).baseline.ready


def test_fewer_than_5_logged_days_is_not_ready():
    plan = plan_on(22, [dairy()], logs([18, 20, 21]))

    assert not plan.baseline.ready
    assert plan.baseline.reasons == ("3 logged days without a flare, 5 needed",)
    assert plan.baseline.ready_on == day(24)


def test_a_day_with_only_confounders_is_not_a_logged_day():
    diary = logs(range(1, 22))
    diary[day(21)] = DayLog(day=day(21), scores={}, confounders=frozenset({"poor_sleep"}))
    diary[day(19)] = DayLog(day=day(19), scores={"pain": 9})

    # Day 19 is the flare; day 21 counts for nothing, leaving day 20 alone since.
    plan = plan_on(22, [dairy()], diary)

    assert plan.baseline.reasons[-1] == "1 logged day without a flare, 5 needed"


def test_untracked_symptoms_are_ignored():
    plan = plan_on(22, [dairy()], {**logs(range(1, 22)), **logs([21], headache=10)})

    assert plan.baseline.ready


def test_scores_before_the_start_and_after_today_are_ignored():
    early = {
        START - timedelta(days=k): DayLog(day=START - timedelta(days=k), scores={"pain": 0})
        for k in range(1, 8)
    }
    diary = {**early, **logs(range(1, 22), pain=4), **logs([22, 23], pain=10)}

    plan = plan_on(22, [dairy()], diary)

    assert plan.baseline.ready
    assert plan.baseline.reference == {"pain": 4.0, "fatigue": 3.0}


def _flaring_diary(last: int) -> dict[date, DayLog]:
    # A flare every 4th day: the last 5 logged days always hold one.
    return {**logs(range(1, last + 1), pain=2), **logs(range(4, last + 1, 4), pain=8)}


def test_talk_to_the_dietitian_once_the_baseline_passes_its_planned_length_by_half():
    diary = _flaring_diary(40)

    day_31 = plan_on(31, [dairy()], diary)
    day_32 = plan_on(32, [dairy()], diary)

    assert not day_31.baseline.talk_to_dietitian
    assert day_32.baseline.talk_to_dietitian
    assert day_32.today.kind == "baseline_extend"
    assert day_32.today.talk_to_dietitian
    assert day_32.today.sentence.endswith("please talk to your dietitian.")


def test_the_talk_threshold_counts_from_the_length_before_extensions():
    diary = _flaring_diary(40)
    extended = program(baseline_days=28)

    assert not plan_on(32, [dairy()], diary, extended).baseline.talk_to_dietitian
    with_original = replace(extended, original_baseline_days=21)
    assert plan_on(32, [dairy()], diary, with_original).baseline.talk_to_dietitian


def test_the_usual_level_is_the_mean_of_the_clean_baseline_days_after_the_settling_days():
    diary = {
        **logs(range(1, 11), pain=9),  # the first 10 days settle: never the usual level
        **logs(range(11, 15), pain=6),
        **logs(range(15, 22), pain=2),
        **logs([19], ["illness"], pain=8),  # a day with a confounder is not a usual day
    }

    plan = plan_on(23, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.baseline.status == "done"
    assert plan.baseline.end == day(21)
    assert plan.baseline.reference == {"pain": (4 * 6 + 6 * 2) / 10, "fatigue": 3.0}


def test_off_plan_eating_keeps_a_day_out_of_the_usual_level():
    diary = logs(range(1, 22), pain=2)
    diary[day(15)] = DayLog(day=day(15), scores={"pain": 9}, off_plan=frozenset({"dairy"}))

    plan = plan_on(23, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.baseline.reference["pain"] < 3


def test_scores_at_the_usual_level_close_the_washout_even_when_they_wobble_by_a_point():
    # The demo patient's brain fog: a usual level near 2.6, scored 1 to 4 from day to day. The
    # median of its last 7 scores (2) was once the reference, and a 4 counted as not settled.
    wobble = [4, 3, 4, 3, 2, 3, 2, 1, 2, 3, 2]
    diary = {**logs(range(1, 11), pain=6), **logs(range(25, 40), pain=4)}
    for n, score in zip(range(11, 22), wobble, strict=True):
        diary[day(n)] = DayLog(day=day(n), scores={"pain": score, "fatigue": 3})
    for n in range(22, 25):
        diary[day(n)] = DayLog(day=day(n), scores={"pain": 3, "fatigue": 3})
    for n in range(25, 40, 2):
        diary[day(n)] = DayLog(day=day(n), scores={"pain": 3, "fatigue": 3})

    plan = plan_on(40, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.challenges[0].washout_settled
    assert plan.challenges[0].washout_end == day(28)


# --- dose days --------------------------------------------------------------------------------


def test_a_dose_day_says_which_portion_to_have():
    plan = plan_on(23, [dairy(status="active", first_dose_day=day(22)), eggs()], logs(range(1, 23)))

    assert plan.today.kind == "dose"
    assert plan.today.sentence == "Dairy challenge, day 2 of 3: have 1/2 cup of milk today."
    assert (plan.today.day_number, plan.today.day_count, plan.today.step) == (2, 3, 2)
    assert plan.today.portion == "1/2 cup of milk"
    challenge = plan.challenges[0]
    assert [(d.day, d.step, d.portion) for d in challenge.dose_days] == [
        (day(22), 1, "1/4 cup of milk"),
        (day(23), 2, "1/2 cup of milk"),
        (day(24), 3, "1 cup of milk"),
    ]
    assert challenge.phase == "dose"
    assert challenge.washout_start == day(25)
    assert challenge.washout_min_end == day(28)


@pytest.mark.parametrize(
    ("dose_days", "steps"),
    [
        (1, (3,)),
        (2, (1, 3)),
        (3, (1, 2, 3)),
        (4, (1, 2, 3, 3)),
        (5, (1, 2, 3, 3, 3)),
        (7, (1, 2, 3, 3, 3, 3, 3)),
    ],
)
def test_dose_steps_start_small_and_end_on_the_full_portion(dose_days, steps):
    assert DOSE_STEPS[dose_days] == steps
    plan = plan_on(22, [dairy(dose_days=dose_days)], logs(range(1, 22)))
    assert tuple(d.step for d in plan.challenges[0].dose_days) == steps
    assert plan.challenges[0].washout_start == day(22 + dose_days)


def test_a_blinded_challenge_does_not_name_the_portion():
    blinded = dairy(status="active", first_dose_day=day(22), blinded=True)

    plan = plan_on(22, [blinded], logs(range(1, 22)), group_names={"dairy": "dairy (milk)"})

    assert plan.today.sentence == (
        "Dairy (milk) challenge (blinded), test day 1 of 3: have today's test portion, as "
        "your dietitian prepared it."
    )
    assert plan.today.portion is None
    assert plan.today.blinded


def test_group_names_default_to_the_slug_in_words():
    plan = plan_on(22, [dairy(food_group="fructans_wheat")], logs(range(1, 22)))

    assert plan.today.sentence == "Ready for the next food group: fructans wheat - start today?"


# --- washout ----------------------------------------------------------------------------------


def test_washout_day_within_the_minimum():
    plan = plan_on(26, [dairy(status="active", first_dose_day=day(22))], logs(range(1, 26)))

    assert plan.today.kind == "washout"
    assert plan.today.sentence == (
        "Washout after the dairy challenge, day 2 of at least 4: back to the baseline diet."
    )
    assert plan.today.washout_why == (
        "Your symptoms were back near your usual level on 25 Mar; the washout lasts at least "
        "until 28 Mar."
    )
    assert (plan.today.day_number, plan.today.day_count) == (2, 4)


def test_washout_ends_after_its_days_when_symptoms_are_back_in_range():
    challenges = [dairy(status="active", first_dose_day=day(22)), eggs()]

    plan = plan_on(29, challenges, logs(range(1, 29)))

    dairy_plan, eggs_plan = plan.challenges
    assert dairy_plan.washout_end == day(28)
    assert dairy_plan.washout_settled
    assert not dairy_plan.projected
    assert dairy_plan.phase == "finished"
    assert eggs_plan.first_dose_day == day(29)
    assert plan.today.kind == "ready_for_next"
    assert plan.today.sentence == "Ready for the next food group: eggs - start today?"


def test_washout_lasts_until_two_consecutive_days_are_back_in_range():
    diary = {
        **logs(range(1, 34)),
        **logs([25, 26, 27, 28, 29, 31], pain=6),
    }

    plan = plan_on(34, [dairy(status="active", first_dose_day=day(22))], diary)

    # Day 30 is in range alone; days 32 and 33 are the first pair.
    assert plan.challenges[0].washout_end == day(33)
    assert plan.challenges[0].washout_settled
    assert not plan.challenges[0].long_washout_flag


@pytest.mark.parametrize(("usual", "pain", "end"), [(3, 4, 28), (3, 5, 31), (7, 8, 28), (7, 9, 31)])
def test_back_near_usual_means_less_than_the_smallest_meaningful_rise_above_it(usual, pain, end):
    # 1.5 points at a usual level of 3, 2 points (30%, at most 2) at a usual level of 7.
    diary = {**logs(range(1, 32), pain=usual), **logs([27, 28, 29], pain=pain)}

    plan = plan_on(32, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.challenges[0].washout_end == day(end)


def test_a_missed_day_is_skipped_rather_than_starting_the_count_again():
    diary = {**logs([*range(1, 28), 29, 30]), **logs([25, 26], pain=6)}

    plan = plan_on(31, [dairy(status="active", first_dose_day=day(22))], diary)

    # Days 27 and 29 are the two check-ins in a row at the usual level; day 28 was missed.
    assert plan.challenges[0].washout_end == day(29)
    assert plan.challenges[0].washout_settled


def test_a_recorded_washout_end_after_a_missed_day_counts_as_settled():
    diary = {**logs([*range(1, 28), 29]), **logs([25, 26], pain=6)}
    done = dairy(status="done", first_dose_day=day(22), washout_end=day(29))

    plan = plan_on(31, [done], diary)

    assert plan.challenges[0].washout_settled


def test_an_unsettled_washout_is_projected_and_pushes_the_next_challenge():
    diary = {**logs(range(1, 29)), **logs([25, 26, 27, 28], pain=6)}

    plan = plan_on(29, [dairy(status="active", first_dose_day=day(22)), eggs()], diary)

    dairy_plan, eggs_plan = plan.challenges
    assert not dairy_plan.washout_settled
    assert dairy_plan.projected
    assert dairy_plan.washout_end == day(30)  # if days 29 and 30 come back in range
    assert eggs_plan.first_dose_day == day(31)
    assert eggs_plan.earliest_start == day(31)
    assert plan.today.kind == "washout"
    assert plan.today.sentence == (
        "Washout after the dairy challenge, day 5: back to the baseline diet until your "
        "symptoms settle."
    )
    assert plan.today.washout_why == (
        "On 28 Mar pain was still 3 points above your usual 3. The washout ends after two "
        "check-ins in a row back near your usual level."
    )
    assert [(a.symptom, a.score, a.usual) for a in dairy_plan.washout_above] == [("pain", 6, 3)]


def test_an_open_washout_says_which_symptom_holds_it_and_by_how_much_today():
    diary = {**logs(range(1, 29)), **logs([25, 26, 27, 28], pain=5, fatigue=6)}

    plan = plan_on(28, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.today.washout_why == (
        "Pain is still 2 points above your usual 3, and fatigue 3 points above your usual 3. "
        "The washout ends after two check-ins in a row back near your usual level."
    )


def test_a_washout_one_calm_check_in_from_closing_says_so():
    diary = {**logs(range(1, 30)), **logs([25, 26, 27, 28], pain=6)}

    plan = plan_on(29, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.today.washout_why == (
        "Your symptoms were back near your usual level today: one more check-in like that ends "
        "the washout."
    )


def test_a_washout_with_no_check_in_yet_asks_for_one():
    plan = plan_on(26, [dairy(status="active", first_dose_day=day(22))], logs(range(1, 25)))

    assert plan.today.washout_why.startswith("No check-in since the washout began")


def test_an_in_range_day_today_brings_the_projected_end_to_tomorrow():
    diary = {**logs(range(1, 30)), **logs([25, 26, 27, 28], pain=6)}

    plan = plan_on(29, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.challenges[0].washout_end == day(30)
    assert plan.challenges[0].projected


@pytest.mark.parametrize(("high_until", "length", "flagged"), [(32, 10, False), (33, 11, True)])
def test_a_washout_longer_than_10_days_is_flagged(high_until, length, flagged):
    diary = {**logs(range(1, 40)), **logs(range(25, high_until + 1), pain=6)}

    plan = plan_on(40, [dairy(status="active", first_dose_day=day(22))], diary)

    assert washout_length(plan.challenges[0]) == length
    assert plan.challenges[0].long_washout_flag is flagged


def test_a_running_washout_past_10_days_says_to_talk_to_the_dietitian():
    diary = {**logs(range(1, 36)), **logs(range(25, 36), pain=6)}

    plan = plan_on(36, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.today.kind == "washout"
    assert plan.today.long_washout_flag
    assert plan.today.washout_long_cause == "because pain is still above your usual level"


def test_a_long_washout_without_check_ins_names_that_as_the_cause():
    diary = {**logs(range(1, 30)), **logs(range(25, 30), pain=6)}

    plan = plan_on(36, [dairy(status="active", first_dose_day=day(22))], diary)

    assert plan.today.long_washout_flag
    assert plan.today.washout_long_cause == (
        "with no check-in since 29 Mar, when pain was still above usual"
    )


def test_a_closed_washout_carries_no_warning_and_no_explanation():
    diary = {**logs(range(1, 40)), **logs(range(25, 36), pain=6)}

    plan = plan_on(39, [dairy(status="active", first_dose_day=day(22)), eggs()], diary)

    closed = plan.challenges[0]
    assert closed.long_washout_flag  # it did last long: the report may say so
    assert not closed.washout_open
    assert (closed.washout_why, closed.washout_long_cause, closed.washout_above) == (None, None, ())
    assert plan.today.kind == "ready_for_next"
    assert not plan.today.long_washout_flag


def test_a_washout_set_longer_than_10_days_is_flagged_from_the_start():
    plan = plan_on(22, [dairy(washout_days=12)], logs(range(1, 22)))

    assert plan.challenges[0].long_washout_flag


# --- stopping, postponing, skipping -----------------------------------------------------------


def test_stopping_cancels_the_remaining_doses_and_starts_the_washout():
    stopped = dairy(status="stopped", first_dose_day=day(22), stop_day=day(23))

    plan = plan_on(23, [stopped, eggs()], logs(range(1, 24)))

    challenge = plan.challenges[0]
    assert [(d.day, d.cancelled) for d in challenge.dose_days] == [
        (day(22), False),
        (day(23), False),
        (day(24), True),
    ]
    assert challenge.washout_start == day(24)
    assert challenge.washout_min_end == day(27)
    assert challenge.phase == "stopped"
    assert plan.today.kind == "washout"
    assert (
        plan.today.sentence == "Dairy challenge stopped: no more doses. Back to the baseline diet."
    )
    assert plan.challenges[1].first_dose_day == day(28)


def test_the_day_after_a_stop_is_washout_day_1():
    stopped = dairy(status="stopped", first_dose_day=day(22), stop_day=day(22))

    plan = plan_on(23, [stopped], logs(range(1, 24)))

    assert [d.cancelled for d in plan.challenges[0].dose_days] == [False, True, True]
    assert plan.today.sentence.startswith("Washout after the dairy challenge, day 1 of at least 4")


def test_illness_on_the_start_day_proposes_to_postpone_by_a_day():
    diary = {**logs(range(1, 22)), **logs([22], confounders=["illness"])}

    plan = plan_on(22, [dairy()], diary)

    assert plan.today.kind == "ready_for_next"
    assert plan.today.postpone_proposed
    assert plan.today.postpone_reason == "illness logged on 22 Mar"
    assert plan.today.sentence == (
        "Ready for the next food group: dairy - start today? You logged illness today: "
        "you may prefer to wait a day."
    )
    # The patient may go ahead: the projection keeps today.
    assert plan.challenges[0].first_dose_day == day(22)


def test_poor_sleep_is_no_reason_to_postpone():
    diary = {**logs(range(1, 22)), **logs([22], confounders=["poor_sleep"])}

    assert not plan_on(22, [dairy()], diary).today.postpone_proposed


def test_travel_logged_ahead_flags_a_projected_start():
    diary = {
        **logs(range(1, 22)),
        day(29): DayLog(day=day(29), scores={}, confounders=frozenset({"travel"})),
    }

    plan = plan_on(22, [dairy(), eggs()], diary)

    assert not plan.challenges[0].postpone_proposed
    assert plan.challenges[1].first_dose_day == day(29)
    assert plan.challenges[1].postpone_proposed
    assert plan.challenges[1].postpone_confounders == ("travel",)


def test_skipped_challenges_take_no_days():
    skipped_soy = ChallengeState(
        key="c-soy", food_group="soy", dose_days=3, washout_days=4, ladder=EGG, status="skipped"
    )

    plan = plan_on(22, [dairy(), skipped_soy, eggs()], logs(range(1, 22)))

    assert [c.key for c in plan.challenges] == ["c-dairy", "c-eggs"]
    assert [c.number for c in plan.challenges] == [1, 2]
    assert plan.skipped_keys == ("c-soy",)
    assert plan.challenges[1].first_dose_day == plan.challenges[0].washout_end + timedelta(days=1)


def test_a_challenge_the_patient_has_not_started_is_projected_from_today():
    challenges = [dairy(status="done", first_dose_day=day(22)), eggs()]

    waited = plan_on(33, challenges, logs(range(1, 33)))
    baseline_waited = plan_on(25, [eggs()], logs(range(1, 25)))

    assert waited.challenges[0].washout_end == day(28)
    assert waited.challenges[1].earliest_start == day(29)
    assert waited.challenges[1].first_dose_day == day(33)
    assert waited.today.kind == "ready_for_next"
    assert baseline_waited.challenges[0].first_dose_day == day(25)
    assert baseline_waited.baseline.ready_on == day(25)


def test_future_challenges_are_projected_back_to_back():
    nuts = replace(eggs(), key="c-nuts", food_group="nuts", dose_days=5, washout_days=3)

    plan = plan_on(10, [dairy(), eggs(), nuts], logs(range(1, 10)))

    firsts = [(c.first_dose_day, c.washout_start, c.washout_end) for c in plan.challenges]
    assert firsts == [
        (day(22), day(25), day(28)),
        (day(29), day(32), day(35)),
        (day(36), day(41), day(43)),
    ]
    assert all(c.projected for c in plan.challenges)
    assert plan.end == day(43)


def test_a_washout_shorter_than_2_days_is_not_possible():
    plan = plan_on(22, [dairy(washout_days=1)], logs(range(1, 22)))

    assert plan.challenges[0].washout_min_end == day(26)
    assert washout_length(plan.challenges[0]) == 2


# --- what actually happened wins ----------------------------------------------------------------


def test_a_challenge_started_during_the_previous_washout_cuts_it_short_and_is_flagged():
    challenges = [
        dairy(status="washout", first_dose_day=day(22)),
        eggs(status="active", first_dose_day=day(26)),
    ]

    plan = plan_on(26, challenges, logs(range(1, 27)))

    dairy_plan, eggs_plan = plan.challenges
    assert dairy_plan.washout_end == day(25)
    assert not dairy_plan.washout_settled
    assert not dairy_plan.projected
    assert eggs_plan.started_before_allowed
    assert plan.today.kind == "dose"


def test_a_challenge_started_before_the_baseline_was_ready_is_flagged():
    plan = plan_on(16, [dairy(status="active", first_dose_day=day(15))], logs(range(1, 17)))

    assert plan.baseline.status == "done"
    assert not plan.baseline.ready
    assert "the planned 21 days end on 21 Mar" in plan.baseline.reasons
    assert plan.baseline.end == day(14)
    assert plan.challenges[0].started_before_allowed


def test_a_recorded_washout_end_wins_over_the_diary():
    done = dairy(status="done", first_dose_day=day(22), washout_end=day(30))

    plan = plan_on(31, [done, eggs()], logs(range(1, 31)))

    assert plan.challenges[0].washout_end == day(30)
    assert plan.challenges[0].washout_settled
    assert plan.challenges[1].first_dose_day == day(31)


def test_a_recorded_washout_end_after_the_next_start_gives_way_to_the_start():
    challenges = [
        dairy(status="done", first_dose_day=day(22), washout_end=day(30)),
        eggs(status="active", first_dose_day=day(29)),
    ]

    plan = plan_on(31, challenges, logs(range(1, 31)))

    assert plan.challenges[0].washout_end == day(28)
    assert plan.challenges[0].washout_settled
    assert not plan.challenges[1].started_before_allowed


def test_facts_dated_after_today_are_ignored():
    challenges = [
        dairy(status="stopped", first_dose_day=day(22), stop_day=day(23), washout_end=day(27)),
        eggs(status="active", first_dose_day=day(29)),
    ]

    as_of_21 = plan_on(21, challenges, logs(range(1, 40)))
    as_of_22 = plan_on(22, challenges, logs(range(1, 40)))

    assert as_of_21.today.kind == "baseline"
    assert not any(c.started for c in as_of_21.challenges)
    assert as_of_22.today.kind == "dose"
    assert as_of_22.challenges[0].status == "active"  # the stop comes on day 23
    assert not any(d.cancelled for d in as_of_22.challenges[0].dose_days)


def test_completed_once_the_last_washout_is_over():
    challenges = [dairy(status="done", first_dose_day=day(22))]

    plan = plan_on(30, challenges, logs(range(1, 30)))

    assert plan.today.kind == "completed"
    assert plan.today.sentence == (
        "All planned challenges are done: go through the results with your dietitian."
    )


def test_a_program_without_challenges_is_completed_when_the_baseline_is_ready():
    assert plan_on(22, [], logs(range(1, 22))).today.kind == "completed"


def test_the_same_inputs_give_the_same_plan():
    diary = {**logs(range(1, 40)), **logs([20, 27, 28], pain=7)}
    challenges = [dairy(status="active", first_dose_day=day(24)), eggs()]
    shuffled = dict(reversed(list(diary.items())))

    assert plan_on(30, challenges, diary) == plan_on(30, challenges, shuffled)


# --- the contract -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("challenges", "message"),
    [
        ([eggs(), dairy(status="active", first_dose_day=day(22))], "must come first"),
        (
            [
                dairy(status="done", first_dose_day=day(30)),
                eggs(status="active", first_dose_day=day(22)),
            ],
            "must come first",
        ),
        ([dairy(status="paused")], "unknown status"),
        ([dairy(ladder=("a", "b"))], "3 portions"),
        ([dairy(dose_days=0)], "dose_days"),
        ([dairy(dose_days=8)], "dose_days"),
        ([dairy(status="stopped", first_dose_day=day(22))], "stop_day"),
        ([dairy(status="active")], "first dose"),
        ([dairy(status="active", first_dose_day=day(1))], "first dose"),
        ([dairy(first_dose_day=day(22))], "planned but has a first_dose_day"),
        ([dairy(), dairy()], "duplicate"),
        ([dairy(status="done", first_dose_day=day(22), washout_end=day(23))], "washout_end"),
        (
            [
                dairy(status="active", first_dose_day=day(22)),
                eggs(status="active", first_dose_day=day(23)),
            ],
            "during its dose days",
        ),
    ],
)
def test_inputs_that_break_the_contract_are_refused(challenges, message):
    with pytest.raises(ValueError, match=message):
        plan_on(30, challenges, logs(range(1, 30)))


def test_a_program_needs_tracked_symptoms():
    with pytest.raises(ValueError, match="tracked symptom"):
        plan_on(5, [], settings=program(symptoms=()))
