import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dietplanner.accounts.models import User
from tests.browser.test_dietitian_journey import log_in
from tests.conftest import PASSWORD, authenticator, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_landing_sign_up_then_food_lookup(page, axe, viewport):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Find out which foods")
    axe(page, f"landing-{viewport}")

    page.get_by_role("link", name="Start: create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    axe(page, f"signup-{viewport}")
    page.get_by_label("Your name").fill("Robin Tester")
    page.get_by_label("E-mail address").fill("robin@example.com")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a-long-and-quiet-river")
    page.get_by_label("Password confirmation").fill("a-long-and-quiet-river")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    axe(page, f"signup-sent-{viewport}")
    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", mail.outbox[-1].body)
    page.goto(link.group(1))
    axe(page, f"signup-confirm-{viewport}")
    page.get_by_role("button", name="Activate my account and log in").click()
    expect(page.get_by_role("status").first).to_contain_text("Welcome, Robin")
    assert User.objects.get(email="robin@example.com").is_patient
    axe(page, f"patient-home-{viewport}")

    if viewport == "mobile":  # the navigation collapses below 768 px
        page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Food lookup").click()
    expect(page.get_by_role("heading", name="Food lookup")).to_be_visible()
    axe(page, f"lookup-empty-{viewport}")
    page.get_by_label("Food name").press_sequentially("creme fraiche", delay=20)
    results = page.locator("#lookup-results")
    expect(results.get_by_role("heading", name="Crème fraîche")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=creme"))  # the live search is bookmarkable
    axe(page, f"lookup-results-{viewport}")

    page.get_by_label("Food name").fill("zzqqxx")
    page.get_by_role("button", name="Search").click()
    expect(results).to_contain_text("No food matches")
    axe(page, f"lookup-nomatch-{viewport}")


def test_dietitian_logs_in_and_lands_on_their_home(page, axe, dietitian):
    authenticator(dietitian)
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    axe(page, "login-desktop")
    page.get_by_label("E-mail address").fill(dietitian.email)
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label(re.compile(r"^\s*Code\W*$")).fill(current_code(dietitian))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients")
    ).to_be_visible()
    axe(page, "dietitian-clients-desktop")


def test_keyboard_user_can_skip_to_content(page, axe):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()


def test_404_page_is_styled_and_accessible(page, axe):
    page.goto("/no/such/page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    axe(page, "404-desktop")


def test_on_a_laptop_the_patients_menu_bar_is_one_line(page, patient):
    """At 1280 px (a common laptop) every link of the patient's bar sits on one line: none
    drops to a second row under the others."""
    log_in(page, patient.email)
    page.goto("/today/")
    links = page.locator("#main-nav .nav-link")
    expect(links.filter(has_text="My dietitian")).to_be_visible()
    tops = [links.nth(i).bounding_box()["y"] for i in range(links.count())]
    assert max(tops) - min(tops) < 10, f"the bar wraps: links at {sorted(set(tops))}"
