"""The report's "Needs attention" flags: worked out by the client list's rules from the rows the
report read, so they are the list's flags, and a change shows on the report at once, before any
refresh of the client's stored list line (issue 17)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.accounts.models import CareLink, User
from dietplanner.clinic.models import FlagReview
from dietplanner.clinic.selectors import FLAGS, client_rows
from dietplanner.clinic.services import client_summaries_refresh_due
from dietplanner.programs.models import DailyEntry, Program, Screening
from dietplanner.programs.safety import alert_raise
from foods.models import Protocol
from tests.conftest import make_user, screened
from tests.diary.factories import log_days

from .test_clients import TODAY, add_client, flagged_clients

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


def flag_slugs_on_report(client, patient, moment=LATER) -> list[str]:
    """The report's "Needs attention" flags, in order, by slug."""
    with at(moment):
        html = client.get(reverse("clinic:report", args=[patient.public_id])).content.decode()
    section = re.search(r'<section id="attention".*?</section>', html, re.S).group(0)
    return re.findall(r'<span class="client-flag client-flag-([a-z_]+)">', section)


def test_the_report_shows_the_flags_the_client_list_works_out(dietitian_client, dietitian, clients):
    # One rule: the report works the flags out from the rows it read (`attention_flags`), the
    # list from its own reading of them (`rows_for_links`); for every kind of client they are
    # the same flags in the same order, whether or not a stored line is current.
    with at(NOON):
        screened(clients["quiet"].patient, blood_in_stools="yes")  # needs a clinician
        screened(clients["verdict"].patient, coeliac_tested="no")  # on a diet without gluten
        fodmap = add_client(dietitian, "Lou Fodmap")
        fodmap.protocol = Protocol.objects.get(slug="low-fodmap")
        fodmap.save()
        screened(fodmap.patient, coeliac_tested="no")  # a diet with gluten: nothing to review
        alert_raise(patient=clients["flat"].patient, severity="severe", on=TODAY, signs=["hives"])
        FlagReview.objects.create(
            link=CareLink.objects.get(patient=fodmap.patient),
            flag="no_checkin",
            reviewed_at=NOON,
        )
        ended = add_client(dietitian, "Ed Ended", start=TODAY - timedelta(days=60))
        log_days(ended, ended.start_date, TODAY - timedelta(days=20))
        ended.status = Program.Status.COMPLETED
        ended.save()
        nobody = make_user("nell@example.com", "Nell Noprogram", User.Role.PATIENT)
        screened(nobody, blood_in_stools="yes")
        CareLink.objects.create(dietitian=dietitian, patient=nobody, status="active")
    with at(LATER):
        listed = {row.patient.pk: list(row.flags) for row in client_rows(dietitian)}
    on_reports = {
        link.patient_id: flag_slugs_on_report(dietitian_client, link.patient)
        for link in CareLink.objects.active().filter(dietitian=dietitian)
    }
    assert on_reports == listed
    # every flag is among them; a review, a diet with gluten and an ended program hide theirs
    assert {flag for flags in listed.values() for flag in flags} == set(FLAGS)
    assert listed[fodmap.patient.pk] == []
    assert listed[ended.patient.pk] == []


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
