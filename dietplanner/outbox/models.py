"""One row per e-mail the app sends: the record that makes sending idempotent and visible."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Email(models.Model):
    """An e-mail to send once: its `key` is unique, so queueing the same message twice is a no-op.

    A worker claims a row (status `sending`, committed) before it talks to the mail server, so a
    second worker never sends it again. A refused attempt goes back to `retry` with a later
    `next_attempt_at`; a row left in `sending` by a crash is not retried (it may have gone out).
    """

    class Kind(models.TextChoices):
        VERIFY = "verify", "Address confirmation"
        INVITE = "invite", "Dietitian invite"
        REMINDER = "reminder", "Daily reminder"
        DOSE_NOTE = "dose_note", "Dose-day morning note"
        DIGEST = "digest", "Weekly digest"
        NOTICE = "notice", "Account notice"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        RETRY = "retry", "Waiting to retry"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent"

    PENDING_STATUSES = (Status.QUEUED, Status.RETRY)

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    # What the message was about, for "nothing changed since the last one" (digests).
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "e-mail"
        verbose_name_plural = "e-mails"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to} ({self.get_status_display()})"
