"""The health questions: the wizard's first step, the gate before a diet, later changes."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from dietplanner.accounts.models import User
from dietplanner.programs.intake import current_screening, screening_clear
from dietplanner.programs.models import Program, Screening
from dietplanner.programs.services import PlanError, challenge_start, program_start
from foods.models import Protocol
from tests.conftest import CLEAR_ANSWERS, make_user, screened, sign_in

TODAY = date(2026, 3, 1)
HEALTH = reverse("programs:screening")
START = reverse("programs:start")
SETTINGS = reverse("programs:start-settings")
REVIEW = reverse("programs:start-review")
CONFIRM = reverse("programs:start-confirm")

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def newcomer(db) -> User:
    """Nina: a patient who has not answered the health questions yet."""
    return make_user("nina@example.com", "Nina New", User.Role.PATIENT)


@pytest.fixture
def newcomer_client(client, newcomer):
    sign_in(client, newcomer)
    return client


def confirm_data(protocol="low-fodmap", **changes) -> dict:
    data = {
        "protocol": protocol,
        "start_date": "2026-03-01",
        "baseline_days": "28" if protocol != "six-food" else "42",
        "symptoms": ["bloating"],
        "reminder_time": "",
    }
    data.update(changes)
    return data


def start(patient, slug="low-fodmap", **extra) -> Program:
    protocol = Protocol.objects.get(slug=slug)
    return program_start(
        patient=patient,
        protocol=protocol,
        start_date=TODAY,
        baseline_days=protocol.baseline_days,
        symptoms=["bloating"],
        today=TODAY,
        **extra,
    )


# --- step 1 comes first ----------------------------------------------------------------------


def test_a_patient_who_never_answered_is_sent_to_the_health_questions(newcomer_client):
    response = newcomer_client.get(START)

    assert response.status_code == 302
    assert response["Location"] == HEALTH


def test_the_health_questions_ask_every_question_in_plain_words(newcomer_client):
    html = newcomer_client.get(HEALTH).content.decode()

    for text in [
        "Are you under 18?",
        "Are you pregnant or breastfeeding?",
        "Do you make yourself sick because you feel uncomfortably full?",
        "Is your weight low",
        "hives, swelling of the lips, tongue or throat, wheeze",
        "Has a doctor told you that you have a food allergy?",
        "eosinophilic oesophagitis",
        "eczema",
        "Have you been tested for coeliac disease while eating gluten?",
        "blood in your stools",
        "Have you lost weight without trying?",
        "anaemia",
        "after the age of 50",
        "bowel cancer or coeliac disease",
        "wake you up at night",
    ]:
        assert text in html
    assert 'aria-current="step"' in html and "Health questions" in html


def test_missing_answers_are_refused_and_nothing_is_saved(newcomer_client, newcomer):
    partial = dict(CLEAR_ANSWERS)
    del partial["anaemia"]

    response = newcomer_client.post(HEALTH, partial)

    assert response.status_code == 200
    assert "Please answer every question" in response.content.decode()
    assert response.context["form"].errors["anaemia"] == ["Please choose an answer."]
    assert not Screening.objects.filter(patient=newcomer).exists()


def test_an_unknown_answer_is_a_form_error_not_a_500(newcomer_client, newcomer):
    response = newcomer_client.post(HEALTH, {**CLEAR_ANSWERS, "under_18": "perhaps"})

    assert response.status_code == 200
    assert "under_18" in response.context["form"].errors
    assert not Screening.objects.filter(patient=newcomer).exists()


def test_clear_answers_are_saved_and_lead_to_the_diets(newcomer_client, newcomer):
    response = newcomer_client.post(HEALTH, CLEAR_ANSWERS, follow=True)

    assert response.redirect_chain == [(START, 302)]
    html = response.content.decode()
    assert f'href="{SETTINGS}?protocol=low-fodmap"' in html
    assert f'href="{SETTINGS}?protocol=anti-inflammatory"' in html
    assert current_screening(newcomer).answers == CLEAR_ANSWERS


def test_the_answers_can_be_changed_and_the_form_shows_the_current_ones(patient_client, patient):
    response = patient_client.get(HEALTH)

    assert response.context["form"].initial == CLEAR_ANSWERS
    patient_client.post(HEALTH, {**CLEAR_ANSWERS, "under_18": "yes"})
    assert current_screening(patient).answers["under_18"] == "yes"
    assert Screening.objects.filter(patient=patient).count() == 2  # the old answers are kept


# --- a worrying answer does not start a home program ----------------------------------------


def test_a_worrying_answer_explains_why_and_what_to_do_instead_of_the_diets(newcomer_client):
    response = newcomer_client.post(
        HEALTH, {**CLEAR_ANSWERS, "pregnant_or_breastfeeding": "yes"}, follow=True
    )

    html = response.content.decode()
    assert "Before you start a diet" in html
    assert "A strict diet in pregnancy or while breastfeeding" in html
    assert "Please talk to your dietitian before you start a diet." in html
    assert "Link with your dietitian" in html  # Nina has none yet
    assert f"{SETTINGS}?protocol=" not in html


def test_an_alarm_sign_says_see_your_doctor(newcomer_client):
    html = newcomer_client.post(
        HEALTH, {**CLEAR_ANSWERS, "blood_in_stools": "yes"}, follow=True
    ).content.decode()

    assert "Please see your doctor before you start a diet." in html


def test_a_linked_patient_is_told_their_dietitian_sees_the_answers(patient_client, dietitian):
    html = patient_client.post(
        HEALTH, {**CLEAR_ANSWERS, "known_food_allergy": "yes"}, follow=True
    ).content.decode()

    assert "Dana Dietitian can see your answers" in html


@pytest.mark.parametrize("url", [SETTINGS, REVIEW])
def test_worrying_answers_refuse_the_later_steps(patient_client, patient, url):
    screened(patient, under_18="yes")

    response = patient_client.get(url + "?" + "protocol=low-fodmap&start_date=2026-03-01")

    assert response.status_code == 302
    assert response["Location"] == START


def test_a_forged_confirm_with_worrying_answers_starts_nothing(patient_client, patient):
    screened(patient, reaction_after_food="yes")

    response = patient_client.post(CONFIRM, confirm_data())

    assert response.status_code == 302
    assert not Program.objects.filter(patient=patient).exists()
    [message] = get_messages(response.wsgi_request)
    assert "food allergy" in str(message)


def test_a_confirm_without_any_answers_goes_to_the_questions(newcomer_client, newcomer):
    response = newcomer_client.post(CONFIRM, confirm_data())

    assert response["Location"] == HEALTH
    assert not Program.objects.filter(patient=newcomer).exists()


def test_the_service_refuses_a_patient_who_never_answered(newcomer):
    with pytest.raises(PlanError, match="answer the health questions"):
        start(newcomer)


# --- the coeliac question counts for diets without gluten -----------------------------------


def test_untested_for_coeliac_may_start_low_fodmap_but_not_a_gluten_free_diet(
    patient_client, patient
):
    screened(patient, coeliac_tested="not_sure")

    html = patient_client.get(START).content.decode()

    assert f'href="{SETTINGS}?protocol=low-fodmap"' in html
    assert f'href="{SETTINGS}?protocol=anti-inflammatory"' not in html
    assert "get tested first while you still eat gluten" in html
    refused = patient_client.post(CONFIRM, confirm_data("anti-inflammatory", baseline_days="21"))
    assert refused["Location"] == START
    assert not Program.objects.filter(patient=patient).exists()
    assert patient_client.post(CONFIRM, confirm_data())["Location"] == reverse("diary:today")


# --- a dietitian's clearance ------------------------------------------------------------------


def test_after_a_dietitians_clearance_the_patient_can_start(patient_client, patient, dietitian):
    screening = current_screening(screened(patient, eczema_child="yes"))
    assert patient_client.post(CONFIRM, confirm_data())["Location"] == START

    screening_clear(screening=screening, dietitian=dietitian)

    assert patient_client.post(CONFIRM, confirm_data())["Location"] == reverse("diary:today")
    program = Program.objects.get(patient=patient)
    assert program.screening == screening
    assert program.screening.cleared_by == dietitian


def test_a_clearance_carries_over_a_change_that_adds_no_concern(patient, dietitian):
    cleared = screening_clear(
        screening=current_screening(screened(patient, eczema_child="yes")), dietitian=dietitian
    )

    calmer = current_screening(screened(patient, eczema_child="yes", scoff_food="yes"))
    worse = current_screening(screened(patient, eczema_child="yes", anaemia="yes"))

    assert calmer.pk != cleared.pk and calmer.cleared_by == dietitian
    assert not worse.is_cleared


# --- changing the answers mid-program ---------------------------------------------------------


def test_changing_answers_mid_program_to_a_worrying_one_warns_and_holds_new_tests(
    patient_client, patient
):
    program = start(patient)

    response = patient_client.post(
        HEALTH, {**CLEAR_ANSWERS, "pregnant_or_breastfeeding": "yes"}, follow=True
    )

    assert response.redirect_chain == [(reverse("programs:plan"), 302)]
    html = response.content.decode()
    assert "A strict diet in pregnancy" in html
    assert "start no new food test until your dietitian has seen your answers" in html
    program.refresh_from_db()
    assert program.screening == current_screening(patient)
    assert program.is_active  # the diet goes on; nothing is lost
    with pytest.raises(PlanError, match="dietitian needs to see them"):
        challenge_start(challenge=program.challenges.first(), on=TODAY)


def test_a_harmless_change_mid_program_is_just_saved(patient_client, patient):
    start(patient)

    response = patient_client.post(HEALTH, {**CLEAR_ANSWERS, "scoff_food": "yes"}, follow=True)

    assert "Your health answers are saved." in response.content.decode()


# --- access -----------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(HEALTH)

    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_dietitian_gets_404_on_the_health_questions(dietitian_client, patient):
    assert dietitian_client.get(HEALTH).status_code == 404
    assert dietitian_client.post(HEALTH, CLEAR_ANSWERS).status_code == 404
    assert Screening.objects.filter(patient=patient).count() == 1


# --- six-food is a clinic pathway ----------------------------------------------------------------


def test_the_six_food_card_says_with_your_dietitian_only(patient_client):
    html = patient_client.get(START).content.decode()

    assert "With your dietitian only." in html
    assert "eosinophilic oesophagitis" in html
    assert f"{SETTINGS}?protocol=six-food" not in html


@pytest.mark.parametrize("url", [SETTINGS, REVIEW])
def test_the_six_food_settings_are_refused_to_a_patient(patient_client, url):
    response = patient_client.get(url + "?protocol=six-food")

    assert response["Location"] == START


def test_a_forged_six_food_self_start_is_refused(patient_client, patient):
    response = patient_client.post(CONFIRM, confirm_data("six-food"))

    assert response["Location"] == START
    assert not Program.objects.filter(patient=patient).exists()
    [message] = get_messages(response.wsgi_request)
    assert "Your dietitian starts it with you." in str(message)


def test_the_service_refuses_a_six_food_self_start(patient):
    with pytest.raises(PlanError, match="endoscopy"):
        start(patient, "six-food")
