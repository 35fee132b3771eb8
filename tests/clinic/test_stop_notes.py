"""What the patient wrote when stopping a food test: on their results, the dietitian's report,
its PDF, the CSV and the JSON; a stop that was not a reaction is never flagged as one."""

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse

from dietplanner.clinic.selectors import client_rows
from dietplanner.programs.services import challenge_stop
from dietplanner.programs.stopping import challenge_pause
from tests.programs.test_ending import program as program  # noqa: F401 (fixture)
from tests.programs.test_ending import start_first
from tests.programs.test_stopping import FIRST_DOSE

from .test_report import at
from .test_report_pdf import pdf_pages

pytestmark = pytest.mark.django_db

DAY2 = FIRST_DOSE + timedelta(days=1)
WORDS = "Caught the flu from my son"


@pytest.fixture
def paused(program):  # noqa: F811
    challenge = start_first(program)
    challenge_pause(
        challenge=challenge, on=DAY2, cause="illness", note=WORDS, author=program.patient
    )
    challenge.refresh_from_db()
    return program, challenge


def test_the_patient_reads_their_words_on_the_results(patient_client, paused):
    with at(DAY2):
        page = patient_client.get(reverse("programs:results")).content.decode()
    assert "What you wrote when stopping" in page and WORDS in page
    assert "for illness (not a reaction)" in page


def test_the_report_shows_the_words_and_the_cause(dietitian_client, paused):
    program, _ = paused
    with at(DAY2):
        page = dietitian_client.get(reverse("clinic:report", args=[program.patient.public_id]))
    html = page.content.decode()
    assert f"Client wrote: “{DAY2.isoformat()}: {WORDS}”" in html
    assert "Stopped for illness on" in html and "(not a reaction)" in html


def test_the_pdf_shows_the_words(dietitian_client, paused, monkeypatch):
    program, _ = paused
    with at(DAY2):
        pages = pdf_pages(dietitian_client, program.patient, monkeypatch)
    assert WORDS in " ".join(p["text"] for p in pages)


def test_the_csv_has_the_stop_on_its_day(dietitian_client, paused):
    program, challenge = paused
    with at(DAY2):
        response = dietitian_client.get(
            reverse("clinic:diary-csv", args=[program.patient.public_id])
        )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    by_day = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    stop = by_day[DAY2.isoformat()]["stop"]
    assert challenge.food_group.name in stop and "illness" in stop and WORDS in stop
    assert by_day[FIRST_DOSE.isoformat()]["stop"] == ""


def test_the_json_carries_the_words_and_a_reaction_stop_too(dietitian_client, program):  # noqa: F811
    challenge = start_first(program)
    challenge_stop(challenge=challenge, on=FIRST_DOSE, reason="stomach cramps")
    with at(FIRST_DOSE):
        response = dietitian_client.get(
            reverse("clinic:diary-json", args=[program.patient.public_id])
        )
    first = json.loads(response.content)["program"]["challenges"][0]
    assert first["stop_reason"] == "reaction"
    assert first["stop_note"] == f"{FIRST_DOSE.isoformat()}: stomach cramps"


def test_a_stop_for_illness_is_not_flagged_as_a_reaction_on_the_client_list(dietitian, paused):
    program, _ = paused
    rows = client_rows(dietitian, datetime.combine(DAY2, time(12), tzinfo=UTC))
    row = next(r for r in rows if r.patient == program.patient)
    assert "reaction" not in row.flags
