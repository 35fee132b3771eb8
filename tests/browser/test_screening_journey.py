"""The health questions in the browser: a worrying answer and clear answers, phone and desktop."""

import re

import pytest
from playwright.sync_api import expect

from dietplanner.accounts.models import User
from tests.browser.conftest import answer_health_questions
from tests.browser.test_dietitian_journey import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_a_worrying_answer_stops_the_start_and_clear_answers_open_the_diets(page, axe, viewport):
    make_user("nina@example.com", "Nina New", User.Role.PATIENT, timezone="Europe/London")
    log_in(page, "nina@example.com")

    page.goto("/program/start/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start your elimination")
    axe(page, f"screening-questions-{viewport}")

    answer_health_questions(page, pregnant_or_breastfeeding="yes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start a diet")
    expect(page.get_by_role("status")).to_contain_text("A strict diet in pregnancy")
    expect(page.get_by_role("link", name=re.compile("^Choose "))).to_have_count(0)
    axe(page, f"screening-worrying-{viewport}")

    page.get_by_role("link", name="Change your answers").click()
    answer_health_questions(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start your elimination")
    expect(page.get_by_role("link", name=re.compile("Choose Low-FODMAP"))).to_be_visible()
    expect(page.get_by_text("With your dietitian only.")).to_be_visible()
    axe(page, f"screening-clear-{viewport}")
