"""A patient with a year of food tests: the results page shows the running test in full and folds
the earlier ones; opening one swaps its whole card in place and puts the focus on its heading.
Axe before and after, phone and desktop."""

import re

import pytest
from playwright.sync_api import expect

from tests.benchmarks.page_data import patient_with_program
from tests.browser.test_dietitian_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_earlier_results_open_in_place(page, axe, viewport):
    patient = patient_with_program("pat365@example.com", 365)
    log_in(page, patient.email)
    page.goto("/program/results/")
    expect(page.get_by_role("region", name="In short")).to_be_visible()
    expect(page.locator("section.result-card")).to_have_count(1)
    earlier = page.get_by_role("region", name="Earlier tests")
    openers = earlier.get_by_role("link", name=re.compile("^Show the whole result for "))
    expect(openers).to_have_count(12)
    axe(page, f"results-folded-{viewport}")

    label = " ".join(openers.first.inner_text().split())
    name = label.removeprefix("Show the whole result for ")
    openers.first.click()
    expect(page.locator("section.result-card")).to_have_count(2)
    heading = earlier.get_by_role("heading", level=2, name=name)
    expect(heading).to_be_focused()
    expect(openers).to_have_count(11)
    opened = earlier.locator("section.result-card")
    expect(opened).to_contain_text("Days left out")
    assert page.url.endswith("/program/results/")  # swapped in place, not a new page
    axe(page, f"results-unfolded-{viewport}")
