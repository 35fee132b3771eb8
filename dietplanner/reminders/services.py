"""Daily reminders, dose-day morning notes and the dietitians' weekly digest; and the refresh
of programs a day has passed on.

`due_work_queue` is what the periodic `send_due` command runs every minute, on one machine or
several at once: each message has a unique key (who, what, which local day or week), so when
two runs find the same message due, one records it and the other finds it recorded.
"""

import hashlib
import json
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts.clock import user_zone
from dietplanner.accounts.models import User
from dietplanner.analysis.vocabulary import TodayKind
from dietplanner.clinic.selectors import FLAGS, client_rows
from dietplanner.outbox.models import Email
from dietplanner.outbox.services import email_queue, email_record_skipped, emails_retry_due
from dietplanner.programs.models import DOSE_DAY_MORNING, DailyEntry, Dose, Program
from dietplanner.programs.record import load_record
from dietplanner.programs.services import programs_refresh_due

from .timing import CATCH_UP, due_day

DOSE_NOTE_TIME = DOSE_DAY_MORNING  # in the patient's zone, like the calendar's alarm
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(8, 0)
UNSUBSCRIBE_SALT = "dietplanner.reminders.unsubscribe"


@dataclass(frozen=True, slots=True)
class DueCounts:
    reminders: int = 0
    dose_notes: int = 0
    digests: int = 0
    retries: int = 0
    refreshed: int = 0


def due_work_queue(*, now: datetime | None = None) -> DueCounts:
    """Refresh the programs a day has passed on (their stored statuses, verdicts and long-term
    plans, `programs_refresh_due`), then queue every message due at `now` (default: now);
    returns how many of each."""
    now = now or timezone.now()
    refreshed = programs_refresh_due(now=now)
    reminders, dose_notes = _patient_messages_queue(now)
    return DueCounts(
        refreshed=refreshed,
        reminders=reminders,
        dose_notes=dose_notes,
        digests=_digests_queue(now),
        retries=emails_retry_due(now=now),
    )


# --- unsubscribe ----------------------------------------------------------------------------


