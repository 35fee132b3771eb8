"""The dietitian's side of an allergic reaction: an urgent flag on the client list until
acknowledged, the signs and the client's words on the report (and its PDF), and the clearance
that resumes home tests. Both decisions are recorded (who, when)."""

import pytest
from django.urls import reverse

from dietplanner.programs import safety
from dietplanner.programs.models import ReactionAlert
from dietplanner.programs.reactions import reaction_report
from tests.conftest import sign_in
from tests.programs.test_safety import DOSE_START, at, dairy_running

pytestmark = pytest.mark.django_db

CLIENTS = reverse("clinic:clients")


@pytest.fixture
def alert(patient, dietitian, catalogue) -> ReactionAlert:
    _, dairy = dairy_running(patient)
    return reaction_report(
        patient=patient,
        challenge=dairy,
        on=DOSE_START,
        what="My lips swelled & I couldn't talk",
        red_flags=["lip_tongue_swelling", "hoarse_voice"],
    ).alert


def report_url(patient) -> str:
    return reverse("clinic:report", args=[patient.public_id])


def action_url(name, alert) -> str:
    return reverse(f"clinic:{name}", args=[alert.patient.public_id, alert.public_id])


def test_a_red_flag_is_an_urgent_flag_on_the_client_list(dietitian_client, alert):
    with at(DOSE_START):
        html = dietitian_client.get(CLIENTS).content.decode()
    assert "client-flag-urgent" in html and "URGENT: allergic reaction to acknowledge" in html
    assert f'{report_url(alert.patient)}#reactions"' in html
    with at(DOSE_START):
        flagged = dietitian_client.get(CLIENTS, {"flag": "urgent"}).content.decode()
    assert "Pat Doe" in flagged


def test_the_flag_stays_after_opening_the_report_until_acknowledged(
    dietitian_client, dietitian, alert
):
    with at(DOSE_START):
        dietitian_client.get(report_url(alert.patient))
        assert b"client-flag-urgent" in dietitian_client.get(CLIENTS).content
        response = dietitian_client.post(action_url("reaction-acknowledge", alert), follow=True)
        assert b"client-flag-urgent" not in dietitian_client.get(CLIENTS).content
    alert.refresh_from_db()
    assert alert.acknowledged_by == dietitian and alert.acknowledged_at is not None
    assert b"Acknowledged by Dana Dietitian" in response.content
    assert safety.home_tests_paused(alert.patient)  # seen is not cleared


def test_the_report_shows_the_signs_ticked_and_the_clients_own_words(dietitian_client, alert):
    with at(DOSE_START):
        html = dietitian_client.get(report_url(alert.patient)).content.decode()
    section = html[html.index('id="reactions"') :]
    assert "Red-flag reaction (possible anaphylaxis) on 26 Jan 2026, testing Dairy" in section
    assert (
        "Swelling of the lips or tongue" in section and "Hoarse voice or trouble talking" in section
    )
    assert "My lips swelled &amp; I couldn&#x27;t talk" in section
    assert html.index('id="reactions"') < html.index("The program")  # first thing to read


def test_the_pdf_carries_the_reaction_without_the_buttons(dietitian_client, alert, monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    with at(DOSE_START):
        response = dietitian_client.get(
            reverse("clinic:report-pdf", args=[alert.patient.public_id])
        )
    assert response.status_code == 200
    assert "Hoarse voice or trouble talking" in seen[0] and "couldn" in seen[0]
    assert "Acknowledge</button>" not in seen[0]


def test_clearing_resumes_home_tests_and_is_recorded(dietitian_client, dietitian, alert):
    with at(DOSE_START):
        response = dietitian_client.post(
            action_url("reaction-clear", alert),
            {f"r{alert.public_id.hex[:8]}-note": "Seen by the allergy clinic"},
            follow=True,
        )
    alert.refresh_from_db()
    assert alert.cleared_by == dietitian and alert.clearance_note == "Seen by the allergy clinic"
    assert not safety.home_tests_paused(alert.patient)
    assert b"Cleared for home tests by Dana Dietitian" in response.content
    assert b"client-flag-urgent" not in dietitian_client.get(CLIENTS).content


def test_outsiders_get_404_and_change_nothing(client, other_dietitian, other_patient, alert):
    for who in (other_dietitian, other_patient):
        sign_in(client, who)
        for name in ("reaction-acknowledge", "reaction-clear"):
            assert client.post(action_url(name, alert)).status_code == 404
    alert.refresh_from_db()
    assert not alert.is_acknowledged and not alert.is_cleared


def test_an_alert_of_another_client_is_404(dietitian_client, dietitian, alert, other_patient):
    url = reverse("clinic:reaction-acknowledge", args=[other_patient.public_id, alert.public_id])
    assert dietitian_client.post(url).status_code == 404
    assert dietitian_client.get(action_url("reaction-acknowledge", alert)).status_code == 405
