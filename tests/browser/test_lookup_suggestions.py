"""A misspelt food in the lookup offers the closest names, in the browser with axe, phone and
desktop: typing "brocoli" (live search) says "Did you mean" and one tap shows broccoli."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_dietitian_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_misspelling_offers_the_closest_food(page, axe, patient, viewport):
    log_in(page, patient.email)
    page.goto("/foods/lookup/")

    page.get_by_role("searchbox", name="Food name").fill("brocoli")
    suggestions = page.get_by_role("list", name="Did you mean:")
    expect(suggestions).to_be_visible()
    expect(page.get_by_text("No food matches “brocoli”.")).to_be_visible()
    axe(page, f"lookup-misspelling-{viewport}")

    suggestions.get_by_role("link", name="Broccoli").click()
    expect(page.get_by_role("heading", name="Broccoli", level=2)).to_be_visible()
    axe(page, f"lookup-suggestion-followed-{viewport}")
