"""What the dietitian's report, its PDF and CSV show of a result: the patient's rule, once.

A reading of a test just begun ("Too early to tell") says how sure it is to no one; a blinded
test shows neither its result nor its arms before it is finished (the report may be shown to
the client).
"""

import pytest
from django.test import Client
from django.urls import reverse

from dietplanner.clinic import pdf as pdf_module
from dietplanner.programs.models import Challenge
from dietplanner.programs.visibility import shown_result
from tests.conftest import sign_in

from .test_report import FIRST_DOSE, at, program_with_a_challenge, report_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def just_begun(patient, catalogue):
    """Pat's first test, read on its first dose day: too early to tell."""
    program, challenge = program_with_a_challenge(patient, reaction=False, days_after=0)
    assert challenge.too_early and challenge.verdict_probability is not None
    return program, challenge


def test_the_report_says_how_sure_of_no_test_just_begun(dietitian_client, patient, just_begun):
    html = report_on(dietitian_client, patient, FIRST_DOSE)
    assert "Too early to tell" in html
    assert "foods with results like this are real triggers" not in html
    assert "repeat the test" not in html  # it has only just begun


def test_the_pdf_says_how_sure_of_no_test_just_begun(
    dietitian_client, patient, just_begun, monkeypatch
):
    drawn = []
    monkeypatch.setattr(pdf_module, "draw_pdf", lambda html, css, base: drawn.append(html) or b"")
    with at(FIRST_DOSE):
        dietitian_client.get(reverse("clinic:report-pdf", args=[patient.public_id]))
    assert "Too early to tell" in drawn[0]
    assert "foods with results like this are real triggers" not in drawn[0]
    assert "in 10" not in drawn[0] and "in 20" not in drawn[0]


def test_the_patient_page_and_the_report_agree_on_a_test_just_begun(
    dietitian_client, patient, just_begun
):
    patient_client = Client()
    sign_in(patient_client, patient)
    with at(FIRST_DOSE):
        page = patient_client.get(reverse("programs:results")).content.decode()
    report = report_on(dietitian_client, patient, FIRST_DOSE)
    for html in (page, report):
        assert "Too early to tell" in html
        assert "How sure: " not in html and "real triggers for the person" not in html


def test_the_csv_gives_no_trigger_probability_for_a_test_just_begun(
    dietitian_client, patient, just_begun
):
    with at(FIRST_DOSE):
        response = dietitian_client.get(reverse("clinic:diary-csv", args=[patient.public_id]))
    rows = response.content.decode().splitlines()
    header = rows[0].split(",")
    dose_day = next(r.split(",") for r in rows if r.startswith(FIRST_DOSE.isoformat()))
    assert dose_day[header.index("verdict")] == "Too early to tell"
    assert dose_day[header.index("trigger probability")] == ""


def test_one_rule_says_what_a_result_shows(just_begun, patient, catalogue):
    _, challenge = just_begun
    shown = shown_result(challenge)
    assert not shown.hidden and shown.too_early and shown.probability is None
    assert shown.verdict_label == "Too early to tell"
    Challenge.objects.filter(pk=challenge.pk).update(blinded=True)
    challenge.refresh_from_db()
    shown = shown_result(challenge)
    assert shown.hidden and not shown.verdict and not shown.arms and shown.probability is None
    challenge.status = Challenge.Status.DONE
    shown = shown_result(challenge)
    assert not shown.hidden and shown.arms
