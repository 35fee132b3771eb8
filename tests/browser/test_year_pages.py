"""A year's diary and results, as a phone and a desktop show them: axe finds nothing, the page
is no wider than the screen, and the day cards, the chart and the folded results are there
(they are rendered once per server process and reused: the second view must look the same)."""

import pytest
from playwright.sync_api import expect

from tests.benchmarks.page_data import patient_with_program
from tests.browser.test_dietitian_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_years_diary_and_results_twice(page, axe, viewport):
    patient = patient_with_program("pat365@example.com", 365)
    log_in(page, patient.email)
    for visit in (1, 2):
        page.goto("/diary/")
        expect(page.locator("li.diary-day")).to_have_count(14)
        expect(page.get_by_role("img", name=r"Your symptom scores").first).to_be_attached()
        assert fits_the_screen(page)
        axe(page, f"diary-year-{visit}-{viewport}")

        page.goto("/program/results/")
        expect(page.locator("section.result-card")).to_have_count(1)
        expect(page.locator(".result-fold")).to_have_count(12)
        assert fits_the_screen(page)
        axe(page, f"results-year-{visit}-{viewport}")
