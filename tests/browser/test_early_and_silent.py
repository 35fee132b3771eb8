"""Two states a reader must not misread, in the browser with axe, phone and desktop: a food
test that has only just begun reads "Too early to tell" (not "repeat the test"), and a
client who stopped checking in is named first in the dietitian's "to discuss" list."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from dietplanner.programs.services import challenge_start, program_refresh
from tests.browser.test_dietitian_journey import log_in
from tests.diary.factories import log_days, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def program_tested_from(patient, first_dose: date, logged_until: date):
    """21 calm baseline days, the first group started on `first_dose`, calm check-ins until
    `logged_until`."""
    program = make_program(patient, start=first_dose - timedelta(days=21))
    log_days(program, program.start_date, first_dose - timedelta(days=1))
    challenge = program.challenges.order_by("position").first()
    challenge_start(challenge=challenge, on=first_dose)
    log_days(program, first_dose, logged_until)
    program_refresh(program=program, today=logged_until)
    return program


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_test_just_begun_reads_too_early_to_tell(page, axe, patient, viewport):
    today = patient.local_today()
    program_tested_from(patient, today, today)
    log_in(page, patient.email)

    page.goto("/program/results/")
    card = page.locator("section.result-card").first
    expect(card).to_contain_text("Too early to tell")
    expect(card).not_to_contain_text("Inconclusive")
    axe(page, f"results-too-early-{viewport}")

    page.goto("/program/plan/")
    verdict = page.locator("p.timeline-verdict").first
    expect(verdict).to_contain_text("Result so far: Too early to tell")
    axe(page, f"plan-too-early-{viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_the_report_says_first_when_a_client_stopped_checking_in(
    page, axe, dietitian, patient, viewport
):
    today = patient.local_today()
    last = today - timedelta(days=12)
    program_tested_from(patient, last - timedelta(days=6), last)
    log_in(page, dietitian.email)

    page.goto(f"/clinic/clients/{patient.public_id}/")
    items = page.locator("ul.report-discuss li")
    expect(items.first).to_contain_text(re.compile(r"No check-in since .* \(12 days\)"))
    axe(page, f"report-silent-{viewport}")
    # The tables fit the screen: nothing to scroll sideways to read.
    width = page.viewport_size["width"]
    for table in page.locator("table.report-challenges, table.report-levels").all():
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, table.get_attribute("class")
