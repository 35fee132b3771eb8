"""A baseline with an end: "N more days" counts from today, and no days past the protocol's
longest (the patient is sent to their dietitian instead)."""

from datetime import date, timedelta

import pytest
import time_machine

from dietplanner.programs.schedule import compute_plan
from dietplanner.programs.services import PlanError, baseline_extend
from tests.diary.factories import START, log_days, make_program

from .test_schedule import day, logs, program

TODAY_URL = "/today/"


def test_more_days_count_from_today_not_from_the_planned_end():
    # One flare on day 30 of a 21-day plan; today is day 31: ready on day 36, 5 days away.
    diary = logs(range(1, 32)) | logs([30], pain=9)
    plan = compute_plan(program(), [], diary, day(31))
    assert plan.baseline.ready_on == day(36)
    assert plan.baseline.days_to_ready == 5
    assert "we suggest 5 more days" in plan.today.sentence
    assert "14 more days" not in plan.today.sentence


def test_past_the_protocols_longest_baseline_no_more_days_are_proposed():
    # A flare every 5th day never settles; the protocol allows 42 days at most.
    diary = logs(range(1, 46)) | logs(range(5, 46, 5), pain=9)
    plan = compute_plan(program(baseline_max=42), [], diary, day(45))
    assert plan.baseline.over_limit and plan.today.talk_to_dietitian
    assert "more day" not in plan.today.sentence
    assert "talk to your dietitian" in plan.today.sentence
    assert plan.baseline.propose_extension_days == 21  # never past 42 days in all
    extended = compute_plan(program(baseline_max=42, baseline_days=42), [], diary, day(45))
    assert extended.baseline.over_limit and extended.baseline.propose_extension_days is None


@pytest.mark.django_db
def test_extending_stops_at_the_protocols_maximum(patient, catalogue):
    program_ = make_program(patient)  # anti-inflammatory: 14-42 days, 21 planned
    baseline_extend(program=program_, days=14, today=START)
    baseline_extend(program=program_, days=7, today=START)
    program_.refresh_from_db()
    assert program_.baseline_days == 42
    with pytest.raises(PlanError, match="at most 42 days.*dietitian"):
        baseline_extend(program=program_, days=1, today=START)


@pytest.mark.django_db
def test_the_plan_page_sends_to_the_dietitian_at_the_longest_baseline(
    patient, patient_client, catalogue
):
    program_ = make_program(patient)
    baseline_extend(program=program_, days=14, today=START)
    baseline_extend(program=program_, days=7, today=START)
    log_days(program_, START, START + timedelta(days=3))
    with time_machine.travel(date(2026, 1, 9), tick=False):
        page = patient_client.get("/program/plan/")
    assert page.context["extend_form"] is None
    assert b"lasts at most 42 days" in page.content
