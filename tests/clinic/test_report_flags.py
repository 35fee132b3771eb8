"""The report's "Needs attention" flags: read from the client's stored list line while that line
is current, worked out live otherwise, so a change shows on the report at once, before any
refresh of the line (issue 17)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.accounts.models import CareLink
from dietplanner.clinic.models import ClientSummary, FlagReview
from dietplanner.clinic.services import client_summaries_refresh_due
from dietplanner.programs.models import DailyEntry, Screening
from dietplanner.programs.safety import alert_raise
from tests.diary.factories import log_days

from .test_clients import TODAY, flagged_clients

pytestmark = pytest.mark.django_db
NOON = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)
LATER = NOON + timedelta(minutes=5)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def clients(dietitian, catalogue):
    with at(NOON - timedelta(hours=1)):
        programs = flagged_clients(dietitian)
    Screening.objects.update(answered_at=NOON - timedelta(days=30))
    with at(NOON):
        client_summaries_refresh_due()
    return programs


def flags_on_report(client, program, moment=LATER) -> str:
    """The text of the report's "Needs attention" section at `moment`."""
    with at(moment):
        html = client.get(reverse("clinic:report", args=[program.patient.public_id])).content
    section = re.search(r'<section id="attention".*?</section>', html.decode(), re.S).group(0)
    return re.sub(r"<[^>]+>", " ", section)


def test_the_report_shows_the_flags_of_the_stored_line_while_it_is_current(
    dietitian_client, clients
):
    quiet = clients["quiet"]
    assert "No check-in for 3 days or more" in flags_on_report(dietitian_client, quiet)
    # The report reads the line (the list's and the report's flags are one): a line that says
    # otherwise, and is current, is what the report shows.
    ClientSummary.objects.filter(link__patient=quiet.patient).update(flags=" baseline ")
    text = flags_on_report(dietitian_client, quiet)
    assert "Baseline not improving" in text and "No check-in" not in text


def test_a_check_in_after_the_line_was_stored_clears_the_flag_at_once(dietitian_client, clients):
    quiet = clients["quiet"]
    with at(LATER):
        log_days(quiet, TODAY, TODAY)
    assert "No check-in" not in flags_on_report(dietitian_client, quiet)


def test_a_reaction_reported_after_the_line_was_stored_shows_at_once(dietitian_client, clients):
    flat = clients["flat"]
    with at(LATER):
        alert_raise(patient=flat.patient, severity="severe", on=TODAY, signs=["hives"])
    assert "URGENT: allergic reaction to acknowledge" in flags_on_report(dietitian_client, flat)


def test_a_changed_challenge_shows_at_once(dietitian_client, clients):
    washout = clients["washout"]
    assert "Washout over 10 days" in flags_on_report(dietitian_client, washout)
    with at(LATER):
        challenge = washout.challenges.get(status="washout")
        challenge.status = "done"
        challenge.save()
    assert "Washout over 10 days" not in flags_on_report(dietitian_client, washout)


def test_a_review_stored_after_the_line_hides_the_flag_at_once(dietitian_client, clients):
    quiet = clients["quiet"]
    link = CareLink.objects.get(patient=quiet.patient)
    FlagReview.objects.create(link=link, flag="no_checkin", reviewed_at=LATER)
    assert "No check-in" not in flags_on_report(dietitian_client, quiet)


def test_a_deleted_check_in_shows_at_once(dietitian_client, clients):
    # Deleting leaves no change time: the report compares the line with the diary it read.
    calm = DailyEntry.objects.get(program__patient__full_name="Cal Calm", date=TODAY).program
    assert "No check-in" not in flags_on_report(dietitian_client, calm)
    DailyEntry.objects.filter(program=calm, date__gt=TODAY - timedelta(days=3)).delete()
    assert "No check-in for 3 days or more" in flags_on_report(dietitian_client, calm)


def test_a_line_of_yesterday_is_not_read_once_the_clients_day_has_turned(dietitian_client, clients):
    flat = clients["flat"]  # checked in until today
    three_days_on = NOON + timedelta(days=3)
    assert "No check-in for 3 days or more" in flags_on_report(
        dietitian_client, flat, three_days_on
    )
