import pytest
from django.urls import reverse

from dietplanner.accounts.models import User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:measures")


def test_patient_sees_the_choice_and_what_a_spoon_means(patient_client):
    response = patient_client.get(URL)
    assert response.status_code == 200
    assert b"Grams and millilitres" in response.content
    assert b"tablespoon 15 ml" in response.content


def test_patient_chooses_metric_and_it_is_stored_on_the_user(patient_client, patient):
    response = patient_client.post(URL, {"measures": "metric"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.measures == User.Measures.METRIC


def test_an_unknown_choice_is_refused_with_a_message_not_a_500(patient_client, patient):
    response = patient_client.post(URL, {"measures": "imperial"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    patient.refresh_from_db()
    assert patient.measures == User.Measures.US


def test_dietitian_gets_404(dietitian_client):
    assert dietitian_client.get(URL).status_code == 404
