"""What a year's diary costs to read and to plan, kept in this process's memory by its stamp.

Today, the check-in, the diary, the results and the report each read the whole diary (a year
is 365 rows of three JSON columns, decoded one by one) and run the schedule engine over it. Both
depend only on rows that rarely change between two pages, so each server process keeps the
last ones it read (`Lru`, a few dozen programs, least recently used dropped first):

- **The diary rows** of a program, keyed by its *diary stamp*: the program's id and creation, its
  `diary_revision` (bumped by every write of an entry: `DailyEntry.save`, the check-in and
  the import) and, read in the same query as the program (`with_diary_stamp`), how many
  entries it has and when the last one changed. The stamp is read from the database on every
  request, so a page never reads rows older than the database's: another process's check-in
  bumps the revision this process reads next. A program read without the stamp (a service
  inside its transaction, a row from elsewhere) reads its rows from the database as before.
- **The plan** (`schedule.compute_plan`), keyed by every one of its inputs: the diary stamp,
  the calendar settings, each challenge's state, the day, the group names and whether home
  tests are paused. The engine is a pure function of those (frozen dataclasses in and out), so
  a plan kept is the plan that would be computed.

Everything kept is shared between the requests of one process: the rows are frozen
(`EntryRow`, `DayLog`), and pages only read them (`record.ProgramRecord`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery

from .models import DailyEntry

DIARIES = 48  # programs whose rows one process keeps (a year of rows is about 0.5 MB)
PLANS = 256  # plans one process keeps (a plan is a few KB)


class Lru:
    """A small least-recently-used memory, safe across the threads of one process."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = compute()  # outside the lock: two threads may both compute, the last one stays
        with self._lock:
            self.misses += 1
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


diaries = Lru(DIARIES)  # diary stamp -> the entries (EntryRow), by date
day_logs = Lru(DIARIES)  # diary stamp -> the same rows as the schedule reads them (DayLog)
plans = Lru(PLANS)


def forget() -> None:
    """Empty this process's memory (tests that compare a page before and after)."""
    for kept in (diaries, day_logs, plans):
        kept.clear()


def with_diary_stamp(programs: QuerySet) -> QuerySet:
    """`programs` with each one's diary stamp read in the same query (two small subqueries
    on the one-entry-per-day index): `diary_count` and `diary_changed`."""
    entries = DailyEntry.objects.filter(program=OuterRef("pk")).order_by().values("program")
    return programs.annotate(
        diary_count=Subquery(
            entries.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
        ),
        diary_changed=Subquery(entries.annotate(last=Max("updated")).values("last")),
    )


def diary_stamp(program) -> tuple | None:
    """The program's diary stamp, or None when it was read without one (`with_diary_stamp`)."""
    if not hasattr(program, "diary_count"):
        return None
    return (
        program.pk,
        program.created,  # a deleted program's id may come back on SQLite
        program.diary_revision,
        program.diary_count or 0,
        program.diary_changed,
    )
