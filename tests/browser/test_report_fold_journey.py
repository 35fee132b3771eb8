"""Dana opens the report of a client a year into the diet: the chart draws the whole year, the
table under it opens on the last 4 weeks, and one link shows every day (issue 17). Axe on
both, at a phone's and a desktop's width."""

import pytest
from playwright.sync_api import expect

from dietplanner.accounts.models import User
from tests.benchmarks.page_data import link, patient_with_program
from tests.browser.test_dietitian_journey import log_in
from tests.conftest import make_user

# The page's own width against what it draws: a phone user never scrolls the page sideways.
PAGE_WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def assert_no_sideways_scroll(page) -> None:
    drawn, shown = page.evaluate(PAGE_WIDTHS)
    assert drawn <= shown, f"the page is {drawn}px wide in a {shown}px window"


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_year_report_folds_its_daily_table_and_shows_every_day_on_demand(page, axe, viewport):
    dana = make_user("dana.year@example.com", "Dana Year", User.Role.DIETITIAN)
    pat = patient_with_program("pat.year@example.com", 365, "Pat Year")
    link(dana, pat)
    log_in(page, dana.email)
    page.get_by_role("link", name="Pat Year").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("report")
    page.get_by_text("The same scores as a table").click()
    folded = page.locator("details.chart-table")
    expect(folded).to_contain_text("The last 28 of 365 days.")
    expect(folded.locator("tbody tr")).to_have_count(28)
    # the wide table scrolls inside its own frame (its hidden "not scored" words too)
    assert_no_sideways_scroll(page)
    axe(page, f"clinic-report-year-folded-{viewport}")

    folded.get_by_role("link", name="Show all 365 days").click()
    every_day = page.locator("details.chart-table[open]")
    expect(every_day).to_contain_text("All 365 days.")
    expect(every_day.locator("tbody tr")).to_have_count(365)
    assert_no_sideways_scroll(page)
    axe(page, f"clinic-report-year-every-day-{viewport}")
