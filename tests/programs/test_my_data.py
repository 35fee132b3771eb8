import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dietplanner.analysis.exchange import parse_json
from dietplanner.programs.models import Program
from tests.conftest import sign_in
from tests.diary.factories import START, log_days

pytestmark = pytest.mark.django_db

PAGE = reverse("programs:my-data")
DOWNLOAD = reverse("programs:my-data-download")


def upload(client, content: bytes, name="diary.json"):
    return client.post(PAGE, {"diary_file": SimpleUploadedFile(name, content)})


@pytest.fixture
def program(program):
    """Pat's program (the shared fixture) with ten calm days logged."""
    log_days(program, START, START + timedelta(days=9))
    return program


def test_download_is_a_valid_diary_document_of_my_program(patient_client, program):
    response = patient_client.get(DOWNLOAD)
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = parse_json(response.content)
    assert document.program.protocol == "anti-inflammatory"
    assert len(document.entries) == 10


def test_download_without_a_program_says_so(patient_client, catalogue):
    response = patient_client.get(DOWNLOAD, follow=True)
    assert b"nothing to download" in response.content


def test_upload_starts_a_program_from_a_downloaded_file(patient_client, other_patient, program):
    body = patient_client.get(DOWNLOAD).content
    patient_client.logout()
    sign_in(patient_client, other_patient)
    response = upload(patient_client, body)
    assert response.status_code == 302
    imported = Program.objects.get(patient=other_patient)
    assert imported.entries.count() == 10


def test_upload_with_errors_lists_them_with_json_paths_and_imports_nothing(
    patient_client, catalogue
):
    data = {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"timezone": "Europe/Oslo"},
        "program": {
            "protocol": "anti-inflammatory",
            "started_on": "2026-01-05",
            "baseline_days": 21,
            "symptoms": ["pain"],
            "challenges": [{"food_group": "diary", "started_on": None}],
        },
        "entries": [{"date": "2026-01-05", "scores": {"pain": 11}}],
    }
    response = upload(patient_client, json.dumps(data).encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "program.challenges[0].food_group" in html
    assert "entries[0].scores.pain" in html
    assert not Program.objects.exists()


def test_upload_of_something_that_is_not_json_is_refused(patient_client, catalogue):
    response = upload(patient_client, b"<html>not a diary</html>")
    assert b"not valid JSON" in response.content and not Program.objects.exists()


def test_upload_is_refused_while_a_program_runs(patient_client, program):
    body = patient_client.get(DOWNLOAD).content
    response = upload(patient_client, body)
    assert b"Nothing was imported" in response.content
    assert Program.objects.count() == 1


def test_my_data_is_for_patients_only(dietitian_client, client):
    assert dietitian_client.get(PAGE).status_code == 404
    assert dietitian_client.get(DOWNLOAD).status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_an_imported_program_has_its_verdicts_cached(patient_client, other_patient, program):
    from dietplanner.programs.models import DailyEntry

    ready_days = START + timedelta(days=20)
    log_days(program, START + timedelta(days=10), ready_days)
    challenge = program.challenges.order_by("position").first()
    challenge.status, challenge.first_dose_day = "done", ready_days + timedelta(days=1)
    challenge.save()
    for i in range(7):
        DailyEntry.objects.create(
            program=program,
            date=ready_days + timedelta(days=1 + i),
            scores={s: 3 for s in program.symptoms},
        )
    body = patient_client.get(DOWNLOAD).content
    sign_in(patient_client, other_patient)
    upload(patient_client, body)
    imported = Program.objects.get(patient=other_patient).challenges.get(position=0)
    assert imported.verdict in {"tolerated", "possible", "inconclusive", "trigger"}
