"""A new patient runs a compressed program in the browser, with a test clock for the days."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from dietplanner.programs.models import Challenge
from tests.browser.conftest import answer_health_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = date(2026, 1, 5)
SYMPTOM_NAMES = ["Pain", "Fatigue"]


def checkin(page, score: int, *, dose: str | None = None) -> None:
    page.goto("/today/")
    for group in page.locator("fieldset.score-field").all():
        group.locator("label", has_text=re.compile(rf"^\s*{score}\s*$")).click()
    if dose:
        page.get_by_role("group", name=re.compile("Did you have today")).get_by_text(dose).click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("#checkin-saved")).to_contain_text("Saved your check-in")


def open_menu_if_collapsed(page) -> None:
    """The navigation collapses below Bootstrap's md breakpoint (768 px)."""
    if page.viewport_size["width"] < 768:
        page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_new_patient_runs_baseline_challenge_reaction_washout_and_next(
    page, axe, settings, viewport
):
    settings.SESSION_COOKIE_AGE = 365 * 24 * 3600  # the test clock moves weeks ahead
    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=UTC), tick=True) as clock:
        page.goto("/")
        page.get_by_role("link", name="Start: create an account").click()
        page.get_by_label("Your name").fill("Jo Journey")
        page.get_by_label("E-mail address").fill("jo@example.com")
        page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a-long-and-quiet-river")
        page.get_by_label("Password confirmation").fill("a-long-and-quiet-river")
        page.get_by_label("Your time zone").select_option("Europe/London")
        page.get_by_role("button", name="Create my account").click()
        expect(page.get_by_text("check your e-mail", exact=False).first).to_be_visible()
        link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
        page.goto(link)
        page.get_by_role("button", name="Activate my account and log in").click()

        page.get_by_role("link", name="Choose my program").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Start your elimination")
        answer_health_questions(page)
        axe(page, f"wizard-choose-{viewport}")
        page.get_by_role("link", name=re.compile("Choose Anti-inflammatory")).click()
        axe(page, f"wizard-settings-{viewport}")
        page.get_by_role("button", name=re.compile("Next|Review|Continue|See my plan")).click()
        axe(page, f"wizard-review-{viewport}")
        page.get_by_role("button", name="Start my program").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Baseline day 1 of 21")

        for offset in range(21):
            clock.move_to(
                datetime.combine(START + timedelta(days=offset), datetime.min.time(), UTC)
                + timedelta(hours=9)
            )
            checkin(page, 3)
            if offset == 8:
                expect(page.get_by_role("heading", level=1)).to_contain_text("Baseline day 9 of 21")
                axe(page, f"today-baseline-{viewport}")

        clock.move_to(datetime(2026, 1, 26, 9, tzinfo=UTC))
        page.goto("/today/")
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text("Ready for the next food group")
        axe(page, f"today-ready-{viewport}")
        page.get_by_role("button", name=re.compile(r"^Start .* today$")).click()
        expect(heading).to_contain_text("day 1 of 3")
        checkin(page, 3, dose="Yes, I had it")
        axe(page, f"today-dose-{viewport}")

        clock.move_to(datetime(2026, 1, 27, 9, tzinfo=UTC))
        page.goto("/today/")
        expect(heading).to_contain_text("day 2 of 3")
        checkin(page, 7, dose="Yes, I had it")
        page.get_by_role("link", name="I’m having a reaction").click()
        axe(page, f"reaction-{viewport}")
        page.get_by_label("What happened? (optional)").fill("Pain flare in the evening")
        page.get_by_role("button", name="Stop this food test").click()
        expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
        axe(page, f"reaction-done-{viewport}")
        first = Challenge.objects.get(status=Challenge.Status.STOPPED)
        assert first.stop_day == date(2026, 1, 27)

        for day in (28, 29, 30):
            clock.move_to(datetime(2026, 1, day, 9, tzinfo=UTC))
            checkin(page, 3)
            expect(heading).to_contain_text("Washout")
        axe(page, f"today-washout-{viewport}")

        clock.move_to(datetime(2026, 1, 31, 9, tzinfo=UTC))
        page.goto("/today/")
        expect(heading).to_contain_text("Ready for the next food group")
        page.get_by_role("button", name=re.compile(r"^Start .* today$")).click()
        expect(heading).to_contain_text("day 1 of 3")
        assert Challenge.objects.filter(status=Challenge.Status.ACTIVE).count() == 1

        open_menu_if_collapsed(page)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Plan", exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        axe(page, f"plan-{viewport}")
        open_menu_if_collapsed(page)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Diary", exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        axe(page, f"diary-{viewport}")
