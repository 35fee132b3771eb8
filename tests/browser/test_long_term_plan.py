"""The long-term plan in the browser: the patient's plan, summary and lookup with a portion
limit; the dietitian changing a group. Axe on every page, at phone and desktop sizes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_dietitian_journey import log_in
from tests.browser.test_program_journey import open_menu_if_collapsed
from tests.programs.longterm_factories import program_after_dairy_test

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_patient_reads_the_plan_the_summary_and_a_portion_limit_in_the_lookup(
    page, axe, patient, viewport
):
    program_after_dairy_test(patient, rise_from=4)
    log_in(page, patient.email)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Long-term plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your long-term plan")
    expect(
        page.get_by_text("Dairy: fine up to 1/2 cup of milk (120 ml) at a time.")
    ).to_be_visible()
    axe(page, f"long-term-plan-{viewport}")

    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("summary")
    expect(page.get_by_role("row", name=re.compile("Dairy"))).to_contain_text("1/2 cup of milk")
    axe(page, f"summary-{viewport}")

    page.goto("/foods/lookup/")
    page.get_by_label("Food name").fill("milk")
    card = page.locator("li.card", has=page.get_by_role("heading", name="Milk", exact=True))
    expect(card).to_contain_text("For you: Dairy: fine up to 1/2 cup of milk (120 ml)")
    axe(page, f"lookup-limit-{viewport}")

    page.goto("/program/long-term-plan/")
    page.get_by_role("link", name="Change how portions are shown").click()
    page.get_by_label("Grams and millilitres first").check()
    axe(page, f"measures-{viewport}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Grams and millilitres first")
    page.goto("/program/long-term-plan/")
    expect(
        page.get_by_text("Dairy: fine up to 120 ml of milk (1/2 cup) at a time.")
    ).to_be_visible()


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_dietitian_changes_a_group_and_sees_it_saved(page, axe, dietitian, patient, viewport):
    program_after_dairy_test(patient, rise_from=4)
    log_in(page, dietitian.email)
    page.goto(f"/clinic/clients/{patient.public_id}/long-term-plan/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Long-term plan")
    axe(page, f"clinic-long-term-{viewport}")
    page.get_by_text("Change the plan for dairy").click()
    page.get_by_label("Plan").select_option("avoid")
    page.get_by_label("Test again from").fill("2027-03-01")
    page.get_by_label("Note for the client").fill("Try yogurt before milk.")
    page.get_by_role("button", name="Save dairy").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "Dairy: avoid for now. Test again from 1 March 2027."
    )
    expect(page.get_by_text(f"Changed by {dietitian.full_name}")).to_be_visible()
    axe(page, f"clinic-long-term-changed-{viewport}")
