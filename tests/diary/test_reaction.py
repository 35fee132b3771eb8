"""The reaction page: emergency actions first, the pause of home tests, and Today while paused."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dietplanner.accounts.models import User
from dietplanner.programs import safety
from dietplanner.programs.models import Challenge, ReactionAlert
from tests.programs.test_blinded import BLIND_START, running_blinded

from .factories import START, log_days
from .test_today import TODAY_URL, at, started

pytestmark = pytest.mark.django_db

REACTION_URL = reverse("diary:reaction")


STEPS = ["Lie flat", "adrenaline (epinephrine) auto-injector", "Call", "Go to hospital"]


def positions(html: str, *needles: str) -> list[int]:
    return [html.index(n) for n in needles]


def test_the_emergency_actions_come_first_in_action_plan_order(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        html = patient_client.get(REACTION_URL).content.decode()
    steps = positions(html, *STEPS)
    assert steps == sorted(steps)
    assert steps[-1] < html.index(f'<form method="post" action="{REACTION_URL}"')
    assert "do not stand or walk" in html.lower() and "at least 4 hours" in html


@pytest.mark.parametrize(
    ("zone", "number"),
    [("Australia/Melbourne", "000"), ("Pacific/Auckland", "111"), ("Europe/London", "999")],
)
def test_the_emergency_number_is_the_patients_countrys(patient_client, patient, zone, number):
    User.objects.filter(pk=patient.pk).update(timezone=zone)
    html = patient_client.get(REACTION_URL).content.decode()
    assert f'href="tel:{number}"' in html


def test_outside_known_countries_it_says_your_local_emergency_number(patient_client, patient):
    User.objects.filter(pk=patient.pk).update(timezone="Asia/Tokyo")
    html = patient_client.get(REACTION_URL).content.decode()
    assert "your local emergency number" in html and 'href="tel:' not in html


def test_every_new_red_flag_can_be_ticked(patient_client, program):
    html = patient_client.get(REACTION_URL).content.decode()
    for label in ("Hoarse voice or trouble talking", "Wheeze or a cough", "Collapse", "Pale and"):
        assert label in html


def test_a_red_flag_pauses_today_instead_of_proposing_the_next_food(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        response = patient_client.post(
            REACTION_URL, {"red_flags": ["hoarse_voice"], "what": "voice went funny"}
        )
    html = response.content.decode()
    assert "Get emergency care now" in html and "All your home food tests are paused" in html
    later = challenge.first_dose_day + timedelta(days=10)
    log_days(program, challenge.first_dose_day, later)

    with at(later):
        today = patient_client.get(TODAY_URL).content.decode()

    assert "Home food tests are paused" in today and "Why your food tests are paused" in today
    assert "hoarse voice or trouble talking" in today  # why
    assert not re.search(r"Start .* today", today)
    assert "start today" not in today


def test_starting_by_hand_while_paused_is_refused(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        patient_client.post(REACTION_URL, {"red_flags": ["collapse"]})
    later = challenge.first_dose_day + timedelta(days=10)
    log_days(program, challenge.first_dose_day, later)
    nxt = program.challenges.filter(status=Challenge.Status.PLANNED).order_by("position")[0]
    with at(later):
        response = patient_client.post(
            reverse("diary:start-challenge"), {"challenge": str(nxt.public_id)}, follow=True
        )
    assert b"paused" in response.content
    nxt.refresh_from_db()
    assert nxt.status == Challenge.Status.PLANNED


def test_milder_signs_say_see_a_doctor_and_pause(patient_client, patient, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        response = patient_client.post(REACTION_URL, {"allergic_signs": ["vomiting", "few_hives"]})
    assert b"See a doctor before any more food tests" in response.content
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.STOPPED and challenge.no_home_retest
    alert = ReactionAlert.objects.get(patient=patient)
    assert alert.severity == "allergic" and alert.signs == ["vomiting", "few_hives"]
    assert safety.home_tests_paused(patient)


def test_a_red_flag_with_nothing_under_test_still_pauses(patient_client, patient, program):
    with at(START):
        response = patient_client.post(REACTION_URL, {"red_flags": ["fainting"]})
    assert b"Get emergency care now" in response.content
    assert safety.home_tests_paused(patient)


def test_an_unknown_sign_is_refused_without_a_500(patient_client, patient, program):
    response = patient_client.post(REACTION_URL, {"red_flags": ["made_up"]})
    assert response.status_code == 400
    assert not ReactionAlert.objects.exists()


def test_a_blinded_test_names_the_food_on_the_emergency_page_but_not_its_arm(
    client, patient, dietitian
):
    from tests.conftest import sign_in

    _, blinded = running_blinded(patient, dietitian)
    sign_in(client, patient)
    with at(BLIND_START):
        page = client.get(REACTION_URL).content.decode()
        response = client.post(REACTION_URL, {"red_flags": ["throat_tightness"]})
    html = response.content.decode()
    group = blinded.food_group.name
    for shown in (page, html):
        assert f"you were testing <strong>{group}</strong> in a blinded test" in shown
        assert "placebo" not in shown.lower() and "active" not in shown.lower()
    alert = ReactionAlert.objects.get(patient=patient)
    assert alert.blinded and alert.food_group == blinded.food_group
