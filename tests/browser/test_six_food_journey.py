"""The six-food pathway in the browser: the dietitian starts it for a client, then records
what an endoscopy showed; phone and desktop, axe on every page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dietplanner.accounts.models import CareLink, User
from dietplanner.programs.models import Program
from tests.browser.test_dietitian_journey import log_in
from tests.conftest import make_user, screened
from tests.programs.test_endoscopy import ENDOSCOPY_DAY, six_food

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_the_dietitian_starts_six_food_and_records_an_endoscopy(
    page, axe, dietitian, patient, viewport
):
    log_in(page, dietitian.email)
    page.goto(f"/clinic/clients/{patient.public_id}/")
    page.get_by_role("link", name="Start a program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a program for Pat Doe")
    axe(page, f"clinic-start-{viewport}")

    page.get_by_label(re.compile("Six-food elimination")).check()
    page.get_by_role("button", name="Start the program").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan of")
    assert Program.objects.get(patient=patient).protocol.slug == "six-food"

    # A client further along: a group brought back, its scores up, awaiting the endoscopy.
    eve = screened(make_user("eve@example.com", "Eve Early", User.Role.PATIENT))
    CareLink.objects.create(
        dietitian=dietitian, patient=eve, status=CareLink.Status.ACTIVE, accepted=timezone.now()
    )
    _, challenge = six_food(eve, dietitian)
    group = challenge.food_group.name
    page.goto(f"/clinic/clients/{eve.public_id}/")
    expect(page.get_by_role("table").filter(has_text=group).first).to_contain_text(
        "To be assessed at the client's next endoscopy"
    )
    page.get_by_role("link", name="Record endoscopy outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endoscopy outcomes for Eve Early")
    axe(page, f"clinic-endoscopy-{viewport}")

    card = page.get_by_role("region", name=group, exact=True)
    card.get_by_label(re.compile("Reaction found")).check()
    card.get_by_label("Date of the endoscopy").fill(ENDOSCOPY_DAY.isoformat())
    card.get_by_label(re.compile("Note")).fill("Active EoE: 18 eos/hpf")
    card.get_by_role("button", name=f"Save the outcome for {group}").click()
    expect(page.get_by_role("region", name=group, exact=True)).to_contain_text(
        "Recorded: Reaction found: keep the food out"
    )
    axe(page, f"clinic-endoscopy-recorded-{viewport}")
    challenge.refresh_from_db()
    assert challenge.verdict == "trigger"


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_the_patient_reads_to_be_assessed_at_the_endoscopy_with_the_scores_as_context(
    page, axe, dietitian, patient, viewport
):
    _, challenge = six_food(patient, dietitian)
    log_in(page, patient.email)

    page.goto("/program/results/")
    card = page.get_by_role("region", name=challenge.food_group.name, exact=True)
    expect(card).to_contain_text("To be assessed at your next endoscopy")
    expect(card).to_contain_text("What your symptom scores showed (context, not the result)")
    expect(card).not_to_contain_text("Likely trigger")
    expect(card).not_to_contain_text("How sure")
    axe(page, f"six-food-results-pending-{viewport}")
