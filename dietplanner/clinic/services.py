"""Writes of the dietitian's side: what opening a client's data records, flag reviews and
clinical notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from dietplanner.accounts.clock import zone_today
from dietplanner.accounts.models import AccessRecord, CareLink, User
from dietplanner.accounts.selectors import access_record
from dietplanner.programs.models import Challenge, DailyEntry, Program, ReactionAlert, Screening

from .models import ClientListState, ClientSummary, ClinicalNote, FlagReview
from .selectors import (
    REVIEWABLE_FLAGS,
    client_list_state_fields,
    rows_for_links,
    summary_fields,
)

SUMMARY_BATCH = 500
ANALYZE_AFTER = 1000  # lines stored by one refresh


@transaction.atomic
def report_open(*, link: CareLink) -> CareLink:
    """Record that the report was opened through `link` (the dietitian's active link, read
    with its patient: `link_for_dietitian`) and move its last visit to now.

    Returns the link as it was before (its old `last_visit` says what is new since then).
    """
    access_record(dietitian=link.dietitian, patient=link.patient, what=AccessRecord.What.REPORT)
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
    client_list_states_refresh({link.dietitian_id for link in links}, create=True)
    return len(links)


def client_list_states_refresh(dietitian_ids: Iterable[int], *, create: bool = False) -> None:
    """Work out again the `ClientListState` of each of these dietitians from their lines and
    links, after a change to them (three or four queries each). Each is worked out under its row's
    lock, in the caller's transaction if any: changes made meanwhile wait, then work it out
    again themselves, so the last one counts every change committed. `create`: make the
    state of a dietitian who has none (the lines were stored); otherwise one with no state
    keeps none (the list counts the lines, as right)."""
    for dietitian_id in sorted(set(dietitian_ids)):  # one order of locks: no deadlock
        with transaction.atomic():
            if create:
                ClientListState.objects.bulk_create(
                    [ClientListState(dietitian_id=dietitian_id)], ignore_conflicts=True
                )
            state = ClientListState.objects.select_for_update().filter(dietitian_id=dietitian_id)
            if not list(state.values_list("pk", flat=True)):
                continue
            state.update(updated=timezone.now(), **client_list_state_fields(dietitian_id))


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
    # A copy of the patient's name, e-mail or time zone that a bulk update left behind.
    copies = (
        Q(summary__name=F("patient__full_name"))
        & Q(summary__email=F("patient__email"))
        & Q(summary__zone=F("patient__timezone"))
    )
    due = links.filter(Q(summary__isnull=True) | ~today | ~copies | changed)
    # A line whose link ended without its save (a bulk update) leaves the list here.
    ClientSummary.objects.exclude(
        link__status=CareLink.Status.ACTIVE, link__patient__role=User.Role.PATIENT
    ).delete()
    stored = client_summaries_refresh(due, now)
    # The list states these deletions, or bulk updates of links, left behind.
    client_list_states_refresh(_states_behind(), create=True)
    if stored >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # Many lines rewritten at once (the first run, a day turning for a whole time zone):
        # the planner's statistics of the table are renewed now, as autovacuum would later (or
        # never, where it is off). Without them PostgreSQL takes a dietitian's 5,000 lines for
        # a handful and sorts them all, instead of reading the first 25 through the index.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ClientSummary._meta.db_table}")
    return stored


# What the client list's lines copy of the patient (see `ClientSummary`).
_PATIENT_COPIES = frozenset({"full_name", "email", "timezone", "role"})


def client_lines_follow_link(sender, instance: CareLink, created=False, update_fields=None, **_):
    """On a link's save (post_save): a link that is no longer active leaves its dietitian's
    list at once (its line is deleted; a link made active gets its line from the next
    refresh, and the list works every client out until then). The dietitian's list state
    follows either."""
    if created and instance.status != CareLink.Status.ACTIVE:
        return  # an invitation: nothing the list counts
    if not created and update_fields is not None and "status" not in update_fields:
        return
    if instance.status != CareLink.Status.ACTIVE:
        ClientSummary.objects.filter(link=instance).delete()
    client_list_states_refresh([instance.dietitian_id], create=True)


def client_lines_follow_link_deleted(sender, instance: CareLink, origin=None, **_):
    """On a link's deletion (post_delete; its line went with it, a patient's account erased):
    the dietitian's list state counts one link and one line fewer. Not when it is the
    dietitian who is deleted (their state goes too), nor for users deleted in bulk (the
    admin's action: perhaps a dietitian's 5,000 links), whose dietitians' states the minute
    trigger works out again (`_states_behind`)."""
    if isinstance(origin, User) and origin.pk == instance.dietitian_id:
        return
    if isinstance(origin, QuerySet) and origin.model is User:
        return
    client_list_states_refresh([instance.dietitian_id])


def client_lines_follow_patient(sender, instance: User, created=False, update_fields=None, **_):
    """On a user's save (post_save): the client list's lines of this patient take their new
    name, e-mail and time zone at once (the list sorts and counts by these copies; a new time
    zone may make a line of another day, and so not current); a user who is no longer a
    patient leaves every list. Two queries, none for a save of other fields (a log-in); the
    list state of each dietitian whose line moved time zone or left follows."""
    if created or (update_fields is not None and not _PATIENT_COPIES & set(update_fields)):
        return
    lines = ClientSummary.objects.filter(link__patient_id=instance.pk)
    if instance.role != User.Role.PATIENT:
        moved = list(lines.values_list("dietitian_id", flat=True))
        lines.delete()
    else:
        moved = list(lines.exclude(zone=instance.timezone).values_list("dietitian_id", flat=True))
        lines.update(name=instance.full_name, email=instance.email, zone=instance.timezone)
    client_list_states_refresh(moved)


def _states_behind() -> set[int]:
    """The dietitians whose list state a bulk update left behind (a link started or ended
    without its save), or who have lines and no state: their lines or links no longer number
    what the state says (three queries, each one pass over its table)."""
    lines = dict(
        ClientSummary.objects.order_by().values_list("dietitian_id").annotate(n=Count("pk"))
    )
    links = dict(
        CareLink.objects.active().order_by().values_list("dietitian_id").annotate(n=Count("pk"))
    )
    states = {
        dietitian_id: (complete, total)
        for dietitian_id, complete, total in ClientListState.objects.values_list(
            "dietitian_id", "complete", "total"
        )
    }
    behind = {d for d in lines if d not in states}
    for dietitian_id, (complete, total) in states.items():
        counted = lines.get(dietitian_id, 0)
        if total != counted or complete != (counted == links.get(dietitian_id, 0)):
            behind.add(dietitian_id)
    return behind


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
