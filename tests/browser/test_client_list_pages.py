"""A dietitian with many clients pages through the list by name, searches, and sorts by
flags. Axe on every page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_dietitian_journey import log_in
from tests.clinic.factories import clients_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_dietitian_pages_searches_and_sorts_a_long_client_list(page, axe, dietitian, viewport):
    clients_for(dietitian, 60, prefix="c", today=timezone.localdate())
    log_in(page, dietitian.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    expect(page.get_by_text("Page 1 of 3", exact=True)).to_be_visible()
    axe(page, f"clinic-clients-page-1-{viewport}")

    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 3", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Client c 00030")).to_be_visible()
    axe(page, f"clinic-clients-page-2-{viewport}")

    page.get_by_role("textbox", name="Name").fill("00042")
    page.get_by_role("textbox", name="Name").press("Enter")
    expect(page.get_by_role("link", name="Client c 00042")).to_be_visible()
    expect(page.get_by_role("link", name="Client c 00030")).to_have_count(0)
    axe(page, f"clinic-clients-search-{viewport}")

    page.goto("/clinic/")
    page.get_by_label("Sort by").select_option("Most flags first")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("th[aria-sort]")).to_contain_text("Needs attention")
    axe(page, f"clinic-clients-by-flags-{viewport}")
