"""The daily check-in on a 390x844 phone: one screen, 44 px targets, the confirmation where the
patient is and focused, with and without JavaScript; the menu opens without JavaScript."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from dietplanner.accounts import services
from dietplanner.programs.models import DailyEntry
from tests.browser.conftest import VIEWPORTS, save_screenshot
from tests.browser.test_dietitian_journey import log_in
from tests.diary.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = VIEWPORTS["mobile"]


@pytest.fixture
def no_js_page(browser, live_server, catalogue):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    yield page
    context.close()


def axe_as_rendered(axe, page, no_js_page, name: str) -> None:
    """Axe needs JavaScript: check a JS-enabled copy of what the no-JS page shows."""
    html = no_js_page.content()
    page.goto(no_js_page.url)  # same origin and path, so the copy's styles and links resolve
    page.set_content(html)
    page.wait_for_load_state("networkidle")
    # Writing a copy into the page trips the CSP on its own; the app's pages are checked above.
    page.console_errors.clear()
    axe(page, name)


def score_everything(page, score: int) -> None:
    for group in page.locator("fieldset.score-field").all():
        group.locator("label", has_text=re.compile(rf"^\s*{score}\s*$")).click()


def screen_shot(page, name: str) -> None:
    """What the patient sees without scrolling (the conftest's shots are whole pages)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-screen-{width}.png"))


def assert_in_view_and_focused(page, locator) -> None:
    expect(locator).to_be_visible()
    expect(locator).to_be_focused()
    expect(locator).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
@pytest.mark.parametrize(
    "protocol, symptoms",
    [
        ("anti-inflammatory", ["pain", "fatigue", "sleep", "brain_fog", "stiffness"]),
        ("low-fodmap", ["bloating", "abdominal_pain", "bowel", "fatigue", "pain"]),
    ],
)
def test_the_common_check_in_fits_one_phone_screen_with_44px_targets(
    page, axe, patient, protocol, symptoms
):
    program = make_program(patient, start=patient.local_today(), protocol=protocol)
    program.symptoms = symptoms  # each diet's default set
    program.save(update_fields=["symptoms"])
    log_in(page, patient.email)
    page.goto("/today/")
    save_screenshot(page, f"today-day-one-{protocol}")
    heading = page.get_by_role("heading", name="Today’s check-in").bounding_box()
    save = page.get_by_role("button", name="Save check-in").bounding_box()
    # From the heading to the Save button: one 844 px screen, no swipe inside the form.
    assert save["y"] + save["height"] - heading["y"] <= PHONE["height"]
    for label in page.locator(".score-btn, .checkin-more > summary").all():
        box = label.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, label.inner_text()
    page.mouse.wheel(0, heading["y"])
    expect(page.get_by_role("button", name="Save check-in")).to_be_in_viewport(ratio=1)
    screen_shot(page, f"checkin-one-screen-{protocol}")
    # Nothing was ticked yesterday: the upsets are folded away.
    expect(page.get_by_label("Stress")).to_be_hidden()
    axe(page, f"checkin-phone-fresh-{protocol}")


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_after_save_the_confirmation_is_on_screen_and_focused(page, axe, patient, viewport):
    make_program(patient, start=patient.local_today())
    log_in(page, patient.email)
    page.goto("/today/")
    page.get_by_role("button", name="Save check-in").click()
    problem = page.locator("#checkin-problem")
    expect(problem).to_contain_text("Score at least one symptom")
    assert_in_view_and_focused(page, problem)
    score_everything(page, 3)
    page.get_by_role("button", name="Save check-in").click()
    saved = page.locator("#checkin-saved")
    expect(saved).to_contain_text("Saved your check-in at")
    assert_in_view_and_focused(page, saved)
    expect(problem).to_have_count(0)
    screen_shot(page, f"checkin-saved-{viewport}")
    assert DailyEntry.objects.get().scores["pain"] == 3
    axe(page, f"checkin-saved-{viewport}")


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
def test_without_javascript_the_saved_check_in_is_confirmed_on_screen_and_focused(
    no_js_page, page, axe, patient
):
    js_page, page = page, no_js_page
    make_program(patient, start=patient.local_today())
    log_in(page, patient.email)
    page.goto("/today/")
    page.get_by_role("button", name="Save check-in").click()
    problem = page.locator("#checkin-problem")
    expect(problem).to_contain_text("Score at least one symptom")
    assert_in_view_and_focused(page, problem)
    assert not DailyEntry.objects.exists()

    score_everything(page, 2)
    page.get_by_role("button", name="Save check-in").click()
    saved = page.locator("#checkin-saved")
    expect(saved).to_contain_text("Saved your check-in at")
    assert_in_view_and_focused(page, saved)
    screen_shot(page, "checkin-saved-no-js")
    axe_as_rendered(axe, js_page, page, "checkin-saved-no-js-copy")


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
def test_without_javascript_the_phone_menu_opens_and_leads_everywhere(
    no_js_page, page, axe, patient
):
    js_page, page = page, no_js_page
    make_program(patient, start=patient.local_today())
    log_in(page, patient.email)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Plan", exact=True)).to_be_hidden()
    nav.get_by_text("Menu", exact=True).click()
    expect(nav.get_by_role("link", name="Diary")).to_be_visible()
    screen_shot(page, "menu-open-no-js")
    axe_as_rendered(axe, js_page, page, "menu-open-no-js-copy")
    nav.get_by_role("link", name="Plan", exact=True).click()
    expect(page).to_have_url(re.compile("/program/plan/"))
    nav.get_by_text("Menu", exact=True).click()
    nav.get_by_role("link", name="Results").click()
    expect(page).to_have_url(re.compile("/program/results/"))


@pytest.mark.parametrize("viewport", ["mobile", "desktop"], indirect=True)
def test_day_one_says_what_to_leave_out_and_what_to_eat_instead(page, axe, patient, viewport):
    make_program(patient, start=patient.local_today())
    log_in(page, patient.email)
    page.goto("/today/")
    # The check-in comes first; a link near the top jumps to the guide below it.
    page.get_by_role("link", name="What to leave out, and what can I eat?").click()
    guide = page.get_by_role("list", name="What to leave out, and what can I eat?")
    expect(
        page.get_by_role("heading", name="What to leave out, and what can I eat?")
    ).to_be_in_viewport()
    gluten = guide.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Gluten", exact=True)
    )
    expect(gluten).to_contain_text("Leave out: White bread, Pasta")
    expect(gluten).to_contain_text("Eat instead: White rice")
    expect(page.get_by_role("link", name="look up any food")).to_be_visible()
    axe(page, f"today-day-one-guide-{viewport}")


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
def test_import_problems_are_listed_in_readable_contrast(page, axe, patient):
    log_in(page, patient.email)
    page.goto("/program/my-data/")
    bad = b'{"format": "dietplanner-diary", "version": 1, "program": {"protocol": "nope"}}'
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "diary.json", "mimeType": "application/json", "buffer": bad}]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    expect(page.get_by_role("alert").locator("code").first).to_be_visible()
    axe(page, "my-data-import-errors")  # color-contrast included: the <code> once failed it


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
def test_an_invite_opened_logged_out_says_who_invites_before_the_log_in(page, axe, dietitian):
    services.invite_send(dietitian=dietitian, email="new@example.com", request_base_url="http://x")
    link = re.search(r"https?://[^/\s]+(/accounts/invite/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    banner = page.get_by_role("status").filter(has_text="invited you")
    expect(banner).to_contain_text(f"{dietitian.full_name} invited you")
    expect(banner).to_contain_text("only you decide who sees your diary")
    axe(page, "login-with-invite")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("status").filter(has_text="invited you")).to_contain_text(
        "Create your account first"
    )
    axe(page, "signup-with-invite")
