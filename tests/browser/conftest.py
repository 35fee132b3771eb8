"""Playwright on the system Chromium against the live server; axe on every page visited.

Skips with a message when no Chromium is found, unless REQUIRE_BROWSER=1 (CI sets it).
Set SCREENSHOT_DIR to keep a PNG of every page checked (phone and desktop sizes).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 390, "height": 844}}


def find_chromium() -> str | None:
    for candidate in [os.environ.get("CHROMIUM_PATH", ""), *CHROMIUM_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        message = "Chromium not found (apt-get install -y chromium); browser tests need it"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
    # in the same thread are still plain synchronous calls.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["desktop"])
def viewport(request):
    return request.param


@pytest.fixture
def page(browser, live_server, catalogue, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


class AxeChecker:
    """Runs axe-core (WCAG 2.1 A and AA) on a page and fails on any violation."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.checked: list[str] = []

    def __call__(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        # A locator wait, not wait_for_function: the page's CSP forbids the eval the latter uses.
        expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)
        results = self.axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
            },
        )
        self.checked.append(name)
        save_screenshot(page, name)
        assert results.violations_count == 0, f"axe on {name}:\n{results.generate_report()}"
        csp_errors = [e for e in page.console_errors if re.search("Content Security Policy", e)]
        assert not csp_errors, f"CSP violations on {name}: {csp_errors}"


def save_screenshot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


@pytest.fixture
def axe():
    return AxeChecker()


def answer_health_questions(page, **changes) -> None:
    """Answer the health questions as a screen reader user would: clear answers, with
    `changes` (question slug to answer slug), then save."""
    from dietplanner.analysis import screening as intake
    from tests.conftest import CLEAR_ANSWERS

    for question in intake.QUESTIONS:
        label = dict(question.choices)[changes.get(question.slug, CLEAR_ANSWERS[question.slug])]
        group = page.get_by_role("group", name=question.text)
        group.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Save my answers").click()
