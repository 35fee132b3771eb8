import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ClinicalNote(models.Model):
    """A dietitian's private note on a client; only its author sees and edits it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinical_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinical_notes_written"
    )
    written_on = models.DateField("date", default=timezone.localdate)
    text = models.TextField(max_length=5000)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-written_on", "-created"]
        indexes = [models.Index(fields=["patient", "author", "-written_on"])]

    def __str__(self) -> str:
        return f"{self.written_on} note on {self.patient.full_name}"


class FlagReview(models.Model):
    """A dietitian marked one of a client's attention flags as reviewed (kept as history).

    The flag stays hidden until something new raises it again (`selectors.client_rows`).
    """

    link = models.ForeignKey(
        "accounts.CareLink", on_delete=models.CASCADE, related_name="flag_reviews"
    )
    flag = models.CharField(max_length=32)
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["link", "flag", "-reviewed_at"])]

    def __str__(self) -> str:
        return f"{self.flag} reviewed {self.reviewed_at:%Y-%m-%d %H:%M}"
