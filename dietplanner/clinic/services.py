"""Writes of the dietitian's side: what opening a client's data records, flag reviews and
clinical notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dietplanner.accounts.clock import zone_today
from dietplanner.accounts.models import AccessRecord, CareLink, User
from dietplanner.accounts.selectors import access_record
from dietplanner.programs.models import Challenge, DailyEntry, Program, ReactionAlert, Screening

from .models import ClientSummary, ClinicalNote, FlagReview
from .selectors import REVIEWABLE_FLAGS, rows_for_links, summary_fields

SUMMARY_BATCH = 500


@transaction.atomic
def report_open(*, dietitian: User, patient: User) -> CareLink | None:
    """Record that the report was opened and move the link's last visit to now.

    Returns the link as it was before (its old `last_visit` says what is new since then).
    """
    link = CareLink.objects.active().filter(dietitian=dietitian, patient=patient).first()
    access_record(dietitian=dietitian, patient=patient, what=AccessRecord.What.REPORT)
    if link is not None:
        CareLink.objects.filter(pk=link.pk).update(last_visit=timezone.now())
    return link


@transaction.atomic
def flag_review(*, dietitian: User, patient: User, flag: str) -> FlagReview:
    """Mark one of a client's attention flags as reviewed, now (kept as history).

    The caller has checked the link; ValueError for a flag that is not marked this way
    (REVIEWABLE_FLAGS). The flag shows again once something new raises it.
    """
    if flag not in REVIEWABLE_FLAGS:
        raise ValueError(f"{flag!r} is not a flag to mark as reviewed")
    link = CareLink.objects.active().get(dietitian=dietitian, patient=patient)
    review = FlagReview.objects.create(link=link, flag=flag, reviewed_at=timezone.now())
    client_summaries_refresh([link])
    return review


# --- the client list's stored summaries ---------------------------------------------------


def client_summaries_refresh(links: Iterable[CareLink], now: datetime | None = None) -> int:
    """Work out and store the client list's line of each of these links (about 10 queries per
    500 links); returns how many. Their `updated` is the moment before anything was read, so a
    change made meanwhile is found again by `client_summaries_refresh_due`."""
    now = now or timezone.now()
    links = list(links)
    fields = [f.name for f in ClientSummary._meta.concrete_fields if f.name not in ("id", "link")]
    for start in range(0, len(links), SUMMARY_BATCH):
        batch = links[start : start + SUMMARY_BATCH]
        rows = rows_for_links(batch, now)
        ClientSummary.objects.bulk_create(
            [
                ClientSummary(
                    link=row.link,
                    updated=now,
                    **summary_fields(row, zone_today(row.patient.timezone, now)),
                )
                for row in rows
            ],
            update_conflicts=True,
            unique_fields=["link"],
            update_fields=fields,
        )
    return len(links)


def client_summaries_for_patient(patient: User, now: datetime | None = None) -> int:
    """Refresh the stored list line of `patient` in each of their dietitians' lists."""
    return client_summaries_for_patient_id(patient.pk, now)


def client_summaries_for_patient_id(patient_id: int, now: datetime | None = None) -> int:
    return client_summaries_refresh(_patient_links().filter(patient_id=patient_id), now)


def client_summaries_refresh_due(now: datetime | None = None) -> int:
    """The minute trigger's part: refresh each active client's stored line that is missing,
    was worked out for another day than the client's today, or whose inputs (check-ins,
    challenges, the program, reactions, health answers, flag reviews) changed since."""
    now = now or timezone.now()
    links = _patient_links()
    zones = set(links.values_list("patient__timezone", flat=True).distinct())
    today = Q(pk__in=[])
    for zone in zones:
        today |= Q(patient__timezone=zone, summary__as_of=zone_today(zone, now))
    since = OuterRef("summary__updated")
    patient = OuterRef("patient_id")
    changed = (
        Exists(DailyEntry.objects.filter(program__patient=patient, updated__gt=since))
        | Exists(Challenge.objects.filter(program__patient=patient, updated__gt=since))
        | Exists(Program.objects.filter(patient=patient, updated__gt=since))
        | Exists(
            ReactionAlert.objects.filter(patient=patient).filter(
                Q(raised_at__gt=since) | Q(acknowledged_at__gt=since) | Q(cleared_at__gt=since)
            )
        )
        | Exists(
            Screening.objects.filter(patient=patient).filter(
                Q(answered_at__gt=since) | Q(cleared_at__gt=since)
            )
        )
        | Exists(FlagReview.objects.filter(link=OuterRef("pk"), reviewed_at__gt=since))
    )
    due = links.filter(Q(summary__isnull=True) | ~today | changed)
    return client_summaries_refresh(due, now)


def _patient_links():
    return (
        CareLink.objects.active()
        .filter(patient__role=User.Role.PATIENT)
        .select_related("patient")
        .order_by("pk")
    )


def export_record(*, dietitian: User, patient: User, what: str) -> None:
    """Record an export (`what` is one of AccessRecord.What's export_* values)."""
    access_record(dietitian=dietitian, patient=patient, what=what)


@transaction.atomic
def note_create(*, author: User, patient: User, written_on: date, text: str) -> ClinicalNote:
    """Add a private clinical note on a client; the caller has checked the link."""
    note = ClinicalNote.objects.create(
        author=author, patient=patient, written_on=written_on, text=text.strip()
    )
    access_record(dietitian=author, patient=patient, what=AccessRecord.What.NOTES)
    return note


@transaction.atomic
def note_update(*, note: ClinicalNote, written_on: date, text: str) -> ClinicalNote:
    """Change a note; the caller has checked that the user is its author."""
    note.written_on = written_on
    note.text = text.strip()
    note.save(update_fields=["written_on", "text", "updated"])
    return note
