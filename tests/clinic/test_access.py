"""Who may open the clinic pages: only a dietitian with an active link to the client."""

from datetime import date

import pytest
from django.urls import reverse

from dietplanner.accounts.models import CareLink
from dietplanner.clinic.models import ClinicalNote
from tests.conftest import sign_in
from tests.diary.factories import make_program

pytestmark = pytest.mark.django_db

CLIENT_URLS = ["report", "report-pdf", "diary-csv", "diary-json", "note-add"]


@pytest.fixture
def note(dietitian, patient, catalogue):
    make_program(patient)
    return ClinicalNote.objects.create(
        author=dietitian, patient=patient, written_on=date(2026, 2, 1), text="private"
    )


def client_urls(patient, note) -> list[str]:
    urls = [reverse(f"clinic:{name}", args=[patient.public_id]) for name in CLIENT_URLS]
    urls.append(reverse("clinic:note-edit", args=[patient.public_id, note.public_id]))
    return urls


def test_unlinked_dietitian_gets_404_on_every_client_url(client, other_dietitian, patient, note):
    sign_in(client, other_dietitian)
    for url in client_urls(patient, note):
        assert client.get(url).status_code == 404, url
    post = reverse("clinic:note-add", args=[patient.public_id])
    assert client.post(post, {"written_on": "2026-02-01", "text": "x"}).status_code == 404
    assert ClinicalNote.objects.count() == 1


def test_revoked_link_gives_404_at_once(dietitian_client, dietitian, patient, note):
    url = reverse("clinic:report", args=[patient.public_id])
    assert dietitian_client.get(url).status_code == 200
    CareLink.objects.filter(dietitian=dietitian, patient=patient).update(
        status=CareLink.Status.REVOKED
    )
    for url in client_urls(patient, note):
        assert dietitian_client.get(url).status_code == 404, url
    assert b"Pat Doe" not in dietitian_client.get(reverse("clinic:clients")).content


def test_patients_get_404_on_every_clinic_url(patient_client, patient, note):
    assert patient_client.get(reverse("clinic:clients")).status_code == 404
    for url in client_urls(patient, note):
        assert patient_client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_log_in(client, patient, note):
    for url in [reverse("clinic:clients"), *client_urls(patient, note)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_unknown_client_id_is_404(dietitian_client, catalogue):
    url = reverse("clinic:report", args=["00000000-0000-0000-0000-000000000000"])
    assert dietitian_client.get(url).status_code == 404


def test_nothing_is_recorded_when_access_is_refused(client, other_dietitian, patient, note):
    from dietplanner.accounts.models import AccessRecord

    sign_in(client, other_dietitian)
    for url in client_urls(patient, note):
        client.get(url)
    assert not AccessRecord.objects.exists()
