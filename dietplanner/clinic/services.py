"""Writes of the dietitian's side: what opening a client's data records, flag reviews and
clinical notes."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from dietplanner.accounts.models import AccessRecord, CareLink, User
from dietplanner.accounts.selectors import access_record

from .models import ClinicalNote, FlagReview
from .selectors import REVIEWABLE_FLAGS


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
    return FlagReview.objects.create(link=link, flag=flag, reviewed_at=timezone.now())


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
