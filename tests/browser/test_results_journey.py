"""A patient in the middle of testing foods reads their results and downloads their data.
Axe on both pages, phone and desktop."""

import re

import pytest
from playwright.sync_api import expect

from dietplanner.demo.seeding import demo_program
from tests.browser.test_dietitian_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_patient_reads_results_and_downloads_their_diary(page, axe, patient, viewport):
    demo_program(patient, days_ago=45, seed=7, today=patient.local_today())
    log_in(page, patient.email)

    page.goto("/program/results/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("results", re.I))
    cards = page.locator("section.result-card")
    expect(cards.first).to_be_visible()
    # Every card says what the app thinks, how sure, and that it is a suggestion.
    expect(cards.first).to_contain_text(re.compile(r"sure", re.I))
    expect(page.get_by_text(re.compile("discuss", re.I)).first).to_be_visible()
    axe(page, f"results-{viewport}")

    page.goto("/program/my-data/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("data", re.I))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download", re.I)).first.click()
    assert download.value.suggested_filename.endswith(".json")
    axe(page, f"my-data-{viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_results_open_with_a_summary_and_say_how_sure_in_plain_words(page, axe, patient, viewport):
    demo_program(patient, days_ago=60, seed=7, today=patient.local_today())
    log_in(page, patient.email)
    page.goto("/program/results/")
    summary = page.get_by_role("region", name="In short")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(
        re.compile("Back on your menu|Keep out for now|Worth testing again|Still being tested")
    )
    # The summary comes before the first card.
    box = summary.bounding_box()
    first_card = page.locator("section.result-card").first.bounding_box()
    assert box["y"] < first_card["y"]
    # Earlier tests are folded: open the latest of them to read its "how sure".
    page.get_by_role("link", name=re.compile("^Show the whole result for ")).first.click()
    chance = page.locator(".result-chance").first
    expect(chance).to_contain_text(re.compile(r"in (10|20) foods with results like this"))
    expect(page.locator("body")).not_to_contain_text("strength-of-evidence")
    axe(page, f"results-summary-{viewport}")
