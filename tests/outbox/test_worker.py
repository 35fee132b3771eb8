"""The production path: pages only queue, the database worker sends."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from dietplanner.outbox.models import Email


class MailServerForbidden:
    """A mail backend that fails the test if a page talks to the mail server itself."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise AssertionError("the page talked to the mail server")


@pytest.fixture
def database_queue(settings):
    settings.TASK_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_an_invite_is_queued_by_the_page_and_sent_by_the_worker(
    dietitian_client, database_queue, settings
):
    settings.EMAIL_BACKEND = "tests.outbox.test_worker.MailServerForbidden"
    response = dietitian_client.post(reverse("clinic:invite"), {"email": "new@example.com"})

    assert response.status_code == 302
    email = Email.objects.get(to="new@example.com")
    assert email.status == Email.Status.QUEUED
    assert DBTaskResult.objects.count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert "/accounts/invite/" in mail.outbox[0].body
    # A second worker pass finds nothing more to send.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_healthz_reads_the_queue_when_tasks_go_through_the_database(client, database_queue):
    response = client.get("/healthz")
    assert response.status_code == 200
