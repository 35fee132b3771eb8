"""The dietitian's side of the health questions: answers on the report, a recorded clearance,
the client-list flag; outsiders get 404."""

import pytest
from django.urls import reverse

from dietplanner.programs.intake import current_screening
from dietplanner.programs.models import Program
from tests.conftest import CLEAR_ANSWERS, screened, sign_in
from tests.diary.factories import make_program

pytestmark = pytest.mark.usefixtures("catalogue")

CLIENTS = reverse("clinic:clients")
FLAG = "client-flag-screening"  # the flag on a client's row (the filter also names it)


def report_url(patient) -> str:
    return reverse("clinic:report", args=[patient.public_id])


def clear_url(patient) -> str:
    return reverse("clinic:screening-clear", args=[patient.public_id])


def clear(client, patient, note="Seen in clinic; GP reviewed.", screening=None):
    screening = screening or current_screening(patient)
    return client.post(clear_url(patient), {"screening": str(screening.public_id), "note": note})


def test_the_report_shows_worrying_answers_and_why(dietitian_client, patient):
    screened(patient, pregnant_or_breastfeeding="yes", blood_in_stools="yes")

    html = dietitian_client.get(report_url(patient)).content.decode()

    assert "Health answers" in html
    assert "Needs a clinician before a home program" in html
    assert "A strict diet in pregnancy" in html
    assert "<strong>Yes</strong> (needs a clinician)" in html
    assert html.count("(needs a clinician)") == 2
    assert "Clear for a program" in html
    assert "Are you under 18?" in html  # every answer, not only the worrying ones


def test_clear_answers_need_no_clearance(dietitian_client, patient):
    html = dietitian_client.get(report_url(patient)).content.decode()

    assert "Nothing in these answers needs a clinician" in html
    assert "Clear for a program" not in html


def test_a_client_who_never_answered_is_said_so(dietitian_client, patient):
    current_screening(patient).delete()

    html = dietitian_client.get(report_url(patient)).content.decode()

    assert "has not answered the health questions yet" in html


def test_clearing_records_who_and_when_and_lets_the_client_start(
    dietitian_client, dietitian, patient, client
):
    screened(patient, known_food_allergy="yes")

    response = clear(dietitian_client, patient)

    assert response["Location"] == report_url(patient) + "#health"
    screening = current_screening(patient)
    assert screening.cleared_by == dietitian and screening.cleared_at is not None
    assert screening.clearance_note == "Seen in clinic; GP reviewed."
    html = dietitian_client.get(report_url(patient)).content.decode()
    assert "Cleared for a program by Dana Dietitian" in html
    assert "Seen in clinic; GP reviewed." in html
    sign_in(client, patient)
    page = client.get(reverse("programs:start")).content.decode()
    assert "?protocol=low-fodmap" in page


def test_answers_changed_since_the_page_was_loaded_are_not_cleared(dietitian_client, patient):
    old = current_screening(screened(patient, known_food_allergy="yes"))
    screened(patient, known_food_allergy="yes", anaemia="yes")

    response = clear(dietitian_client, patient, screening=old)

    assert response.status_code == 302
    assert not current_screening(patient).is_cleared
    old.refresh_from_db()
    assert not old.is_cleared


def test_a_bad_clearance_form_saves_nothing_and_is_not_a_500(dietitian_client, patient):
    screened(patient, known_food_allergy="yes")

    response = dietitian_client.post(clear_url(patient), {"screening": "not-a-uuid"})

    assert response.status_code == 302
    assert not current_screening(patient).is_cleared


def test_an_unlinked_dietitian_gets_404_and_clears_nothing(client, other_dietitian, patient):
    screened(patient, known_food_allergy="yes")
    sign_in(client, other_dietitian)

    assert clear(client, patient).status_code == 404
    assert client.get(report_url(patient)).status_code == 404
    assert not current_screening(patient).is_cleared


def test_a_patient_cannot_clear_their_own_answers(patient_client, patient):
    screened(patient, known_food_allergy="yes")

    assert clear(patient_client, patient).status_code == 404
    assert not current_screening(patient).is_cleared


def test_the_clearance_only_takes_posts(dietitian_client, patient):
    assert dietitian_client.get(clear_url(patient)).status_code == 405


def test_the_client_list_flags_answers_to_review_until_cleared(dietitian_client, patient):
    screened(patient, night_symptoms="yes")

    flagged = dietitian_client.get(CLIENTS, {"flag": "screening"}).content.decode()
    clear(dietitian_client, patient)
    after = dietitian_client.get(CLIENTS, {"flag": "screening"}).content.decode()

    assert 'client-flag-screening">Health answers to review' in flagged
    assert "client-flag-screening" not in after


def test_a_worrying_change_mid_program_flags_the_client(dietitian_client, patient):
    program = make_program(patient)
    assert FLAG not in dietitian_client.get(CLIENTS).content.decode()

    screened(patient, reaction_after_food="yes")

    assert FLAG in dietitian_client.get(CLIENTS).content.decode()
    report = dietitian_client.get(report_url(patient)).content.decode()
    assert "Needs a clinician before a home program" in report
    assert Program.objects.get(pk=program.pk).screening == current_screening(patient)


def test_untested_for_coeliac_on_a_diet_with_gluten_is_not_flagged(dietitian_client, patient):
    screened(patient, coeliac_tested="no")
    assert FLAG in dietitian_client.get(CLIENTS).content.decode()

    current_screening(patient).delete()
    screened(patient)
    make_program(patient, protocol="low-fodmap", baseline_days=28)
    screened(patient, coeliac_tested="no")

    assert FLAG not in dietitian_client.get(CLIENTS).content.decode()


def test_the_report_pdf_carries_the_answers_without_the_form(dietitian_client, patient):
    screened(patient, **{**CLEAR_ANSWERS, "under_18": "yes"})

    response = dietitian_client.get(reverse("clinic:report-pdf", args=[patient.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