def unsubscribe_url(user: User) -> str:
    token = signing.dumps({"u": str(user.public_id)}, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("reminders:unsubscribe", args=[token])


def user_for_unsubscribe(token: str) -> User | None:
    """The account an unsubscribe link names (it does not expire), or None if forged."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(public_id=data.get("u")).first()


def reminders_stop(*, user: User) -> None:
    """No more reminders, dose notes or digests; the settings page turns them back on."""
    User.objects.filter(pk=user.pk).update(reminders_enabled=False)


def _optional_mail(user: User, **context) -> dict:
    """Headers and template context shared by every message a person can turn off."""
    url = unsubscribe_url(user)
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return {
        "headers": headers,
        "context": {
            "user": user,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": url,
            "settings_url": settings.SITE_URL + reverse("accounts:settings"),
            **context,
        },
    }


# --- patients: the daily reminder and the dose-day note -------------------------------------


def _reminder_candidates():
    """Running programs whose patient wants reminders and can receive them."""
    return (
        Program.objects.active()
        .filter(
            reminder_time__isnull=False,
            patient__is_active=True,
            patient__reminders_enabled=True,
            patient__email_verified_at__isnull=False,
            patient__email_bounced_at__isnull=True,
        )
        .select_related("patient", "protocol")
    )


def _due_soon(now: datetime) -> Q:
    """Which candidates may be due at `now`, as a filter the database applies: per time zone of
    the candidates, the reminder times near the local time, and every one where it is the
    dose-note hour. The exact test (`due_day`) runs on the few rows this lets through."""
    slack = timedelta(hours=1)  # a daylight-saving change moves a wall time by an hour at most
    near = Q(pk__in=[])
    zones = _reminder_candidates().order_by().values_list("patient__timezone", flat=True)
    for name in zones.distinct():
        zone = zoneinfo.ZoneInfo(name)
        if due_day(now, DOSE_NOTE_TIME, zone) is not None:
            near |= Q(patient__timezone=name)
            continue
        wall = now.astimezone(zone)
        low, high = wall - CATCH_UP - slack, wall + slack
        near |= Q(
            patient__timezone=name,
            reminder_time__gte=low.time() if low.date() == wall.date() else time.min,
            reminder_time__lte=high.time() if high.date() == wall.date() else time.max,
        )
    return near


def _patient_messages_queue(now: datetime) -> tuple[int, int]:
    reminders: list[tuple[Program, date]] = []
    notes: list[tuple[Program, date]] = []
    for program in _reminder_candidates().filter(_due_soon(now)):
        zone = user_zone(program.patient)
        day = due_day(now, program.reminder_time, zone)
        if day is not None and day >= program.start_date:
            reminders.append((program, day))
        day = due_day(now, DOSE_NOTE_TIME, zone)
        if day is not None and day >= program.start_date:
            notes.append((program, day))
    return _reminders_queue(reminders), _dose_notes_queue(notes)


def _not_yet_recorded(pairs: list[tuple[Program, date]], prefix: str):
    keys = {f"{prefix}:{program.patient_id}:{day}": (program, day) for program, day in pairs}
    recorded = set(Email.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    return [(key, *pair) for key, pair in keys.items() if key not in recorded]


def _reminders_queue(pairs: list[tuple[Program, date]]) -> int:
    todo = _not_yet_recorded(pairs, "reminder")
    if not todo:
        return 0
    checked_in = set(
        DailyEntry.objects.filter(
            program_id__in=[program.pk for _, program, _ in todo],
            date__in={day for _, _, day in todo},
        ).values_list("program_id", "date")
    )
    queued = 0
    for key, program, day in todo:
        if (program.pk, day) in checked_in:
            continue
        plan = load_record(program, today=day, measures=program.patient.measures).plan
        mail = _optional_mail(program.patient, today=plan.today, day=day)
        queued += _queue(
            key, Email.Kind.REMINDER, program.patient, "reminder", mail, "Time for your check-in"
        )
    return queued


def _dose_notes_queue(pairs: list[tuple[Program, date]]) -> int:
    todo = _not_yet_recorded(pairs, "dose-note")
    if not todo:
        return 0
    dose_days = set(
        Dose.objects.filter(
            challenge__program_id__in=[program.pk for _, program, _ in todo],
            date__in={day for _, _, day in todo},
        ).values_list("challenge__program_id", "date")
    )
    queued = 0
    for key, program, day in todo:
        if (program.pk, day) not in dose_days:
            continue
        plan = load_record(program, today=day, measures=program.patient.measures).plan
        # The engine's word for today: a stopped challenge or a pause of home tests is no
        # longer a dose day, whatever rows the plan once had.
        if plan.today.kind != TodayKind.DOSE:
            continue
        mail = _optional_mail(program.patient, today=plan.today, day=day)
        subject = f"Today: {plan.today.portion}" if plan.today.portion else "Today: a dose day"
        queued += _queue(key, Email.Kind.DOSE_NOTE, program.patient, "dose_note", mail, subject)
    return queued


def _queue(key, kind, user, template, mail, subject, fingerprint="") -> int:
    email = email_queue(
        key=key,
        kind=kind,
        user=user,
        to=user.email,
        subject=subject,
        body=render_to_string(f"reminders/email/{template}.txt", mail["context"]),
        headers=mail["headers"],
        fingerprint=fingerprint,
    )
    return 0 if email is None else 1


# --- dietitians: the weekly digest ----------------------------------------------------------


def _digests_queue(now: datetime) -> int:
    dietitians = User.objects.dietitians().filter(
        is_active=True,
        reminders_enabled=True,
        email_verified_at__isnull=False,
        email_bounced_at__isnull=True,
    )
    queued = 0
    for dietitian in dietitians:
        zone = user_zone(dietitian)
        day = due_day(now, DIGEST_TIME, zone, weekday=DIGEST_WEEKDAY)
        if day is None:
            continue
        year, week, _ = day.isocalendar()
        key = f"digest:{dietitian.pk}:{year}-W{week:02d}"
        if Email.objects.filter(key=key).exists():
            continue
        queued += _digest_queue(dietitian, key)
    return queued


def digest_fingerprint(rows) -> str:
    """What a digest says, as a hash: the flagged clients and their flags."""
    content = sorted((str(row.patient.public_id), sorted(row.flags)) for row in rows)
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def _digest_queue(dietitian: User, key: str) -> int:
    # Each client's flags as of their own today (client_rows reads the clock).
    flagged = [row for row in client_rows(dietitian) if row.flags]
    fingerprint = digest_fingerprint(flagged)
    last = Email.objects.filter(user=dietitian, kind=Email.Kind.DIGEST).order_by("-created").first()
    reason = ""
    if not flagged:
        reason = "No client has an attention flag."
    elif last is not None and last.fingerprint == fingerprint:
        reason = "Nothing changed since the last digest."
    if reason:
        # Recorded, so the week is settled and the admin shows why nothing went out.
        email_record_skipped(
            key=key,
            kind=Email.Kind.DIGEST,
            user=dietitian,
            to=dietitian.email,
            subject="Weekly digest",
            reason=reason,
            fingerprint=fingerprint,
        )
        return 0
    mail = _optional_mail(
        dietitian,
        rows=flagged,
        flags=FLAGS,
        clients_url=settings.SITE_URL + reverse("clinic:clients"),
    )
    count = len(flagged)
    subject = f"{count} client{'s' if count != 1 else ''} to look at this week"
    return _queue(key, Email.Kind.DIGEST, dietitian, "digest", mail, subject, fingerprint)
