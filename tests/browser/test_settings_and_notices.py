"""The settings page, the address confirmation notice and the 503 page, in the browser with
axe, on a phone and a desktop."""

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from dietplanner.accounts.models import User
from tests.browser.test_dietitian_journey import log_in
from tests.conftest import make_user
from tests.diary.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_patient_changes_time_zone_and_reminder_on_the_settings_page(
    page, axe, patient, viewport
):
    program = make_program(patient, start=patient.local_today() - timedelta(days=3))
    program.reminder_time = time(20, 0)
    program.save()
    log_in(page, patient.email)

    page.goto("/accounts/settings/")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    axe(page, f"settings-{viewport}")

    page.get_by_label("Your time zone").select_option("America/New_York")
    page.get_by_label("Reminder time").fill("07:45")
    page.get_by_label("Send me a daily reminder by e-mail").uncheck()
    page.get_by_role("button", name="Save my settings").click()

    expect(page.get_by_role("status").filter(has_text="Settings saved.")).to_be_visible()
    expect(page.get_by_label("Your time zone")).to_have_value("America/New_York")
    expect(page.get_by_label("Send me a daily reminder by e-mail")).not_to_be_checked()
    patient.refresh_from_db()
    program.refresh_from_db()
    assert patient.timezone == "America/New_York" and not patient.reminders_enabled
    assert program.reminder_time == time(7, 45)


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_wrong_password_keeps_the_old_address_and_says_why(page, axe, patient, viewport):
    log_in(page, patient.email)
    page.goto("/accounts/settings/")
    page.get_by_label("E-mail address").fill("pat.new@example.com")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Save my settings").click()

    expect(page.get_by_text("Enter your password to change your e-mail address.")).to_be_visible()
    axe(page, f"settings-error-{viewport}")
    patient.refresh_from_db()
    assert patient.email == "pat@example.com"


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_an_unconfirmed_patient_sees_the_notice_and_can_ask_for_the_link_again(
    page, axe, catalogue, viewport
):
    newcomer = make_user("nia@example.com", "Nia New", User.Role.PATIENT, email_verified_at=None)
    log_in(page, newcomer.email)
    page.goto("/today/")

    notice = page.get_by_role("status").filter(has_text="Please confirm your e-mail address")
    expect(notice).to_contain_text("nia@example.com")
    axe(page, f"verify-notice-{viewport}")
    notice.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text(re.compile("We sent a new link to nia@example.com"))).to_be_visible()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_the_database_down_page_is_the_sites_own_and_accessible(page, axe, settings, viewport):
    settings.ROOT_URLCONF = "tests.urls_boom"
    response = page.goto("/database-gone/")

    assert response.status == 503 and response.headers["retry-after"] == "30"
    expect(
        page.get_by_role("heading", name="dietplanner is unavailable for a moment")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Try again")).to_be_visible()
    axe(page, f"database-down-{viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_patient_changes_name_and_tracked_symptoms_from_tomorrow(page, axe, patient, viewport):
    program = make_program(patient, start=patient.local_today() - timedelta(days=3))
    log_in(page, patient.email)

    page.goto("/accounts/settings/")
    page.get_by_label("Your name").fill("Patricia Doe")
    symptoms = page.get_by_role("group", name=re.compile("Symptoms you score each day"))
    symptoms.get_by_label("Stiffness").uncheck()
    symptoms.get_by_label("Headache").check()
    page.get_by_role("button", name="Save my settings").click()

    tomorrow = patient.local_today() + timedelta(days=1)
    notice = page.get_by_role("status").filter(has_text="you will score")
    expect(notice).to_contain_text(f"From {tomorrow:%A} {tomorrow.day} {tomorrow:%B}")
    expect(notice).to_contain_text("Headache")
    expect(page.get_by_label("Your name")).to_have_value("Patricia Doe")
    axe(page, f"settings-symptoms-{viewport}")
    program.refresh_from_db()
    assert "stiffness" in program.symptoms  # today's list is kept for today's check-in
    assert "headache" in program.symptoms_on(tomorrow)
