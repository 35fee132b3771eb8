import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
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


class ReportPdf(models.Model):
    """A client report drawn as PDF, or being drawn by the task worker (`pdf.draw_report_pdf`).

    `key` is a digest of the report's markup, style and page size: any change to what the
    report shows changes it, so a ready PDF is never stale. The markup waits here for the worker
    and is emptied once the PDF is drawn. Rows older than a day are deleted as new ones are made.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=64, unique=True)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_pdfs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_pdfs_asked"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    html = models.TextField(blank=True)
    css = models.TextField(blank=True)
    base_url = models.CharField(max_length=300, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "report PDF"

    def __str__(self) -> str:
        return f"report PDF of {self.created:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class ClientSummary(models.Model):
    """One client's line in their dietitian's list, stored so the list filters, sorts and pages
    in the database (`selectors.summary_page`) instead of working out every client per view.

    Worked out by `selectors.rows_for_links` (the flag rules' one home) and written by
    `services.client_summaries_refresh`: at once after the dietitian's own actions, and by the
    minute trigger for clients whose inputs changed since (`updated`) or whose day has turned
    (`as_of`, the client's own calendar day the values are for).

    It also keeps copies of what the list counts, checks and sorts by (the link's dietitian,
    the patient's name, e-mail and time zone), so that a page of 5,000 clients reads this one
    table through its indexes: the copies follow the link and the patient at once
    (`services.client_lines_follow_link`, `client_lines_follow_patient`).
    """

    link = models.OneToOneField(
        "accounts.CareLink", on_delete=models.CASCADE, related_name="summary"
    )
    # Copies of link.dietitian and of the patient's fields (indexed below, with the sorts).
    dietitian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(max_length=150)
    email = models.CharField(max_length=254)
    zone = models.CharField(max_length=64)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    as_of = models.DateField()
    phase = models.CharField(max_length=12)
    phase_rank = models.PositiveSmallIntegerField()  # the phase's place in program order
    place = models.CharField(max_length=200)
    last_checkin = models.DateField(null=True, blank=True)
    days_since = models.IntegerField(null=True, blank=True)
    logged_days = models.PositiveIntegerField(default=0)
    expected_days = models.PositiveIntegerField(default=0)
    off_plan_days = models.PositiveIntegerField(default=0)
    adherence = models.FloatField(null=True, blank=True)
    # The flags' slugs in the list's order, each with a space either side: " urgent reaction ".
    flags = models.CharField(max_length=200, blank=True)
    flag_count = models.PositiveSmallIntegerField(default=0)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "client summaries"
        # The list's orders, each by name after its own key, for one dietitian: the first 25
        # lines are read in order, not sorted out of all of them. The last one also serves
        # counting the lines and checking they are current.
        indexes = [
            models.Index(F("dietitian"), Lower("name"), F("email"), name="client_line_by_name"),
            models.Index(
                F("dietitian"),
                F("flag_count").desc(),
                Lower("name"),
                F("email"),
                name="client_line_by_flags",
            ),
            models.Index(
                F("dietitian"),
                F("phase"),
                F("days_since").desc(),  # nulls first in PostgreSQL, as the list sorts
                Lower("name"),
                F("email"),
                name="client_line_by_phase_checkin",
            ),
            models.Index(fields=["dietitian", "zone", "as_of"], name="client_line_current"),
        ]

    def __str__(self) -> str:
        return f"summary as of {self.as_of}"


class ClientListState(models.Model):
    """What one dietitian's client list counts, kept with its stored lines: the list reads this
    one row instead of counting and checking the dietitian's lines per view (5,000 lines: a
    scan of about 3 ms on PostgreSQL).

    Worked out again (`services.client_list_states_refresh`, under this row's lock, after the
    change) whenever the dietitian's lines are stored or deleted, one of their links starts,
    ends or is deleted, or a client's time zone changes; the minute trigger repairs what a bulk
    update left behind. `complete`: as many lines as active links. The lines are all of their
    clients' today from `valid_from` until `valid_until` (both empty: no line). The list
    trusts the row only while it is complete and now is within those bounds; otherwise (or
    with no row) it counts and checks the lines, as right as ever."""

    dietitian = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    complete = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)  # the lines (and, complete, the links)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    # The lines per filter the list offers alone: {"flag:urgent": 2, "phase:baseline": 40}.
    counts = models.JSONField(default=dict, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"client list state of {self.updated:%Y-%m-%d %H:%M}"
