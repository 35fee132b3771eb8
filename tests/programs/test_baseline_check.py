"""Did the baseline help? The first food test waits when the main symptoms did not improve."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.programs.baseline_choice import first_test_start_anyway
from dietplanner.programs.models import Challenge
from dietplanner.programs.schedule import DayLog
from dietplanner.programs.schedule.response import baseline_response
from dietplanner.programs.services import PlanError, challenge_start
from tests.diary.factories import START, make_program

from .test_stopping import log

READY = START + timedelta(days=21)
TODAY_URL = reverse("diary:today")


def at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def diary(first: int, later: int, days: int = 21, start: date = START) -> dict:
    return {
        start + timedelta(days=k): DayLog(
            day=start + timedelta(days=k), scores={"pain": first if k < 3 else later}
        )
        for k in range(days)
    }


@pytest.mark.parametrize(
    ("first", "later", "helped"),
    [(6, 3, True), (6, 4, True), (6, 5, False), (7, 7, False), (3, 3, None), (2, 0, None)],
)
def test_the_baseline_helped_when_a_main_symptom_fell_by_a_meaningful_change(first, later, helped):
    response = baseline_response(
        start=START, symptoms=["pain"], diary=diary(first, later), reference={"pain": later}
    )
    assert response.helped is helped


def test_too_few_first_days_cannot_say():
    days = diary(6, 6)
    for k in range(1, 7):
        days.pop(START + timedelta(days=k))
    response = baseline_response(start=START, symptoms=["pain"], diary=days, reference={"pain": 6})
    assert response.helped is None


def test_only_the_main_symptoms_count():
    days = {
        d: DayLog(day=d, scores={**log.scores, "fatigue": 8, "sleep": 7, "mood": 6})
        for d, log in diary(9, 3).items()
    }
    response = baseline_response(
        start=START,
        symptoms=["pain", "fatigue", "sleep", "mood"],
        diary=days,
        reference={"pain": 3, "fatigue": 8, "sleep": 7, "mood": 6},
    )
    assert [c.symptom for c in response.main] == ["pain", "fatigue", "sleep"]
    assert response.helped  # pain fell from 9 to 3


@pytest.fixture
def unhelped(patient, catalogue):
    """Pat's 21 baseline days at 6 throughout: calm enough to go on, but no better."""
    program = make_program(patient)
    log(program, START, 21, lambda k: 6)
    return program


def first(program) -> Challenge:
    return program.challenges.order_by("position").first()


@pytest.mark.django_db
def test_a_baseline_that_did_not_help_holds_the_first_test(unhelped):
    with pytest.raises(PlanError, match="did not improve enough"):
        challenge_start(challenge=first(unhelped), on=READY)
    assert first(unhelped).status == Challenge.Status.PLANNED


@pytest.mark.django_db
def test_today_asks_did_the_baseline_help_and_offers_two_ways(patient_client, unhelped):
    with at(READY):
        page = patient_client.get(TODAY_URL)
        refused = patient_client.post(
            reverse("diary:start-challenge"), {"challenge": str(first(unhelped).public_id)}
        )
    html = page.content.decode()
    assert "Did the baseline help?" in html and "may not be the answer" in html
    assert reverse("programs:end") in html and reverse("diary:start-anyway") in html
    assert reverse("diary:start-challenge") not in html  # no ordinary start button
    assert refused.status_code == 302 and first(unhelped).status == Challenge.Status.PLANNED


@pytest.mark.django_db
def test_starting_anyway_is_recorded_and_starts_the_first_test(patient_client, unhelped):
    with at(READY):
        patient_client.post(
            reverse("diary:start-anyway"), {"challenge": str(first(unhelped).public_id)}
        )
        page = patient_client.get(TODAY_URL)
    unhelped.refresh_from_db()
    assert unhelped.tests_despite_baseline_at is not None
    assert unhelped.tests_despite_baseline_by == unhelped.patient
    assert first(unhelped).status == Challenge.Status.ACTIVE
    summary = unhelped.plan_changes.get().summary
    assert "did not help enough" in summary and "pain 6 at the start, 6 in the last week" in summary
    assert b"Did the baseline help?" not in page.content


@pytest.mark.django_db
def test_start_anyway_needs_a_baseline_that_holds(patient, catalogue):
    program = make_program(patient)
    log(program, START, 21, lambda k: 6 if k < 3 else 3)  # it helped
    with pytest.raises(PlanError, match="no choice to make"):
        first_test_start_anyway(challenge=first(program), by=patient, on=READY)
    program.refresh_from_db()
    assert program.tests_despite_baseline_at is None
    assert challenge_start(challenge=first(program), on=READY).status == Challenge.Status.ACTIVE


@pytest.mark.django_db
def test_the_report_uses_the_same_rule_and_says_what_the_client_chose(
    dietitian_client, patient, catalogue
):
    # A first week at 6 then 5: a fall of 1 point, less than the 1.8 that counts from 6.
    program = make_program(patient)
    log(program, START, 21, lambda k: 6 if k < 7 else 5)
    url = reverse("clinic:report", args=[patient.public_id])
    with at(READY):
        before = dietitian_client.get(url).content.decode()
        first_test_start_anyway(challenge=first(program), by=patient, on=READY)
        after = dietitian_client.get(url).content.decode()
    assert "The baseline did not help enough (pain 6 at the start, 5 in the last week" in before
    assert "The food tests wait until the client chooses to start anyway." in before
    assert "The client chose to start the food tests anyway on" in after
