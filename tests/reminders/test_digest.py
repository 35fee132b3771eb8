"""The dietitian's weekly digest: clients with attention flags, nothing when nothing changed."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from dietplanner.outbox.models import Email
from tests.diary.factories import log_days, make_program

pytestmark = pytest.mark.usefixtures("catalogue")

START = date(2026, 1, 5)
MONDAY_8 = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)  # 08:00 in London, Dana's zone


def send_due_at(moment: datetime) -> list:
    before = len(mail.outbox)
    with time_machine.travel(moment, tick=False):
        call_command("send_due", verbosity=0)
    return mail.outbox[before:]


def digests(sent) -> list:
    return [m for m in sent if m.to == ["dana@example.com"]]


@pytest.fixture
def silent_client(patient, dietitian):
    """Pat, Dana's client, started on 5 January and never checked in."""
    return make_program(patient, start=START)


def test_monday_morning_digest_lists_the_clients_with_flags(silent_client):
    (digest,) = digests(send_due_at(MONDAY_8))
    assert digest.subject == "1 client to look at this week"
    assert "Pat Doe (Baseline): No check-in for 3 days or more" in digest.body
    assert "/clinic/" in digest.body
    assert "/reminders/unsubscribe/" in digest.body


def test_the_digest_comes_on_mondays_only_and_once(silent_client):
    assert digests(send_due_at(datetime(2026, 1, 13, 8, 0, tzinfo=UTC))) == []  # Tuesday
    assert digests(send_due_at(datetime(2026, 1, 12, 7, 59, tzinfo=UTC))) == []
    assert len(digests(send_due_at(MONDAY_8))) == 1
    assert digests(send_due_at(datetime(2026, 1, 12, 9, 0, tzinfo=UTC))) == []


def test_no_digest_when_no_client_has_a_flag(patient, dietitian):
    program = make_program(patient, start=START)
    log_days(program, START, date(2026, 1, 11), score=3)

    assert digests(send_due_at(MONDAY_8)) == []
    skipped = Email.objects.get(kind=Email.Kind.DIGEST)
    assert skipped.status == Email.Status.SKIPPED
    assert skipped.last_error == "No client has an attention flag."


def test_no_digest_when_nothing_changed_since_the_last_one(silent_client):
    assert len(digests(send_due_at(MONDAY_8))) == 1
    assert digests(send_due_at(datetime(2026, 1, 19, 8, 0, tzinfo=UTC))) == []
    week2 = Email.objects.get(key__endswith="2026-W04")
    assert week2.status == Email.Status.SKIPPED
    assert week2.last_error == "Nothing changed since the last digest."


def test_a_new_flag_brings_a_new_digest(silent_client, other_patient, dietitian):
    from dietplanner.accounts.models import CareLink

    assert len(digests(send_due_at(MONDAY_8))) == 1
    CareLink.objects.create(dietitian=dietitian, patient=other_patient, status="active")
    make_program(other_patient, start=START)

    (digest,) = digests(send_due_at(datetime(2026, 1, 19, 8, 0, tzinfo=UTC)))
    assert digest.subject == "2 clients to look at this week"
    assert "Olive Other" in digest.body


def test_a_dietitian_who_stopped_the_digest_gets_none(silent_client, dietitian):
    dietitian.reminders_enabled = False
    dietitian.save()
    assert digests(send_due_at(MONDAY_8)) == []


def test_clients_of_other_dietitians_are_not_in_the_digest(silent_client, other_dietitian):
    sent = send_due_at(MONDAY_8)
    assert [m for m in sent if m.to == ["otto@example.com"]] == []


def test_deleting_a_patient_leaves_no_digest_naming_them(silent_client, patient):
    from dietplanner.accounts.services import account_erase

    assert len(digests(send_due_at(MONDAY_8))) == 1
    account_erase(user=patient)
    digest = Email.objects.get(kind=Email.Kind.DIGEST)
    assert digest.status == Email.Status.SENT and "Pat Doe" not in digest.body
