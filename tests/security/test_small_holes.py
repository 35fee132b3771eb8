"""Smaller holes found by the attack on the deployed app: hostile uploads answer with listed
errors (never a 500), and no page for a logged-in user may be kept by a cache."""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dietplanner.programs.models import Program

pytestmark = pytest.mark.django_db

START = date.today() - timedelta(days=30)


def diary(**changes) -> dict:
    doc = {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"timezone": "Europe/Oslo"},
        "program": {
            "protocol": "anti-inflammatory",
            "started_on": START.isoformat(),
            "baseline_days": 21,
            "symptoms": ["pain"],
            "challenges": [
                {
                    "food_group": "dairy",
                    "started_on": (START + timedelta(days=22)).isoformat(),
                    "dose_days": 3,
                    "washout_days": 4,
                    "doses": [{"date": (START + timedelta(days=22)).isoformat()}],
                }
            ],
        },
        "entries": [{"date": START.isoformat(), "scores": {"pain": 2}, "note": "ok"}],
    }
    doc.update(changes)
    return doc


def upload(client, body: bytes):
    file = SimpleUploadedFile("diary.json", body, content_type="application/json")
    return client.post(reverse("programs:my-data"), {"diary_file": file})


def with_portion(portion: str) -> bytes:
    doc = diary()
    doc["program"]["challenges"][0]["doses"][0]["portion"] = portion
    return json.dumps(doc).encode()


def with_note(note_json: str) -> bytes:
    """A document whose note is given as raw JSON text (escapes kept as written)."""
    text = json.dumps(diary())
    return text.replace('"note": "ok"', f'"note": {note_json}').encode()


@pytest.mark.parametrize(
    "body, listed",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
        (with_note('"nul \\u0000 here"'), "entries[0].note: contains a NUL character"),
        (with_note('"half \\ud800 a pair"'), "entries[0].note: contains an invalid character"),
        (with_portion("x" * 5000), "longer than 2000 characters"),
        (with_portion("x" * 201), "doses[0].portion: longer than 200 characters"),
        (b'{"format": "\xff\xfe"}', "not valid JSON"),
    ],
    ids=[
        "deep-list",
        "deep-object",
        "nul",
        "surrogate",
        "huge-portion",
        "long-portion",
        "bad-utf8",
    ],
)
def test_a_hostile_upload_is_refused_with_a_listed_error(patient_client, catalogue, body, listed):
    response = upload(patient_client, body)
    assert response.status_code == 400
    assert listed in response.content.decode()
    assert not Program.objects.exists()


def test_the_same_document_without_the_hostile_parts_imports(patient_client, catalogue):
    response = upload(patient_client, json.dumps(diary()).encode())
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name", ["diary:today", "diary:diary", "programs:plan", "programs:my-data", "accounts:who-saw"]
)
def test_a_logged_in_patients_pages_are_never_stored_by_a_cache(patient_client, catalogue, name):
    response = patient_client.get(reverse(name))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_the_patients_own_download_is_never_stored_by_a_cache(patient_client, catalogue):
    upload(patient_client, json.dumps(diary()).encode())
    response = patient_client.get(reverse("programs:my-data-download"))
    assert response.status_code == 200
    assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}


def test_the_dietitians_pages_and_exports_are_never_stored(dietitian_client, patient, catalogue):
    for url in [reverse("clinic:clients"), reverse("clinic:diary-json", args=[patient.public_id])]:
        response = dietitian_client.get(url)
        assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}


def test_public_pages_stay_cacheable(client):
    assert "no-store" not in client.get(reverse("landing")).get("Cache-Control", "")
