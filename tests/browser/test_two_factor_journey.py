"""Two-step login in a real browser, on a phone and a desktop: a new dietitian scans the QR
code, keeps the recovery codes and logs in again with a code; a patient stays signed in on
their device. Axe on every page."""

import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import PASSWORD, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_login(page, email, *, remember=False):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    if remember:
        page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_new_dietitian_sets_up_two_step_login_and_logs_in_with_a_code(
    page, axe, other_dietitian, viewport
):
    fill_login(page, other_dietitian.email)

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step login")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    axe(page, f"two-factor-setup-{viewport}")
    device = TOTPDevice.objects.get(user=other_dietitian, confirmed=False)
    page.get_by_label(re.compile(r"^\s*6-digit code from the app")).fill(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Turn on two-step login").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    axe(page, f"two-factor-codes-{viewport}")
    page.get_by_role("link", name="I have saved them, continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")

    if viewport == "mobile":
        page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()
    page.get_by_role("button", name=re.compile("Log out")).click()
    fill_login(page, other_dietitian.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Type your code")
    axe(page, f"two-factor-verify-{viewport}")
    page.get_by_label(re.compile(r"^\s*Code\W*$")).fill(current_code(other_dietitian))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_patient_chooses_to_stay_signed_in_on_their_device(page, axe, patient, viewport):
    page.goto("/accounts/login/")
    expect(page.get_by_label("Keep me signed in on this device")).not_to_be_checked()
    axe(page, f"login-keep-signed-in-{viewport}")

    fill_login(page, patient.email, remember=True)

    expect(page).to_have_url(re.compile(r"/today/$"))
    session = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    days = (session["expires"] - time.time()) / 86400
    assert 13.9 < days <= 14
