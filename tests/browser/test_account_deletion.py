"""A patient deletes their account from My data, after a wrong and then the right password;
and the page a throttled form answers with. Phone and desktop, axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from dietplanner.accounts.models import User
from tests.browser.test_dietitian_journey import log_in
from tests.conftest import PASSWORD
from tests.diary.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_patient_deletes_their_account_after_a_last_download(page, axe, viewport, patient):
    make_program(patient)
    log_in(page, patient.email)
    page.goto("/program/my-data/")
    page.get_by_role("link", name="delete your account and all your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete my account and all my data")
    expect(page.get_by_role("link", name="Download my diary file")).to_be_visible()
    axe(page, f"delete-account-{viewport}")

    page.get_by_label(re.compile(r"Your password")).fill("not-my-password")
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.get_by_text("This is not your password. Nothing was deleted.")).to_be_visible()
    axe(page, f"delete-account-wrong-password-{viewport}")
    assert User.objects.filter(pk=patient.pk).exists()

    page.get_by_label(re.compile(r"Your password")).fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.get_by_role("status").first).to_contain_text("Your account and all your data")
    axe(page, f"account-deleted-{viewport}")
    assert not User.objects.filter(pk=patient.pk).exists()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_throttled_form_says_to_try_again_later(page, axe, viewport, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password-reset": (1, 3600)}
    for _ in range(2):
        page.goto("/accounts/password/reset/")
        page.get_by_label("E-mail address").fill("someone@example.com")
        page.get_by_role("button", name="Send me a reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    expect(page.get_by_text(re.compile(r"paused for you for about \d+ minutes?"))).to_be_visible()
    axe(page, f"throttled-{viewport}")
