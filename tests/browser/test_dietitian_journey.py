"""A dietitian follows a client: list, report, plan and a blinded re-challenge, invites; the
patient answers an invite and sees who opened their data. Axe on every page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from dietplanner.accounts.models import User
from dietplanner.programs.models import Challenge
from tests.clinic.test_report import program_with_a_challenge
from tests.conftest import PASSWORD, authenticator, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email, password=PASSWORD):
    """Log in through the form; clinic accounts also type their authenticator's code."""
    user = User.objects.get(email=email)
    if user.works_in_clinic:
        authenticator(user)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(password)
    page.get_by_role("button", name="Log in").click()
    if user.works_in_clinic:
        page.get_by_label(re.compile(r"^\s*Code\W*$")).fill(current_code(user))
        page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_dietitian_follows_a_client_and_sets_up_a_blinded_rechallenge(
    page, axe, dietitian, patient, viewport
):
    program, challenge = program_with_a_challenge(patient, days_after=3)
    # A doubtful result is what a blinded re-challenge is for.
    Challenge.objects.filter(pk=challenge.pk).update(verdict="possible", status="done")
    log_in(page, dietitian.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    axe(page, f"clinic-clients-{viewport}")

    page.get_by_role("link", name=patient.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("report")
    expect(page.get_by_role("heading", name="To discuss")).to_be_visible()
    axe(page, f"clinic-report-{viewport}")

    page.get_by_role("textbox", name=re.compile(r"^\s*Note")).fill(
        "Discussed <b>citrus</b>; try a blinded test."
    )
    page.get_by_role("button", name=re.compile("Save|Add")).first.click()
    expect(page.locator("#notes")).to_contain_text("Discussed <b>citrus</b>")

    page.get_by_role("link", name="Adjust the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan of")
    axe(page, f"clinic-plan-{viewport}")
    page.get_by_text("Blinded re-challenge (active and placebo").first.click()
    page.get_by_role("button", name="Set up a blinded re-challenge").first.click()
    expect(page.locator("#clinic-plan-notice")).to_contain_text(re.compile("blinded", re.I))
    assert Challenge.objects.filter(program=program, blinded=True).count() == 1
    axe(page, f"clinic-plan-blinded-{viewport}")

    page.goto("/clinic/invite/")
    axe(page, f"clinic-invite-{viewport}")
    page.get_by_label("Patient's e-mail address").fill("newcomer@example.com")
    page.get_by_role("button", name=re.compile("Send|Invite", re.I)).first.click()
    expect(page.get_by_role("heading", name="Invites waiting for an answer")).to_be_visible()
    assert len(mail.outbox) == 1


def test_patient_accepts_an_invite_and_sees_who_saw_their_data(page, axe, other_dietitian):
    from dietplanner.accounts.services import invite_send

    invite_send(
        dietitian=other_dietitian, email="newcomer@example.com", request_base_url="http://x"
    )
    link = re.search(r"https?://\S+/accounts/invite/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.goto(path)
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("New Comer")
    page.get_by_label("E-mail address").fill("newcomer@example.com")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a-long-and-quiet-river")
    page.get_by_label("Password confirmation").fill("a-long-and-quiet-river")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    confirm = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", mail.outbox[-1].body)
    page.goto(confirm.group(1))
    page.get_by_role("button", name="Activate my account and log in").click()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("invites you")
    axe(page, "invite-accept-desktop")
    page.get_by_role("button", name=re.compile("^Accept")).click()
    page.goto("/accounts/dietitians/")
    expect(page.get_by_role("heading", name="Sharing now")).to_be_visible()
    expect(page.locator("main")).to_contain_text(other_dietitian.full_name)
    axe(page, "my-dietitian-desktop")
    page.goto("/accounts/who-saw-my-data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who saw my data")
    axe(page, "who-saw-desktop")
