"""A washout that stays open says why, in the browser with axe, phone and desktop: which
symptom is still above the usual level and by how much, and what the long-washout warning is
about. Once the washout has closed, the warning is gone."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from dietplanner.programs.models import DailyEntry
from dietplanner.programs.services import challenge_start
from tests.browser.test_dietitian_journey import log_in
from tests.diary.factories import log_days, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def program_in_a_long_washout(patient, today: date, high_days: int):
    """21 calm baseline days (every symptom at 3), the first group started 14 days ago, calm
    since, except pain at 6 on the last `high_days` days (today included)."""
    first_dose = today - timedelta(days=14)
    program = make_program(patient, start=first_dose - timedelta(days=21))
    log_days(program, program.start_date, first_dose - timedelta(days=1))
    challenge = program.challenges.order_by("position").first()
    challenge_start(challenge=challenge, on=first_dose)
    log_days(program, first_dose, today)
    for entry in DailyEntry.objects.filter(
        program=program, date__gt=today - timedelta(days=high_days)
    ):
        entry.scores = {**entry.scores, "pain": 6}
        entry.save()
    return program


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_an_open_washout_names_the_symptom_and_the_gap(page, axe, patient, viewport):
    program_in_a_long_washout(patient, patient.local_today(), high_days=12)
    log_in(page, patient.email)

    page.goto("/today/")
    why = page.locator("p.washout-why")
    expect(why).to_contain_text("Pain is still 3 points above your usual 3.")
    warning = page.get_by_role("status").filter(has_text="more than 10 days")
    expect(warning).to_contain_text("because pain is still above your usual level")
    axe(page, f"washout-today-{viewport}")

    page.goto("/program/plan/")
    expect(page.locator("p.washout-why")).to_contain_text("Pain is still 3 points above")
    expect(page.get_by_text("because pain is still above your usual level")).to_be_visible()
    axe(page, f"washout-plan-{viewport}")


def test_a_closed_washout_shows_no_long_washout_warning(page, axe, patient):
    # Pain came back to 3 two days ago: the washout closed yesterday after 11 days.
    today = patient.local_today()
    program_in_a_long_washout(patient, today - timedelta(days=2), high_days=10)
    log_days(patient.programs.get(), today - timedelta(days=1), today)
    log_in(page, patient.email)

    page.goto("/program/plan/")
    expect(page.get_by_text("symptoms settled").first).to_be_visible()
    expect(page.get_by_text("more than 10 days")).to_have_count(0)
    expect(page.locator("p.washout-why")).to_have_count(0)
    axe(page, "washout-closed-plan")
