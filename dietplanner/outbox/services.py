"""Queueing and delivering e-mail: idempotent by key, claimed before sending, retried with back-off.

`email_queue` is what the rest of the app calls; the worker runs `email_deliver` (through the
`deliver` task) and the periodic `send_due` command calls `emails_retry_due`.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Email

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, 3rd and 4th refused attempt; after the 5th the e-mail has failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def email_queue(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    body: str,
    user=None,
    headers: dict | None = None,
    fingerprint: str = "",
) -> Email | None:
    """Record an e-mail and hand it to the task queue; None if one with this key exists already.

    Safe to call from several machines at once: the unique key lets exactly one insert win. With
    the database task backend the task row is written in the caller's transaction, so a rolled
    back page sends nothing.
    """
    try:
        with transaction.atomic():
            email = Email.objects.create(
                key=key,
                kind=kind,
                user=user,
                to=to,
                subject=" ".join(subject.split())[:200],
                body=body,
                headers=headers or {},
                fingerprint=fingerprint,
            )
    except IntegrityError:
        return None
    _enqueue(email.pk)
    return email


def _enqueue(email_id: int) -> None:
    from .tasks import deliver  # the task module imports this one

    deliver.enqueue(email_id)


def _claim(email_id: int) -> Email | None:
    """Mark a due e-mail as being sent (committed), or None if it is not ours to send."""
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(
                pk=email_id,
                status__in=Email.PENDING_STATUSES,
                next_attempt_at__lte=timezone.now(),
            )
            .first()
        )
        if email is None:
            return None
        if email.user is not None and email.user.email_bounced_at is not None:
            email.status = Email.Status.SKIPPED
            email.last_error = "The address bounced earlier; nothing is sent to it."
            email.save(update_fields=["status", "last_error"])
            return None
        email.status = Email.Status.SENDING
        email.attempts += 1
        email.save(update_fields=["status", "attempts"])
        return email


def email_deliver(email_id: int) -> str:
    """Send one queued e-mail at most once; returns its status afterwards (or "not due")."""
    email = _claim(email_id)
    if email is None:
        return "not due"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers or None,
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        # The server refused the address itself: retrying cannot help, and sending to it again
        # would hurt the sender's reputation.
        _address_bounced(email, error)
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
        _failed_attempt(email, error)
    else:
        email.status = Email.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "last_error"])
    return email.status


def _failed_attempt(email: Email, error: Exception) -> None:
    email.last_error = f"attempt {email.attempts}: {type(error).__name__}: {error}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = Email.Status.FAILED
        logger.error("E-mail %s failed for good: %s", email.pk, email.last_error)
    else:
        email.status = Email.Status.RETRY
        email.next_attempt_at = timezone.now() + RETRY_DELAYS[email.attempts - 1]
        logger.warning("E-mail %s will be retried: %s", email.pk, email.last_error)
    email.save(update_fields=["status", "next_attempt_at", "last_error"])


def _address_bounced(email: Email, error: Exception) -> None:
    email.status = Email.Status.FAILED
    email.last_error = f"address refused: {error}"[:2000]
    email.save(update_fields=["status", "last_error"])
    if email.user is not None:
        type(email.user).objects.filter(pk=email.user_id, email=email.to).update(
            email_bounced_at=timezone.now()
        )


def emails_retry_due(*, now=None) -> int:
    """Hand every e-mail whose retry time has come back to the queue; returns how many."""
    now = now or timezone.now()
    ids = list(
        Email.objects.filter(status=Email.Status.RETRY, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )[:1000]
    )
    for email_id in ids:
        _enqueue(email_id)
    return len(ids)


def email_record_skipped(
    *, key: str, kind: str, to: str, subject: str, reason: str, user=None, fingerprint: str = ""
) -> Email | None:
    """Record a message that was due but is not sent (and why), so it is settled and visible."""
    try:
        with transaction.atomic():
            return Email.objects.create(
                key=key,
                kind=kind,
                user=user,
                to=to,
                subject=subject,
                body="",
                status=Email.Status.SKIPPED,
                last_error=reason,
                fingerprint=fingerprint,
            )
    except IntegrityError:
        return None
