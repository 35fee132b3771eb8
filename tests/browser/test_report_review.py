"""The dietitian's side in the browser, phone and desktop, with axe: search the client list by
name, open a year-long report and mark its flag as reviewed (htmx swaps the section)."""

import re

import pytest
from playwright.sync_api import expect

from dietplanner.accounts.models import CareLink, User
from tests.browser.test_dietitian_journey import log_in
from tests.clinic.factories import imported_program
from tests.conftest import make_user

REVIEW_VERDICTS = re.compile(r"Mark as reviewed\W+New verdicts")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_search_a_client_and_mark_a_flag_as_reviewed(page, axe, dietitian, patient, viewport):
    imported_program(patient, 365)
    other = make_user("olga@example.com", "Olga Other", User.Role.PATIENT)
    CareLink.objects.create(dietitian=dietitian, patient=other, status=CareLink.Status.ACTIVE)
    log_in(page, dietitian.email)

    page.goto("/clinic/")
    page.get_by_label("Name").fill("pat")
    page.get_by_label("Name").press("Enter")
    table = page.locator("#client-table")
    expect(table).to_contain_text('named like "pat"')
    expect(table).to_contain_text("Pat Doe")
    expect(table).not_to_contain_text("Olga Other")
    expect(table).to_contain_text("New verdicts")
    axe(page, f"report-clients-search-{viewport}")

    table.get_by_role("link", name="Pat Doe").click()
    attention = page.locator("#attention")
    expect(attention).to_contain_text("New verdicts")
    axe(page, f"report-year-{viewport}")
    attention.get_by_role("button", name=REVIEW_VERDICTS).click()
    expect(attention.get_by_role("status")).to_contain_text("Marked as reviewed: New verdicts")
    expect(attention.get_by_role("button", name=REVIEW_VERDICTS)).to_have_count(0)
    axe(page, f"report-year-reviewed-{viewport}")

    page.goto("/clinic/?q=pat")
    expect(page.locator("#client-table")).not_to_contain_text("New verdicts")
