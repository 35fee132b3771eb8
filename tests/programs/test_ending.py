"""Ending a program early: by the patient or their dietitian; the history stays."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.programs.ending import program_end
from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.services import PlanError, challenge_start
from tests.conftest import sign_in
from tests.diary.factories import START, make_program

from .test_stopping import FIRST_DOSE, log

pytestmark = pytest.mark.django_db

END_URL = reverse("programs:end")


def at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def program(program):
    """Pat's program (the shared fixture) after a baseline that helped: 6 at first, then 3."""
    log(program, START, 21, lambda k: 6 if k < 3 else 3)
    return program


def start_first(program):
    challenge = program.challenges.order_by("position").first()
    return challenge_start(challenge=challenge, on=FIRST_DOSE)


def test_the_patient_ends_the_program_after_confirming(patient_client, program):
    with at(START + timedelta(days=10)):
        page = patient_client.get(END_URL)
        assert b"go back to my usual eating" in page.content.lower()
        unconfirmed = patient_client.post(END_URL, {"reason": "not helping"})
        assert unconfirmed.status_code == 400 and b"Tick the box" in unconfirmed.content
        program.refresh_from_db()
        assert program.is_active
        done = patient_client.post(END_URL, {"confirm": "on", "reason": "not helping"}, follow=True)
    program.refresh_from_db()
    assert program.status == Program.Status.ABANDONED and program.end_reason == "not helping"
    assert program.ended_by == program.patient and program.ended_at is not None
    assert b"has ended" in done.content
    assert "Ended the program" in program.plan_changes.get().summary


def test_the_history_stays_readable_and_exportable_and_a_new_program_can_start(
    patient_client, program
):
    program_end(program=program, by=program.patient, today=START + timedelta(days=10))
    for name in ("programs:plan", "programs:results", "diary:diary", "programs:my-data"):
        assert patient_client.get(reverse(name)).status_code == 200
    download = patient_client.get(reverse("programs:my-data-download"))
    assert download.status_code == 200 and b'"baseline_days": 21' in download.content
    plan = patient_client.get(reverse("programs:plan"))
    assert b"ended early" in plan.content
    with at(START + timedelta(days=11)):
        again = make_program(program.patient, start=START + timedelta(days=11))
    assert again.is_active


def test_ending_during_the_dose_days_stops_the_test_without_a_reaction(program):
    challenge = start_first(program)
    program_end(program=program, by=program.patient, today=FIRST_DOSE + timedelta(days=1))
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.STOPPED and challenge.interrupted
    assert challenge.stop_cause == "patient_choice"
    assert challenge.verdict != "trigger"
    assert challenge.doses.count() == 2  # the last portion is cancelled
    assert "stopped with it" in program.plan_changes.get().summary
    plans = {p.food_group_id: p.status for p in program.group_plans.all()}
    assert plans[challenge.food_group_id] != "avoid"


def test_ending_during_a_washout_ends_the_washout_today(program):
    challenge = start_first(program)
    end_day = challenge.last_dose_day + timedelta(days=2)
    Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.WASHOUT)
    program_end(program=program, by=program.patient, today=end_day)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DONE and challenge.washout_end == end_day


def test_an_ended_program_cannot_end_twice(patient_client, program):
    program_end(program=program, by=program.patient, today=START)
    with pytest.raises(PlanError, match="already ended"):
        program_end(program=program, by=program.patient, today=START)
    response = patient_client.post(END_URL, {"confirm": "on"}, follow=True)
    assert response.status_code == 200 and b"nothing to end" in response.content


def test_the_linked_dietitian_ends_a_clients_program(client, dietitian, program):
    sign_in(client, dietitian)
    url = reverse("clinic:plan-end", args=[program.patient.public_id])
    plan = client.get(reverse("clinic:plan", args=[program.patient.public_id]))
    assert url.encode() in plan.content
    assert b"End the program" in client.get(url).content
    client.post(url, {"confirm": "on", "reason": "the diet is not the right tool"})
    program.refresh_from_db()
    assert program.status == Program.Status.ABANDONED and program.ended_by == dietitian
    assert "by the dietitian" in program.plan_changes.get().summary


def test_a_dietitian_without_a_link_gets_404(client, other_dietitian, program):
    sign_in(client, other_dietitian)
    url = reverse("clinic:plan-end", args=[program.patient.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404
    program.refresh_from_db()
    assert program.is_active


def test_the_service_refuses_anyone_else(program, other_patient):
    with pytest.raises(PlanError):
        program_end(program=program, by=other_patient, today=START)
