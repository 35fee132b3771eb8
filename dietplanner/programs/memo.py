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
  a plan kept is the plan that would be computed. Plans are shared through the site's cache
  too, under a fingerprint of the engine's source (`source_stamp`): the page after a check-in
  made in another process reads the plan that process computed instead of building the
  schedule's diary and the plan again.

- **The challenges** of a program (`record.challenge_rows`), by its plan stamp, and **the
  catalogue** (`catalogue_of`), by the catalogue stamp: see `record._kept_challenges` and
  `foods.models.CatalogueStamp`.

Everything kept is shared between the requests of one process: the rows are frozen
(`EntryRow`, `DayLog`), and pages only read them (`record.ProgramRecord`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    DateTimeField,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL

from foods.models import CatalogueStamp, Confounder, FoodGroup, ProtocolGroup, Symptom

from .models import DailyEntry, Program

logger = logging.getLogger(__name__)
DIARIES = 48  # programs whose rows one process keeps (a year of rows is about 0.5 MB)
PLANS = 256  # plans one process keeps (a plan is a few KB)
SHARED_SECONDS = 6 * 3600  # how long the shared cache keeps what one process read


_every: list[Lru] = []
_MISSING = object()  # nothing kept under a key (a kept value may be None)


class Lru:
    """A small least-recently-used memory, safe across the threads of one process.

    `name`: also kept in the site's shared cache (Redis in production), so the other server
    processes find what one of them read or wrote: `pack` turns a value into what is stored
    there (plain tuples pickle fastest), `unpack` back. A cache that fails is skipped."""

    def __init__(
        self,
        size: int,
        name: str = "",
        pack: Callable[[Any], Any] = lambda value: value,
        unpack: Callable[[Any], Any] = lambda stored: stored,
        version: str = "",
    ):
        self.size = size
        self.name = name
        # In the shared key: values made by other code (a release before this one) differ.
        self.version = version
        self.pack, self.unpack = pack, unpack
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.shared_hits = self.misses = 0
        self._written: deque[str] = deque(maxlen=4 * size)  # shared keys, for `clear`
        _every.append(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        found = self._found(key)
        if found is not _MISSING:
            return found
        value = compute()  # outside the lock: two threads may both compute, the last one stays
        self.keep(key, value)
        self.misses += 1
        return value

    def find(self, key: Hashable) -> Any:
        """What this process or the shared cache keeps under `key` (kept here from then on),
        or None: nothing computed."""
        found = self._found(key)
        return None if found is _MISSING else found

    def _found(self, key: Hashable) -> Any:
        """What this process keeps under `key`, else what the shared cache does (kept here
        from then on), else _MISSING."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        stored = self._shared_get(key)
        if stored is None:
            return _MISSING
        value = self.unpack(stored)
        self._keep(key, value)
        self.shared_hits += 1
        return value

    def keep_here(self, key: Hashable, value: Any) -> None:
        """Keep `value` under `key` in this process only."""
        self._keep(key, value)

    def peek(self, key: Hashable) -> Any:
        """What this process keeps under `key` (now the most recently used), or None: nothing
        computed, nothing asked of the shared cache."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]

    def keep(self, key: Hashable, value: Any) -> None:
        """Keep `value` under `key` here and in the shared cache."""
        self._keep(key, value)
        if self.name and settings.MEMO_SHARED:
            shared = self._shared_key(key)
            self._written.append(shared)
            try:
                cache.set(shared, self.pack(value), SHARED_SECONDS)
            except Exception:  # noqa: BLE001 - a cache down costs speed, never the page
                logger.warning("shared cache unavailable for %s", self.name, exc_info=True)

    def _keep(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def _shared_get(self, key: Hashable) -> Any:
        if not self.name or not settings.MEMO_SHARED:
            return None
        try:
            return cache.get(self._shared_key(key))
        except Exception:  # noqa: BLE001 - a cache down costs speed, never the page
            logger.warning("shared cache unavailable for %s", self.name, exc_info=True)
            return None

    def _shared_key(self, key: Hashable) -> str:
        """The key's text is all of its values (`repr` of ids, dates, times and frozen
        dataclasses), hashed to a fixed length."""
        digest = hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
        return f"memo:{self.name}{self.version}:{digest}"

    def clear(self) -> None:
        """Forget what this process kept, and what it wrote to the shared cache lately."""
        with self._lock:
            self._items.clear()
            self.hits = self.shared_hits = self.misses = 0
            written = list(self._written)
            self._written.clear()
        if written:
            cache.delete_many(written)


def source_stamp(*packages: str) -> str:
    """A short fingerprint of the Python source of `packages` (dotted names): values computed
    by code are shared between processes under it, so a release that changes the code never
    reads what the one before computed."""
    h = hashlib.blake2b(digest_size=6)
    for package in packages:
        folder = Path(importlib.util.find_spec(package).origin).parent
        for path in sorted(folder.glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return "-" + h.hexdigest()


# Every input of the engine -> its plan (frozen dataclasses), in this process and in the
# shared cache: a check-in's process computes the plan the next page needs in any process
# (a year's plan is about 5 KB; read back in a fifth of the time it takes to compute).
plans = Lru(
    PLANS,
    "plan",
    version=source_stamp("dietplanner.programs.schedule", "dietplanner.analysis"),
)
# (the diary rows are kept by `record`, which knows their shape: `record.diaries`)


def forget() -> None:
    """Empty this process's memory (tests that compare a page before and after)."""
    for kept in _every:
        kept.clear()


@dataclass(frozen=True)
class Catalogue:
    """The catalogue rows pages name things by, as of one catalogue stamp: every symptom,
    upset (confounder) and food group, and each protocol's groups in order. Shared by the
    requests of a process: read them, never change them."""

    symptoms: dict[str, Symptom]  # by slug
    confounders: tuple[Confounder, ...]  # in the catalogue's order
    groups: dict[int, FoodGroup]  # by id

    @cached_property
    def names(self) -> dict[type, dict[str, str]]:
        """Slug -> name of every symptom, upset and food group, by model."""
        return {
            Symptom: {s.slug: s.name for s in self.symptoms.values()},
            Confounder: {c.slug: c.name for c in self.confounders},
            FoodGroup: {g.slug: g.name for g in self.groups.values()},
        }

    @cached_property
    def protocol_groups(self) -> dict[int, tuple[int, ...]]:
        """Each protocol's eliminated food groups (their ids) in its order, read when first
        asked (one query for every protocol) and kept with the catalogue's stamp."""
        order: dict[int, list[int]] = {}
        rows = ProtocolGroup.objects.order_by("protocol_id", "position", "id").values_list(
            "protocol_id", "group_id"
        )
        for protocol_id, group_id in rows:
            order.setdefault(protocol_id, []).append(group_id)
        return {protocol_id: tuple(groups) for protocol_id, groups in order.items()}

    @classmethod
    def read(cls) -> Catalogue:
        """Two queries: the symptoms and upsets in one (kind 0 a symptom, 1 an upset, which
        has no help text), the food groups."""
        rows = (
            Symptom.objects.order_by()
            .values_list(Value(0), "id", "slug", "name", "help", "position")
            .union(
                Confounder.objects.order_by().values_list(
                    Value(1), "id", "slug", "name", Value(""), "position"
                ),
                all=True,
            )
        )
        symptoms, confounders = {}, []
        for kind, pk, slug, name, help_text, position in rows:
            if kind == 0:
                symptoms[slug] = Symptom(
                    id=pk, slug=slug, name=name, help=help_text, position=position
                )
            else:
                confounders.append(Confounder(id=pk, slug=slug, name=name, position=position))
        confounders.sort(key=lambda c: (c.position, c.slug))  # the catalogue's order
        return cls(
            symptoms=symptoms, confounders=tuple(confounders), groups=FoodGroup.objects.in_bulk()
        )


catalogues = Lru(4)  # catalogue stamp -> Catalogue


def catalogue_of(program) -> Catalogue:
    """The catalogue as of the stamp read with `program` (`with_diary_stamp`), from this
    process's memory when it was read under the same stamp; read now (two queries, not kept)
    for a program read without it."""
    if not hasattr(program, "catalogue_stamp"):
        return Catalogue.read()
    return catalogues.get(program.catalogue_stamp, Catalogue.read)


def with_diary_stamp(programs: QuerySet) -> QuerySet:
    """`programs` with each one's diary stamp read in the same query (two small subqueries
    on the one-entry-per-day index): `diary_count` and `diary_changed`; and the catalogue's
    stamp (`catalogue_of`), a constant one. Written as SQL, which Django need not compile on
    each page (the ORM's subqueries took about a millisecond to build and compile)."""
    return programs.annotate(
        catalogue_stamp=_raw(_CATALOGUE_STAMP, BigIntegerField()),
        diary_count=_raw(f"SELECT COUNT(*) {_ENTRIES_OF}", IntegerField()),
        diary_changed=_raw(f"SELECT MAX({_ENTRIES}.updated) {_ENTRIES_OF}", DateTimeField()),
    )


def _raw(sql: str, output_field) -> RawSQL:
    return RawSQL(sql, (), output_field=output_field)  # noqa: S611 - constant, no input


_ENTRIES, _PROGRAMS = (f'"{model._meta.db_table}"' for model in (DailyEntry, Program))
_ENTRIES_OF = f"FROM {_ENTRIES} WHERE {_ENTRIES}.program_id = {_PROGRAMS}.id"
_CATALOGUE_STAMP = f"SELECT stamp FROM {CatalogueStamp._meta.db_table} WHERE id = 1"  # noqa: S608


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
