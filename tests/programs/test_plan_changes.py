"""Plan changes: the dietitian's edits and the log the patient reads (who, when, what).

Pat runs the anti-inflammatory diet from 5 Jan 2026 (21-day baseline, 13 groups); Dana is her
dietitian.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.programs.models import Challenge, PlanChange, Program
from dietplanner.programs.services import (
    PlanError,
    baseline_extend,
    challenge_add,
    challenge_days_change,
    challenge_skip,
    challenge_start,
    challenge_unskip,
    challenges_reorder,
    rechallenge_add,
)
from foods.models import FoodGroup
from tests.diary.factories import START, log_days
from tests.programs.test_blinded import finished_open_challenge

pytestmark = pytest.mark.django_db


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def planned(program) -> list[Challenge]:
    return list(program.challenges.select_related("food_group").order_by("position"))


def group_not_in(program) -> FoodGroup:
    return FoodGroup.objects.exclude(challenges__program=program).order_by("slug").first()


def first_challenge_started(program) -> Challenge:
    """The first planned challenge, started after a calm 21-day baseline."""
    log_days(program, START, START + timedelta(days=20))
    first = planned(program)[0]
    challenge_start(challenge=first, on=START + timedelta(days=21))
    return first


# --- the log ----------------------------------------------------------------------------------


def test_each_edit_with_an_author_is_logged_with_who_and_what(program, dietitian):
    first, second, third = planned(program)[:3]
    new_group = group_not_in(program)

    baseline_extend(program=program, days=3, today=START, author=dietitian)
    challenges_reorder(
        program=program,
        order=[str(c.public_id) for c in [second, first, *planned(program)[2:]]],
        author=dietitian,
    )
    challenge_skip(challenge=third, author=dietitian)
    challenge_unskip(challenge=third, author=dietitian)
    challenge_days_change(challenge=first, dose_days=4, washout_days=5, author=dietitian)
    challenge_add(program=program, food_group=new_group, author=dietitian)

    summaries = list(
        PlanChange.objects.filter(program=program)
        .order_by("at", "pk")
        .values_list("summary", flat=True)
    )
    assert len(summaries) == 6
    assert summaries[0].startswith("Extended the baseline by 3 days: 24 days")
    assert summaries[1].startswith(f"New order of the groups to test: {second.food_group.name}")
    assert summaries[2] == f"Skipped {third.food_group.name}."
    assert summaries[3] == f"Put {third.food_group.name} back in the plan."
    assert summaries[4] == f"Changed {first.food_group.name}: 4 dose days, 5 washout days."
    assert summaries[5].startswith(f"Added {new_group.name}: 3 dose days")
    assert set(PlanChange.objects.values_list("author", flat=True)) == {dietitian.pk}


def test_edits_without_an_author_are_not_logged(program):
    challenge_skip(challenge=planned(program)[0])
    baseline_extend(program=program, days=2, today=START)
    assert not PlanChange.objects.exists()


def test_a_refused_edit_leaves_no_log_entry(program, dietitian):
    with pytest.raises(PlanError):
        challenge_days_change(
            challenge=planned(program)[0], dose_days=9, washout_days=3, author=dietitian
        )
    assert not PlanChange.objects.exists()


def test_the_patient_sees_who_changed_what_and_when(patient_client, program, dietitian, patient):
    with at(START + timedelta(days=2)):
        challenge_skip(challenge=planned(program)[1], author=dietitian)
        challenge_skip(challenge=planned(program)[2], author=patient)
        html = patient_client.get(reverse("programs:plan")).content.decode()

    assert "Changes to your plan" in html
    section = html[html.index("Changes to your plan") :]
    assert "Dana Dietitian" in section
    assert f"Skipped {planned(program)[1].food_group.name}." in section
    assert ">you</span>" in section
    assert '<time datetime="2026-01-07T13:00:00+01:00">' in section  # 12:00 UTC, Pat's clock
    assert "7 Jan 2026" in section


def test_the_plan_page_says_when_nothing_changed(patient_client, program):
    with at(START):
        html = patient_client.get(reverse("programs:plan")).content.decode()
    assert "No changes since the start." in html


def test_the_plan_page_stays_within_its_query_budget_with_a_long_log(
    patient_client, program, dietitian, django_assert_max_num_queries
):
    for _ in range(20):
        baseline_extend(program=program, days=1, today=START, author=dietitian)
    with at(START), django_assert_max_num_queries(9):
        response = patient_client.get(reverse("programs:plan"))
    assert response.content.decode().count("Extended the baseline") == 20


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose_days", "washout_days", "message"),
    [
        (0, 3, "Dose days must be 1 to 7"),
        (8, 3, "Dose days must be 1 to 7"),
        (3, 0, "Washout days must be 1 to 14"),
        (3, 15, "Washout days must be 1 to 14"),
    ],
)
def test_days_out_of_range_are_refused(program, dietitian, dose_days, washout_days, message):
    first = planned(program)[0]
    with pytest.raises(PlanError, match=message):
        challenge_days_change(
            challenge=first, dose_days=dose_days, washout_days=washout_days, author=dietitian
        )
    with pytest.raises(PlanError, match=message):
        challenge_add(
            program=program,
            food_group=group_not_in(program),
            dose_days=dose_days,
            washout_days=washout_days,
            author=dietitian,
        )
    first.refresh_from_db()
    assert (first.dose_days, first.washout_days) == (3, 3)


def test_the_days_of_a_started_challenge_cannot_change(program, dietitian):
    first = first_challenge_started(program)
    with pytest.raises(PlanError, match="has started"):
        challenge_days_change(challenge=first, dose_days=5, washout_days=3, author=dietitian)


def test_the_baseline_cannot_be_extended_once_a_challenge_started(program, dietitian):
    first_challenge_started(program)
    with pytest.raises(PlanError, match="baseline is over"):
        baseline_extend(program=program, days=2, today=START, author=dietitian)


def test_a_started_challenge_keeps_its_place(program, dietitian):
    first = first_challenge_started(program)
    rest = [str(c.public_id) for c in planned(program)[1:]]
    with pytest.raises(PlanError, match="keeps its place"):
        challenges_reorder(program=program, order=[str(first.public_id), *rest], author=dietitian)


def test_a_group_already_planned_cannot_be_added(program, dietitian):
    with pytest.raises(PlanError, match="already planned"):
        challenge_add(program=program, food_group=planned(program)[0].food_group, author=dietitian)


def test_a_skipped_group_is_put_back_rather_than_added(program, dietitian):
    first = planned(program)[0]
    challenge_skip(challenge=first)
    with pytest.raises(PlanError, match="put it back"):
        challenge_add(program=program, food_group=first.food_group, author=dietitian)


def test_any_catalogue_group_can_be_added_at_the_end(program, dietitian):
    group = group_not_in(program)
    added = challenge_add(
        program=program, food_group=group, dose_days=2, washout_days=4, author=dietitian
    )
    assert added.position == planned(program)[-2].position + 1
    assert (added.status, added.dose_days, added.washout_days) == ("planned", 2, 4)


def test_an_ended_program_takes_no_edits(program, dietitian):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ABANDONED)
    with pytest.raises(PlanError, match="ended"):
        challenge_add(program=program, food_group=group_not_in(program), author=dietitian)


# --- open re-challenge --------------------------------------------------------------------------


def test_a_finished_group_can_be_rechallenged_openly(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    again = rechallenge_add(challenge=original, author=dietitian)
    assert again.is_rechallenge and again.rechallenge_of == original and not again.blinded
    assert again.food_group == original.food_group and again.status == "planned"
    assert PlanChange.objects.get(program=program).summary == (
        f"Added a re-challenge of {original.food_group.name}."
    )
    with pytest.raises(PlanError, match="already planned"):
        rechallenge_add(challenge=original, author=dietitian)


def test_a_group_not_finished_cannot_be_rechallenged(program, dietitian):
    with pytest.raises(PlanError, match="not finished"):
        rechallenge_add(challenge=planned(program)[0], author=dietitian)
