"""One clock: "today" and every time shown about a patient are on the patient's calendar.

A check-in belongs to the patient's calendar day, so "today", a day count and a time of day
about a patient are read in the patient's time zone (`User.timezone`): on the patient's own
pages, on the dietitian's pages about them, in exports, e-mails and the PDF. The server's zone
(`settings.TIME_ZONE`) is never a patient's clock; `date.today()` and `timezone.localdate()`
have no place in a request.

In code: `patient.local_today()` (or `patient_today(patient, now)` for many patients at one
instant) and `patient_time(patient, moment)`. In templates:

    {% load clock %}{{ entry.updated|patient_time:patient|date:"H:i" }}

(`patient` is `user` on the patient's own pages). The filter's result keeps its zone through
`|date` and `|time`, which otherwise show an aware moment in the server's zone.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.utils import timezone

UTC = zoneinfo.ZoneInfo("UTC")


def user_zone(user) -> zoneinfo.ZoneInfo:
    """The user's time zone (UTC for a name this machine does not know)."""
    return zone_named(getattr(user, "timezone", None))


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The time zone of this name (UTC for a name this machine does not know)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return UTC


def zone_today(name: str | None, now: datetime | None = None) -> date:
    """The calendar day now (or at `now`) of every patient whose time zone is named `name`."""
    return timezone.localtime(now, zone_named(name)).date()


def patient_today(patient, now: datetime | None = None) -> date:
    """The patient's calendar day now (or at `now`)."""
    return timezone.localtime(now, user_zone(patient)).date()


def patient_time(patient, moment: datetime) -> datetime:
    """A stored moment as the patient's wall clock shows it."""
    return timezone.localtime(moment, user_zone(patient))
