"""When a daily message is due: pure calendar arithmetic on aware datetimes, no Django.

A message is due on a local day from its wall-clock time in the person's zone until
`CATCH_UP` later, so a trigger that runs every minute sends it at the first run after that
time, and a trigger that was down for the evening does not send it in the middle of the night.
A wall-clock time skipped by a daylight-saving change (02:30 on a spring-forward night) falls
at the same distance after the change (03:30); a time that happens twice falls at the first.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CATCH_UP = timedelta(hours=3)


def due_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) of the wall-clock time `at` on `day` in `zone`."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def due_day(now: datetime, at: time, zone: ZoneInfo, *, weekday: int | None = None) -> date | None:
    """The local day whose message is due at `now`, or None (`weekday`: 0 Monday, or any)."""
    today = now.astimezone(zone).date()
    if weekday is not None and today.weekday() != weekday:
        return None
    start = due_at(today, at, zone)
    return today if start <= now < start + CATCH_UP else None
