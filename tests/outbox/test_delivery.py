"""Sending e-mail through the outbox: once per key, retried with back-off, never twice."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from dietplanner.outbox.models import Email
from dietplanner.outbox.services import (
    MAX_ATTEMPTS,
    email_deliver,
    email_queue,
    emails_retry_due,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def queue(key="k1", user=None, to="pat@example.com"):
    return email_queue(
        key=key, kind=Email.Kind.NOTICE, to=to, subject="Hello", body="Body", user=user
    )


class FlakyBackend:
    """A mail server that refuses the first `failures` attempts, then accepts."""

    failures = 0
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection lost")
        FlakyBackend.sent.extend(messages)
        return len(messages)


class RefusingBackend(FlakyBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"pat@example.com": (550, b"no such user")})


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_delivery.FlakyBackend"
    FlakyBackend.sent = []
    FlakyBackend.failures = 0
    return FlakyBackend


def test_a_queued_email_is_sent_by_the_task_and_recorded_as_sent():
    email = queue()

    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.attempts == 1 and email.sent_at
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_queueing_the_same_key_twice_sends_one_email():
    assert queue() is not None
    assert queue() is None

    assert len(mail.outbox) == 1
    assert Email.objects.count() == 1


def test_delivering_an_email_again_sends_nothing_more():
    email = queue()

    assert email_deliver(email.pk) == "not due"
    assert len(mail.outbox) == 1


def test_a_refused_send_is_retried_after_a_growing_wait_then_sent_once(flaky):
    flaky.failures = 2
    with time_machine.travel(NOW, tick=False) as clock:
        email = queue()
        email.refresh_from_db()
        assert email.status == Email.Status.RETRY
        assert email.next_attempt_at == NOW + timedelta(minutes=1)
        assert "SMTPServerDisconnected" in email.last_error

        assert emails_retry_due() == 0  # not yet
        clock.shift(timedelta(minutes=1))
        assert emails_retry_due() == 1
        email.refresh_from_db()
        assert email.status == Email.Status.RETRY
        assert email.next_attempt_at == NOW + timedelta(minutes=1) + timedelta(minutes=5)

        clock.shift(timedelta(minutes=5))
        emails_retry_due()
        email.refresh_from_db()
        assert email.status == Email.Status.SENT and email.attempts == 3
        assert len(flaky.sent) == 1

        clock.shift(timedelta(hours=5))
        assert emails_retry_due() == 0
    assert len(flaky.sent) == 1


def test_an_email_refused_at_every_attempt_ends_failed(flaky):
    flaky.failures = 100
    with time_machine.travel(NOW, tick=False) as clock:
        email = queue()
        for _ in range(MAX_ATTEMPTS + 2):
            clock.shift(timedelta(hours=3))
            emails_retry_due()
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert email.attempts == MAX_ATTEMPTS
    assert flaky.sent == []


def test_an_email_being_sent_by_another_worker_is_not_sent_again():
    email = Email.objects.create(
        key="claimed", kind=Email.Kind.NOTICE, to="a@example.com", subject="s", body="b"
    )
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING, attempts=1)

    assert email_deliver(email.pk) == "not due"
    assert emails_retry_due() == 0
    assert mail.outbox == []


def test_an_address_the_server_refuses_is_flagged_bounced_and_not_retried(settings, patient):
    settings.EMAIL_BACKEND = "tests.outbox.test_delivery.RefusingBackend"
    email = queue(user=patient, to=patient.email)

    email.refresh_from_db()
    patient.refresh_from_db()
    assert email.status == Email.Status.FAILED
    assert patient.email_bounced_at is not None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = queue(key="k2", user=patient, to=patient.email)
    later.refresh_from_db()
    assert later.status == Email.Status.SKIPPED
    assert mail.outbox == []


def test_the_admin_lists_what_was_sent(client, admin):
    sign_in(client, admin)
    admin_client = client
    queue()
    response = admin_client.get("/admin/outbox/email/")
    assert response.status_code == 200
    assert "pat@example.com" in response.content.decode()
    assert admin_client.get("/admin/outbox/email/add/").status_code == 403
