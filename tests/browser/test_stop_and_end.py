"""In the browser with axe, phone and desktop: "did the baseline help?", stopping a food test
for illness, and ending a program (by the patient, and by their dietitian)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from dietplanner.programs.models import DailyEntry
from dietplanner.programs.services import challenge_start
from tests.browser.test_dietitian_journey import log_in
from tests.diary.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def baseline_done(patient, *, helped: bool, days_ago: int = 21):
    """21 baseline days logged, ending `days_ago` - 21 days ago (every symptom at 6; from
    day 4 at 3 when it helped); the days after are logged calm."""
    today = patient.local_today()
    program = make_program(patient, start=today - timedelta(days=days_ago))
    DailyEntry.objects.bulk_create(
        DailyEntry(
            program=program,
            date=program.start_date + timedelta(days=k),
            scores={s: 6 if k < 3 or (k < 21 and not helped) else 3 for s in program.symptoms},
        )
        for k in range(days_ago)
    )
    return program


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_baseline_that_did_not_help_asks_before_any_test(page, axe, patient, viewport):
    program = baseline_done(patient, helped=False)
    log_in(page, patient.email)
    page.goto("/today/")
    expect(page.get_by_role("heading", name="Did the baseline help?")).to_be_visible()
    expect(page.get_by_text("This diet may not be the answer for you.")).to_be_visible()
    expect(
        page.get_by_role("button", name="Start the food tests anyway", exact=False)
    ).to_be_visible()
    expect(page.get_by_role("button", name="Start gluten today")).to_have_count(0)
    axe(page, f"baseline-help-{viewport}")

    page.get_by_role("button", name="Start the food tests anyway", exact=False).click()
    expect(page.get_by_text("Your choice is recorded")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("day 1 of 3")
    axe(page, f"baseline-help-started-{viewport}")
    program.refresh_from_db()
    assert program.tests_despite_baseline_at is not None


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_the_patient_ends_the_program_from_the_baseline_step(page, axe, patient, viewport):
    program = baseline_done(patient, helped=False)
    log_in(page, patient.email)
    page.goto("/today/")
    page.get_by_role("link", name="End the program and go back to my usual eating").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "End my program and go back to my usual eating"
    )
    axe(page, f"end-program-{viewport}")

    page.get_by_role("button", name="End my program").click()  # no tick: asked again
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    axe(page, f"end-program-unconfirmed-{viewport}")

    page.get_by_label("Yes, end my program and go back to my usual eating").check()
    page.get_by_label("Why are you ending it?", exact=False).fill("My symptoms stayed the same")
    page.get_by_role("button", name="End my program").click()
    expect(page.get_by_text("Your program has ended")).to_be_visible()
    expect(page.get_by_role("link", name="Start a new program")).to_be_visible()
    axe(page, f"end-program-done-{viewport}")
    program.refresh_from_db()
    assert not program.is_active and program.end_reason == "My symptoms stayed the same"

    page.goto("/program/plan/")
    expect(page.get_by_text("This program was ended on", exact=False)).to_be_visible()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_the_patient_stops_a_test_for_illness(page, axe, patient, viewport):
    program = baseline_done(patient, helped=True, days_ago=22)
    challenge = program.challenges.order_by("position").first()
    # The test started yesterday, the first day the baseline was ready.
    challenge_start(challenge=challenge, on=patient.local_today() - timedelta(days=1))
    log_in(page, patient.email)
    page.goto("/today/")
    page.get_by_role("link", name="Stop for illness, travel or another reason").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop this food test for now")
    axe(page, f"stop-form-{viewport}")

    page.get_by_role("button", name="Stop the test for now").click()  # no reason: asked again
    expect(page.get_by_text("Choose why you are stopping.").first).to_be_visible()
    axe(page, f"stop-form-error-{viewport}")

    page.get_by_label("I am ill", exact=False).check()
    page.get_by_text("No", exact=True).click()
    page.get_by_label("Anything to add", exact=False).fill("A cold since last night")
    page.get_by_role("button", name="Stop the test for now").click()
    expect(page.get_by_text("This is not counted as a reaction")).to_be_visible()
    axe(page, f"stop-form-done-{viewport}")
    challenge.refresh_from_db()
    assert challenge.stop_cause == "illness"


def test_the_dietitian_ends_a_clients_program(page, axe, dietitian, patient):
    program = baseline_done(patient, helped=True)
    log_in(page, dietitian.email)
    page.goto(f"/clinic/clients/{patient.public_id}/plan/")
    page.get_by_role("link", name="End this program").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("End the program of")
    axe(page, "clinic-end-program-desktop")
    page.get_by_label("Yes, end this client's program").check()
    page.get_by_role("button", name="End the program").click()
    expect(page.get_by_text("program has ended")).to_be_visible()
    axe(page, "clinic-end-program-done-desktop")
    program.refresh_from_db()
    assert not program.is_active and program.ended_by == dietitian


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_baseline_at_its_longest_sends_to_the_dietitian(page, axe, patient, viewport):
    from dietplanner.programs.services import baseline_extend

    today = patient.local_today()
    program = baseline_done(patient, helped=True, days_ago=44)
    for days in (14, 7):
        baseline_extend(program=program, days=days, today=program.start_date)
    # A flare every 5th day: the baseline never settles.
    for entry in DailyEntry.objects.filter(program=program, date__gt=today - timedelta(days=20)):
        if entry.date.toordinal() % 5 == 0:
            entry.scores = {s: 9 for s in program.symptoms}
            entry.save()
    log_in(page, patient.email)
    page.goto("/today/")
    expect(page.get_by_role("alert")).to_contain_text("longest this diet allows (42 days)")
    expect(page.get_by_text("more day")).to_have_count(0)
    axe(page, f"baseline-longest-today-{viewport}")
    page.goto("/program/plan/")
    expect(page.get_by_text("lasts at most 42 days", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Extend my baseline")).to_have_count(0)
    axe(page, f"baseline-longest-plan-{viewport}")
