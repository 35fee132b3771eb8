from datetime import timedelta

import pytest
from django.urls import reverse

from dietplanner.programs.models import Challenge
from dietplanner.programs.services import rechallenge_add
from tests.diary.factories import START

pytestmark = pytest.mark.django_db

URL = reverse("foods:lookup")


def status_of(client, query, name):
    response = client.get(URL, {"q": query})
    result = next(r for r in response.context["lookup"].results if r.food.name == name)
    return response.context["personal"][result.food.pk].key, response


def test_patient_without_program_sees_no_personal_status(patient_client, catalogue):
    assert patient_client.get(URL, {"q": "milk"}).context["personal"] is None


def test_eliminated_food_says_left_out(patient_client, program):
    status, response = status_of(patient_client, "milk", "Milk")
    assert status == "eliminated"
    assert b"For you: Left out for now" in response.content


def test_food_in_no_eliminated_group_is_allowed(patient_client, program):
    assert status_of(patient_client, "white rice", "White rice")[0] == "allowed"


def test_group_being_tested_and_stopped_and_tolerated(patient_client, program):
    dairy = program.challenges.get(food_group__slug="dairy")
    dairy.status, dairy.first_dose_day = Challenge.Status.ACTIVE, START + timedelta(days=21)
    dairy.save()
    assert status_of(patient_client, "milk", "Milk")[0] == "challenged"
    dairy.status = Challenge.Status.STOPPED
    dairy.save()
    assert status_of(patient_client, "milk", "Milk")[0] == "trigger"
    dairy.status, dairy.verdict = Challenge.Status.DONE, "tolerated"
    dairy.save()
    # Milk is dairy only in this protocol's eyes (lactose is a low-FODMAP group).
    assert status_of(patient_client, "milk", "Milk")[0] == "tolerated"


def test_one_trigger_group_outweighs_a_tolerated_one(patient_client, program):
    program.challenges.filter(food_group__slug="soy").update(status="done", verdict="tolerated")
    program.challenges.filter(food_group__slug="gluten").update(status="done", verdict="trigger")
    assert status_of(patient_client, "soy sauce", "Soy sauce")[0] == "trigger"


def test_dietitian_sees_no_personal_status(dietitian_client, catalogue):
    assert dietitian_client.get(URL, {"q": "milk"}).context["personal"] is None


def test_a_planned_re_challenge_keeps_the_earlier_result_until_it_starts(
    patient_client, program, dietitian
):
    """Found on the lookup: planning a re-challenge turned almond milk from "Reintroduced:
    tolerated" and orange juice from "Keep out for now" into "Left out for now"."""
    day = START + timedelta(days=21)
    program.challenges.filter(food_group__slug="nuts").update(
        status="done", first_dose_day=day, verdict="tolerated"
    )
    program.challenges.filter(food_group__slug="citrus").update(
        status="done", first_dose_day=day + timedelta(days=7), verdict="trigger"
    )
    for slug in ("nuts", "citrus"):
        rechallenge_add(challenge=program.challenges.get(food_group__slug=slug), author=dietitian)
    status, response = status_of(patient_client, "almond milk", "Almond milk")
    assert status == "tolerated" and b"For you: Reintroduced: tolerated" in response.content
    assert status_of(patient_client, "orange juice", "Orange juice")[0] == "trigger"
    again = program.challenges.get(food_group__slug="nuts", is_rechallenge=True)
    again.status, again.first_dose_day = Challenge.Status.ACTIVE, day + timedelta(days=30)
    again.save()
    assert status_of(patient_client, "almond milk", "Almond milk")[0] == "challenged"
