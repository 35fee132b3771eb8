"""The dietitian starts a program for a client: the one way into the six-food pathway."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dietplanner.programs.intake import current_screening
from dietplanner.programs.models import Program
from tests.conftest import screened, sign_in
from tests.diary.factories import make_program

pytestmark = pytest.mark.usefixtures("catalogue")


def start_url(patient) -> str:
    return reverse("clinic:program-start", args=[patient.public_id])


def start_data(patient, protocol="six-food", days_ahead=1) -> dict:
    first = patient.local_today() + timedelta(days=days_ahead)
    return {"protocol": protocol, "start_date": first.isoformat()}


def test_the_report_offers_to_start_a_program_when_none_runs(dietitian_client, patient):
    html = dietitian_client.get(reverse("clinic:report", args=[patient.public_id])).content
    assert start_url(patient).encode() in html


def test_the_start_page_lists_the_six_food_pathway_first(dietitian_client, patient):
    html = dietitian_client.get(start_url(patient)).content.decode()

    assert "Start a program for Pat Doe" in html
    assert html.index("Six-food elimination") < html.index("Low-FODMAP")
    assert "each food judged at an endoscopy" in html
    assert "Custom" not in html  # built on the plan page, it names no groups


def test_the_dietitian_starts_six_food_with_its_oesophageal_symptoms(dietitian_client, patient):
    response = dietitian_client.post(start_url(patient), start_data(patient))

    assert response["Location"] == reverse("clinic:plan", args=[patient.public_id])
    program = Program.objects.get(patient=patient)
    assert program.protocol.slug == "six-food"
    assert program.start_date == patient.local_today() + timedelta(days=1)
    assert program.baseline_days == 42
    assert {"swallowing", "food_sticking", "heartburn"} <= set(program.symptoms)
    assert [c.food_group.slug for c in program.challenges.order_by("position")][0]
    [message] = get_messages(response.wsgi_request)
    assert "Six-food elimination started for Pat Doe" in str(message)


def test_starting_over_worrying_answers_records_the_dietitian_clearing_them(
    dietitian_client, dietitian, patient
):
    screened(patient, reaction_after_food="yes")
    html = dietitian_client.get(start_url(patient)).content.decode()
    assert "records you as having reviewed and cleared them" in html

    dietitian_client.post(start_url(patient), start_data(patient))

    screening = current_screening(patient)
    assert screening.cleared_by == dietitian and screening.cleared_at is not None
    assert Program.objects.get(patient=patient).screening == screening


def test_a_client_without_answers_cannot_be_started_yet(dietitian_client, patient):
    current_screening(patient).delete()

    html = dietitian_client.get(start_url(patient)).content.decode()
    response = dietitian_client.post(start_url(patient), start_data(patient))

    assert "has not answered the health questions yet" in html
    assert response.status_code == 200
    assert not Program.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"protocol": "six-food", "start_date": "2001-01-01"}, "cannot be in the past"),
        ({"protocol": "six-food", "start_date": "not a day"}, "Enter a valid date"),
        ({"protocol": "custom", "start_date": "2099-01-01"}, "Select a valid choice"),
        ({"protocol": "no-such-diet"}, "Select a valid choice"),
    ],
)
def test_bad_settings_say_what_is_wrong_and_start_nothing(dietitian_client, patient, data, error):
    response = dietitian_client.post(start_url(patient), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Program.objects.filter(patient=patient).exists()


def test_a_client_with_a_running_program_is_sent_back_to_the_report(dietitian_client, patient):
    make_program(patient)

    response = dietitian_client.post(start_url(patient), start_data(patient))

    assert response["Location"] == reverse("clinic:report", args=[patient.public_id])
    assert Program.objects.filter(patient=patient).count() == 1


def test_a_dietitian_without_a_link_gets_404(client, other_dietitian, patient):
    sign_in(client, other_dietitian)

    assert client.get(start_url(patient)).status_code == 404
    assert client.post(start_url(patient), start_data(patient)).status_code == 404
    assert not Program.objects.filter(patient=patient).exists()


def test_the_patient_cannot_use_the_clinic_start_page(patient_client, patient, dietitian):
    assert patient_client.post(start_url(patient), start_data(patient)).status_code == 404
    assert not Program.objects.filter(patient=patient).exists()
