"""A red flag in the browser: Pat (in Sydney) reports trouble breathing on her first dairy day,
reads the emergency steps with Australia's number, finds Today paused days later, and Dana
sees the urgent flag, reads the signs and Pat's words, and acknowledges it.
Axe on every page; screenshots with SCREENSHOT_DIR.
"""

import re

import pytest
from playwright.sync_api import expect

from dietplanner.accounts.models import User
from tests.browser.test_blinded_journey import on
from tests.browser.test_dietitian_journey import log_in
from tests.diary.factories import log_days
from tests.programs.test_safety import DOSE_START, LATER, dairy_running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_a_red_flag_gives_emergency_steps_pauses_today_and_flags_the_dietitian(
    page, axe, patient, dietitian, viewport
):
    User.objects.filter(pk=patient.pk).update(timezone="Australia/Sydney")
    program, _ = dairy_running(patient)

    with on(DOSE_START):
        log_in(page, patient.email)
        page.goto("/today/")
        page.get_by_role("link", name="I’m having a reaction").click()
        steps = page.locator(".emergency-steps li")
        expect(steps.first).to_contain_text("Lie flat. Do not stand or walk.")
        expect(steps.nth(1)).to_contain_text("adrenaline (epinephrine) auto-injector")
        expect(steps.nth(2)).to_contain_text("Call 000")
        expect(steps.nth(3)).to_contain_text("Go to hospital even if it settles")
        axe(page, f"reaction-page-{viewport}")

        page.get_by_label("Trouble breathing or noisy breathing").check()
        page.get_by_label("What happened?").fill("Chest went tight after the milk")
        page.get_by_role("button", name="Stop this food test").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Get emergency care now")
        expect(page.get_by_role("link", name="000")).to_have_attribute("href", "tel:000")
        expect(page.get_by_text("Tell the emergency staff you were testing Dairy")).to_be_visible()
        axe(page, f"reaction-emergency-{viewport}")

    log_days(program, DOSE_START, LATER)
    with on(LATER):
        page.goto("/today/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Home food tests are paused")
        expect(page.get_by_role("heading", name="Why your food tests are paused")).to_be_visible()
        expect(page.get_by_text("trouble breathing or noisy breathing")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("^Start "))).to_have_count(0)
        axe(page, f"today-paused-{viewport}")
        page.context.clear_cookies()

        log_in(page, dietitian.email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
        flag = page.get_by_role("link", name="URGENT: allergic reaction to acknowledge")
        expect(flag).to_be_visible()
        axe(page, f"clients-urgent-{viewport}")
        flag.click()
        section = page.locator("#reactions")
        expect(section).to_contain_text("Trouble breathing or noisy breathing")
        expect(section).to_contain_text("Chest went tight after the milk")
        axe(page, f"report-reaction-{viewport}")
        section.get_by_role("button", name="Acknowledge").click()
        expect(page.locator("#reactions")).to_contain_text("Acknowledged by Dana Dietitian")
        axe(page, f"report-reaction-acknowledged-{viewport}")
        page.goto("/clinic/")
        expect(
            page.get_by_role("link", name="URGENT: allergic reaction to acknowledge")
        ).to_have_count(0)
