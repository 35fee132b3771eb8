"""A blinded re-challenge from start to end, in the browser: Dana sets up 3 pairs from Pat's
report and plan, Pat runs it through Today (portion A and B days, quiet days) without any page
giving the key away, and once it ends the report shows the unblinded result with its pairs.
Axe on every page; screenshots with SCREENSHOT_DIR.
"""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from dietplanner.programs.models import Challenge, DailyEntry, Dose
from dietplanner.programs.services import challenge_skip, programs_refresh_due
from tests.browser.test_dietitian_journey import log_in
from tests.browser.test_program_journey import checkin
from tests.programs.test_blinded import (
    BLIND_START,
    finished_open_challenge,
    log_pain,
    reaction_days,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def on(day: date, hour: int = 9):
    """The whole app (the live server runs in this process) on `day`, the clock running."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC))


def check_in_calm(page) -> None:
    """The check-in as Pat fills it on a test day: every symptom at 3, portion taken."""
    checkin(page, 3, dose="Yes")


def assert_blind(page) -> None:
    """Nothing on the page says which portion is the food (the full check of every page and
    download is tests/programs/test_blinded.py)."""
    text = page.locator("main").inner_text().lower()
    for secret in ("placebo", "contained", "unblinded", "active portion"):
        assert secret not in text, secret


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_a_blinded_rechallenge_of_three_pairs_from_setup_to_unblinded_result(
    page, axe, patient, dietitian, viewport
):
    program, original = finished_open_challenge(patient)
    group = original.food_group.name
    challenge_skip(challenge=program.challenges.get(position=1))

    # Dana: from the client's report to the plan, where she sets up 3 pairs.
    with on(BLIND_START):
        log_in(page, dietitian.email)
        page.goto(f"/clinic/clients/{patient.public_id}/")
        page.get_by_role("link", name="Adjust the plan").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Plan of")
        page.get_by_text("Blinded re-challenge (active and placebo").first.click()
        expect(page.get_by_text("Preparing matched portions.")).to_be_visible()
        page.get_by_label("Pairs of test days").fill("3")
        page.get_by_label("Quiet days after each test day").fill("3")
        axe(page, f"blinded-setup-form-{viewport}")
        page.get_by_role("button", name="Set up a blinded re-challenge").first.click()
        expect(page.locator("#clinic-plan-notice")).to_contain_text("blinded re-challenge")
        blinded = Challenge.objects.get(program=program, blinded=True)
        expect(page.get_by_text(f"seed {blinded.blind_seed}")).to_be_visible()
        axe(page, f"blinded-key-{viewport}")
        page.context.clear_cookies()  # log out

    # Pat starts it from Today and has the first two test portions: one A, one B.
    with on(BLIND_START):
        log_in(page, patient.email)
        page.goto("/today/")
        page.get_by_role("button", name=re.compile(f"Start {group}", re.I)).click()
        expect(page.get_by_text(re.compile(r"Have test portion [AB] today"))).to_be_visible()
        assert_blind(page)
    doses = list(Dose.objects.filter(challenge=blinded).order_by("date"))
    assert len(doses) == 6 and {d.label for d in doses[:2]} == {"A", "B"}
    for dose in doses[:2]:
        with on(dose.date):
            page.goto("/today/")
            expect(page.get_by_text(f"Have test portion {dose.label} today")).to_be_visible()
            assert_blind(page)
            axe(page, f"blinded-today-{dose.label}-{viewport}")
            check_in_calm(page)
    quiet = doses[0].date + timedelta(days=2)
    with on(quiet):
        page.goto("/today/")
        expect(page.get_by_text("no test portion today, quiet day 2 of 3")).to_be_visible()
        for path in ("/program/plan/", "/program/results/", f"/foods/lookup/?q={group}"):
            page.goto(path)
            assert_blind(page)

    # The rest of the test passes: a clear reaction after each active portion.
    end = doses[-1].date + timedelta(days=6)
    DailyEntry.objects.filter(program=program, date__gte=BLIND_START).delete()
    log_pain(program, BLIND_START, end, reaction_days(blinded))
    with on(end):
        # The diary was written straight into the database: the minute trigger stores the
        # test's end and its reading (no page does).
        programs_refresh_due()
        page.context.clear_cookies()  # weeks later: a fresh log-in
        log_in(page, patient.email)
        page.goto("/program/plan/")
        expect(
            page.get_by_text(f"Portion {blinded.blind_active_label} contained it")
        ).to_be_visible()
        page.context.clear_cookies()  # log out

        log_in(page, dietitian.email)
        page.goto(f"/clinic/clients/{patient.public_id}/")
        result = page.locator("section.blinded-result")
        expect(result).to_contain_text("blinded re-challenge, unblinded")
        expect(result).to_contain_text(
            f"In 3 of 3 pairs the client's pain scores were higher after portion "
            f"{blinded.blind_active_label}"
        )
        expect(result.locator("tbody tr")).to_have_count(3)
        axe(page, f"blinded-report-result-{viewport}")
