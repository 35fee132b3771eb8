"""The program record: one program read once, and the only bridge to the two engines.

    record = load_record(program, today=today, measures=user.measures)   # 3-4 queries
    record.plan            # schedule.compute_plan as of today, statuses derived
    record.facts()         # the analysis input (ProgramFacts, DayEntry list)

`load_record` reads the program's challenges (with their food group and endoscopy outcome),
their doses, the diary entries and, while the program runs, the reaction alerts that pause its
home tests: four queries (three for an ended program), whatever the diary's length. Everything
else is answered from those rows in memory: the plan, the statuses the plan implies, the last
day the program covers, each day's place in the program, adherence, the engine diary and the
analysis input. A program read with its stamps (`shown_program`) takes its entries, its
challenges and their food groups from this process's memory when they were read under the
same stamps (`memo`): no query at all.

Derived statuses: stored challenge statuses lag behind the calendar (dose days end, washouts
settle) until `services.program_refresh` stores them. The record's challenges carry the status
the plan implies (`derived_changes` lists what a refresh would write), so every page reads the
same program whether or not the refresh has run yet. Pages only read; services write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache, cached_property, partial

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.base import ModelState
from django.db.models.functions import Cast

from dietplanner import charts
from dietplanner.accounts.models import User
from dietplanner.analysis.diary import ChallengeFacts, DayEntry, ProgramFacts
from dietplanner.analysis.diary import Dose as DoseFacts
from dietplanner.analysis.vocabulary import Phase, TodayKind
from dietplanner.prepared import Positive, Prepared

from . import memo, schedule
from .models import Challenge, DailyEntry, Dose, EndoscopyOutcome, Program, ReactionAlert

NO_CHALLENGE = "Elimination diet, no challenge running"
PHASE_STATUS = {Phase.DOSE: Challenge.Status.ACTIVE, Phase.WASHOUT: Challenge.Status.WASHOUT}
# A started challenge's statuses in the order the calendar moves it (never back).
_ORDER = [
    Challenge.Status.PLANNED,
    Challenge.Status.ACTIVE,
    Challenge.Status.WASHOUT,
    Challenge.Status.DONE,
]
_ARMS = ("active", "placebo")
_ONE_DAY = timedelta(days=1)


def shown_program(
    patient: User, *, running_only: bool = False, lock: bool = False
) -> Program | None:
    """The patient's program: the running one, else (unless `running_only`) the latest ended
    one; None without any. One query, with its protocol and health answers, and whether a
    reaction alert pauses the patient's home tests (`paused_now`). `lock`: the same query
    takes the program's row lock (`services.program_lock`, program first, as every writer
    does), inside the caller's transaction.

    Every patient page runs it first, so its SQL is built once per process (`Prepared`) and
    only the patient's id changes: the ORM took about a millisecond to build and compile it."""
    return _SHOWN[running_only, lock].first(patient_id=patient.pk)


def _shown_query(patient_id: int, *, running_only: bool, lock: bool) -> QuerySet:
    programs = Program.objects.filter(patient_id=patient_id)
    if lock:
        programs = programs.select_for_update(of=("self",))
    if running_only:
        programs = programs.filter(status__in=Program.ACTIVE_STATUSES)
    running_first = Case(
        When(status__in=Program.ACTIVE_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    pausing = ReactionAlert.objects.filter(patient=OuterRef("patient_id")).pausing()
    return (
        memo.with_diary_stamp(programs.select_related("protocol", "screening"))
        .annotate(paused_now=Exists(pausing))
        .order_by(running_first.asc(), "-start_date", "-created")[:1]
    )


_SHOWN = {
    (running_only, lock): Prepared(
        partial(_shown_query, running_only=running_only, lock=lock), patient_id=int
    )
    for running_only in (False, True)
    for lock in (False, True)
}


def day_log(day: date, scores, confounders, off_plan=()) -> schedule.DayLog:
    """One stored entry as the schedule reads it (blank scores were not scored)."""
    return schedule.DayLog(
        day=day,
        scores={k: int(v) for k, v in (scores or {}).items() if v is not None},
        confounders=frozenset(confounders or ()),
        off_plan=frozenset(off_plan or ()),
    )


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One diary entry as the record reads it: the stored values, no model object (a year of
    check-ins is read on every Today and diary page). Pages only read it; a check-in is
    written through `diary.services` (`ProgramRecord.with_entry`)."""

    date: date
    scores: dict
    confounders: list
    off_plan: list
    note: str
    updated: datetime | None

    @classmethod
    def of(cls, entry: DailyEntry) -> EntryRow:
        """The row of a saved entry."""
        return cls(*(getattr(entry, name) for name in ENTRY_FIELDS))


ENTRY_FIELDS = ("date", "scores", "confounders", "off_plan", "note", "updated")

# diary stamp -> the entries by date, in this process and in the shared cache (as plain
# tuples: they pickle twice as fast as the rows), see `memo` and `_kept_entries`
diaries = memo.Lru(
    memo.DIARIES,
    "diary",
    pack=lambda rows: tuple(_row_values(r) for r in rows),
    unpack=lambda stored: tuple(EntryRow(*values) for values in stored),
)
# diary stamp after a check-in -> (the stamp before it, the saved row as a tuple), in this
# process and the shared cache: a process keeping the rows before builds the rows after
# (`_kept_entries`) instead of reading a year of them
diary_steps = memo.Lru(4 * memo.DIARIES, "diary-step")
STEPS = 8  # check-ins followed back to rows this process keeps, at most
# (program id, creation) -> (diary stamp, rows by day, DayLogs): the last diary this process
# built for the schedule of each program (`_kept_day_logs`)
day_logs = memo.Lru(memo.DIARIES)
# (program id, creation, plan stamp) -> its challenges' rows (`_kept_challenges`)
challenge_rows = memo.Lru(memo.DIARIES)
# (program id, creation) -> (diary stamp, rows): the last rows this process kept of each
# program, whatever their stamp: after a check-in elsewhere, only the rows written since
# are read (`_changed_since`)
latest_rows = memo.Lru(memo.DIARIES)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A status the plan implies that is not stored yet (what `program_refresh` writes)."""

    challenge: Challenge
    status: str
    washout_end: date | None


@dataclass(eq=False)
class ProgramRecord:
    """A program with its rows, as of `today` (see the module docstring). Build it with
    `load_record`; do not change its rows, build a new record after a write."""

    program: Program
    today: date
    measures: str
    challenges: list[Challenge]  # plan order, food group, endoscopy and doses loaded
    entries: list[EntryRow]  # by date
    pause_alerts: list[ReactionAlert] = field(default_factory=list)
    # status and washout end as stored, before the plan's derived ones were applied
    stored: dict[int, tuple[str, date | None]] = field(default_factory=dict)
    with_doses: bool = True  # the challenges' doses were loaded (`load_record`)
    # The diary stamp its entries were read under (`memo.diary_stamp`): the rows and plans
    # kept in memory under it are this record's. None: read afresh, or changed since.
    diary_key: tuple | None = None

    def with_entry(self, entry: DailyEntry) -> ProgramRecord:
        """The record after `entry` was saved (its day's row replaced), statuses derived again.
        It shares this record's challenges: use only the new record from then on.

        Called by the check-in under the program's lock, after its save bumped the diary
        revision once: when this record was read with its diary stamp, the stamp after the
        save is known exactly (revision + 1, one more entry for a new day, the last change
        the entry's), so the rows are kept under it once the save commits, for the pages
        that follow in any server process (`memo`)."""
        for challenge in self.challenges:
            challenge.status, challenge.washout_end = self.stored[challenge.pk]
        new_day = entry.date not in self.entry_by_day
        saved = EntryRow.of(entry)
        entries = _with_row(self.entries, saved)
        key = None
        if self.diary_key is not None:
            pk, created, revision, count, changed = self.diary_key
            last = entry.updated if changed is None else max(changed, entry.updated)
            key = (pk, created, revision + 1, count + new_day, last)
            step = (self.diary_key, _row_values(saved))
            transaction.on_commit(lambda: _keep_step(key, tuple(entries), step))
        record = replace(self, entries=entries, diary_key=key)
        if "diary" in self.__dict__:  # the schedule's diary, built already: one day changed
            logs = dict(self.diary)
            logs[saved.date] = day_log(saved.date, saved.scores, saved.confounders, saved.off_plan)
            logs = dict(sorted(logs.items()))  # by date, as `_day_logs` builds it
            record.__dict__["diary"] = logs
            if key is not None:
                by_day = {e.date: e for e in entries}
                transaction.on_commit(lambda: day_logs.keep(key[:2], (key, by_day, logs)))
        _derive_statuses(record)
        return record

    # --- rows --------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        """A reaction alert not cleared yet pauses the running program's home tests."""
        return self.program.is_active and bool(self.pause_alerts)

    @cached_property
    def by_key(self) -> dict[str, Challenge]:
        return {str(c.public_id): c for c in self.challenges}

    def doses_of(self, challenge: Challenge) -> list[Dose]:
        """The challenge's dose rows by date (loaded with the record)."""
        if not self.with_doses:
            raise RuntimeError("this record was loaded without the doses")
        return list(challenge.doses.all())

    @cached_property
    def doses_by_day(self) -> dict[date, Dose]:
        return {d.date: d for c in self.challenges for d in self.doses_of(c)}

    @cached_property
    def entry_by_day(self) -> dict[date, EntryRow]:
        return {e.date: e for e in self.entries}

    @cached_property
    def diary(self) -> dict[date, schedule.DayLog]:
        """The diary as the schedule reads it: one DayLog per logged day (shared with the
        other records of the same diary stamp in this process: read it, never change it)."""
        if self.diary_key is None:
            return _day_logs(self.entries)
        return _kept_day_logs(self.diary_key, self.entries)

    @property
    def last_logged(self) -> date | None:
        return self.entries[-1].date if self.entries else None

    # --- the schedule ------------------------------------------------------------------------

    def plan_as_of(self, day: date, *, paused: bool | None = None) -> schedule.Plan:
        """The schedule engine's plan as of `day` (the record's derived statuses); the
        record's own `plan` when that is the one asked for (computed once)."""
        paused = self.paused if paused is None else paused
        if day == self.today and paused == self.paused:
            return self.plan
        return _compute(self, day, paused)

    @cached_property
    def plan(self) -> schedule.Plan:
        """The plan as of the record's today."""
        return _compute(self, self.today, self.paused)

    @cached_property
    def derived_changes(self) -> list[StatusChange]:
        """The statuses the plan implies that differ from the stored ones."""
        return [
            StatusChange(c, c.status, c.washout_end)
            for c in self.challenges
            if self.stored.get(c.pk, (c.status, c.washout_end)) != (c.status, c.washout_end)
        ]

    @property
    def completes(self) -> bool:
        """Whether the plan says the running program is complete (not stored yet)."""
        return self.plan.today.kind == TodayKind.COMPLETED and self.program.is_active

    @cached_property
    def last_day(self) -> date:
        """The last day the program covers: today while it runs; once ended, its last entry,
        dose, stop or recorded washout end (never after today)."""
        if self.program.is_active:
            return self.today
        candidates = [self.program.start_date]
        if self.last_logged is not None:
            candidates.append(self.last_logged)
        for c in self.challenges:
            if c.first_dose_day and c.status != Challenge.Status.SKIPPED:
                candidates.append(c.last_dose_day)
            candidates += [d for d in (c.stop_day, c.washout_end) if d]
        return min(self.today, max(candidates))

    @property
    def logged_days(self) -> int:
        """Days with a check-in, up to the last day the program covers."""
        last = self.last_day
        return sum(1 for e in self.entries if self.program.start_date <= e.date <= last)

    @property
    def due_days(self) -> int:
        """Days a check-in was due: the first baseline day to the last day covered."""
        return max(0, (self.last_day - self.program.start_date).days + 1)

    @property
    def adherence(self) -> float | None:
        """Days logged / days due (None before the first day)."""
        return self.logged_days / self.due_days if self.due_days else None

    def day_labels(self, plan: schedule.Plan | None = None, last: date | None = None):
        """Each day's place in the program, in words (see `day_labels`)."""
        last = self.last_day if last is None else last
        return day_labels(plan or self.plan, self.program.start_date, last)

    def phases(
        self,
        plan: schedule.Plan | None = None,
        last: date | None = None,
        *,
        names: dict[str, str] | None = None,
    ) -> list[charts.Phase]:
        """The baseline, dose days, stops and washouts up to `last`, for a chart (`names`:
        challenge key -> the name a page shows, default the group's)."""
        last = self.last_day if last is None else last
        return chart_phases(plan or self.plan, last, names=names)

    # --- the analysis ------------------------------------------------------------------------

    def facts(self) -> tuple[ProgramFacts, list[DayEntry]]:
        """The analysis input: (ProgramFacts, DayEntry list by date). Results of
        `analyze_program` map back through `challenge_index`, the place in `challenges`."""
        program = self.program
        facts = ProgramFacts(
            started_on=program.start_date,
            baseline_days=program.baseline_days,
            symptoms=tuple(program.symptoms),
            challenges=tuple(challenge_facts(c, self.doses_of(c)) for c in self.challenges),
            protocol=program.protocol.slug,
        )
        return facts, [
            DayEntry(
                date=e.date,
                scores={k: int(v) for k, v in (e.scores or {}).items() if v is not None},
                confounders=tuple(e.confounders or ()),
                off_plan=tuple(e.off_plan or ()),
            )
            for e in self.entries
        ]


def _day_logs(entries: list[EntryRow]) -> dict[date, schedule.DayLog]:
    return {e.date: day_log(e.date, e.scores, e.confounders, e.off_plan) for e in entries}


def _kept_day_logs(diary_key: tuple, entries: list[EntryRow]) -> dict[date, schedule.DayLog]:
    """`_day_logs` of the diary read under `diary_key`, kept by this process: as built last
    for the same stamp; after a change (a check-in in another process), the days whose row is
    the same as when this process last built the program's diary keep their DayLog (a year
    of days, one changed, builds one)."""
    program = diary_key[:2]
    before = day_logs.peek(program)
    if before is None:
        logs = _day_logs(entries)
    else:
        key, rows, built = before
        if key == diary_key:
            return built
        logs = {
            e.date: built[e.date]
            if (row := rows.get(e.date)) is e or row == e
            else day_log(e.date, e.scores, e.confounders, e.off_plan)
            for e in entries
        }
    day_logs.keep(program, (diary_key, {e.date: e for e in entries}, logs))
    return logs


def _row_values(row: EntryRow) -> tuple:
    return tuple(getattr(row, name) for name in ENTRY_FIELDS)


def _with_row(entries, saved: EntryRow) -> list[EntryRow]:
    """`entries` (by date) with `saved` in place of its day's row."""
    rows = [e for e in entries if e.date != saved.date] + [saved]
    rows.sort(key=lambda e: e.date)
    return rows


def _keep_step(key: tuple, rows: tuple[EntryRow, ...], step: tuple) -> None:
    """After a check-in committed: its rows kept here, and its step (the stamp before, the
    saved row) for the other processes, a few hundred bytes instead of a year of rows."""
    diaries.keep_here(key, rows)
    latest_rows.keep_here(key[:2], (key, rows))  # (committed: this runs once it is)
    diary_steps.keep(key, step)


def _kept_entries(program: Program, key: tuple) -> tuple[EntryRow, ...]:
    """The rows of the diary stamp `key`: kept by this process; else built from rows it keeps
    of an earlier stamp and the check-ins made since in other processes (`diary_steps`,
    followed back at most STEPS); else the shared cache's or the database's (then shared)."""
    rows = diaries.peek(key)
    if rows is not None:
        return rows
    rows = _after_steps(key)
    if rows is not None:
        diaries.keep_here(key, rows)
    else:
        rows = diaries.get(key, lambda: _changed_since(program, key) or _read_entries(program))
    if not connections[program._state.db or DEFAULT_DB_ALIAS].in_atomic_block:
        # Only committed rows are read on from: rows read in a transaction may hold its own
        # writes, and a rolled back write leaves its revision to the next one.
        latest_rows.keep_here(key[:2], (key, rows))
    return rows


def _after_steps(key: tuple) -> tuple[EntryRow, ...] | None:
    """The rows of the diary stamp `key` built from rows this process keeps of an earlier
    stamp and the check-ins made since (`diary_steps`, followed back at most STEPS), or
    None."""
    saved, at = [], key
    for _ in range(STEPS):
        step = diary_steps.find(at)
        if step is None:
            return None
        at, values = step
        saved.append(EntryRow(*values))
        before = diaries.peek(at)
        if before is not None:
            for row in reversed(saved):
                before = _with_row(before, row)
            return tuple(before)
    return None


def _changed_since(program: Program, key: tuple) -> tuple[EntryRow, ...] | None:
    """The rows of the diary stamp `key` from the last rows this process kept of the program
    (`latest_rows`) and the rows written since, those of a higher revision (one query, the
    program's revision index; a check-in elsewhere is one row instead of a year). None when
    this process keeps no earlier rows of the program, or when the rows so built do not
    match the stamp's count and last change (a row deleted, or written since the stamp was
    read): then every row is read."""
    before = latest_rows.peek(key[:2])
    if before is None:
        return None
    old_key, old_rows = before
    if old_key[2] > key[2]:
        return None
    changed = _read_entries(program, written_after=old_key[2])
    if not changed and old_key[3:] == key[3:]:
        return old_rows
    by_day = {e.date: e for e in old_rows}
    in_order = all(e.date in by_day for e in changed)
    for row in changed:
        by_day[row.date] = row
    rows = tuple(by_day.values() if in_order else sorted(by_day.values(), key=_by_date))
    last = max((e.updated for e in rows if e.updated is not None), default=None)
    if len(rows) != key[3] or last != key[4]:
        return None
    return rows


def _by_date(row: EntryRow) -> date:
    return row.date


def _read_entries(program: Program, written_after: int | None = None) -> tuple[EntryRow, ...]:
    """The program's entries by date (`written_after`: only those of a higher diary
    revision). Their JSON columns are read as text and each distinct text decoded once (a
    year repeats the same few upsets, off-plan lists and often scores): rows with the same
    text share its value, read only, as every kept row is."""
    decoded: dict[str, object] = {}

    def value(text: str | None):
        if text is None:
            return None
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = json.loads(text)
        return found

    db = program._state.db
    if written_after is None:
        rows = _ENTRY_ROWS.rows(using=db, program_id=program.pk)
    else:
        rows = _ENTRY_ROWS_AFTER.rows(using=db, program_id=program.pk, after=written_after)
    return tuple(
        EntryRow(day, value(scores), value(confounders), value(off_plan), note, updated)
        for day, scores, confounders, off_plan, note, updated in rows
    )


def _entry_rows(entries: QuerySet) -> QuerySet:
    return entries.order_by("date").values_list(
        "date",
        Cast("scores", TextField()),
        Cast("confounders", TextField()),
        Cast("off_plan", TextField()),
        "note",
        "updated",
    )


# A program's rows, and those written after a diary revision (`_read_entries`): compiled once.
_ENTRY_ROWS = Prepared(
    lambda program_id: _entry_rows(DailyEntry.objects.filter(program_id=program_id)),
    program_id=int,
)
_ENTRY_ROWS_AFTER = Prepared(
    lambda program_id, after: _entry_rows(
        DailyEntry.objects.filter(program_id=program_id, revision__gt=after)
    ),
    program_id=int,
    after=Positive,
)


def load_record(
    program: Program,
    *,
    today: date,
    measures: str = "us",
    pause_alerts: list[ReactionAlert] | None = None,
    with_doses: bool = True,
) -> ProgramRecord:
    """Read `program` once (see the module docstring): 3 queries, 4 while it runs (its
    pausing reaction alerts), 3 when the caller knows them (`pause_alerts`) or the program
    was read by `shown_program` and nothing pauses; one less `with_doses=False` (a page that
    reads no dose: the analysis input and the doses are then unavailable).

    A program read with its diary stamp (`shown_program`, `memo.with_diary_stamp`) takes its
    entries from this process's memory when the stamp is the one they were read under: one
    query less, and no year of rows decoded (`memo`)."""
    diary_key = memo.diary_stamp(program)
    if with_doses and diary_key is not None:
        challenges = _kept_challenges(program)
    else:
        challenges = _read_challenges(program, with_doses=with_doses)
    if diary_key is None:
        entries = list(_read_entries(program))
    else:
        entries = list(_kept_entries(program, diary_key))
    if pause_alerts is None:
        pause_alerts = []
        if program.is_active and getattr(program, "paused_now", True):
            pause_alerts = list(
                ReactionAlert.objects.filter(patient_id=program.patient_id)
                .pausing()
                .select_related("food_group")
            )
    record = ProgramRecord(
        program=program,
        today=today,
        measures=measures,
        challenges=challenges,
        entries=entries,
        pause_alerts=pause_alerts,
        stored={c.pk: (c.status, c.washout_end) for c in challenges},
        with_doses=with_doses,
        diary_key=diary_key,
    )
    _derive_statuses(record)
    return record


def _read_challenges(program: Program, *, with_doses: bool = True) -> list[Challenge]:
    """The program's challenges in plan order, with their food group, endoscopy outcome and
    (`with_doses`) doses: two queries, one without the doses."""
    challenges = program.challenges.select_related("food_group", "endoscopy")
    if with_doses:
        challenges = challenges.prefetch_related(
            Prefetch("doses", queryset=Dose.objects.order_by("date"))
        )
    return list(challenges.order_by("position"))


@dataclass(frozen=True, slots=True)
class ChallengeRows:
    """One challenge as kept in memory: its own columns, its endoscopy outcome's and its
    doses' (values in the models' field order, never model objects: each record builds its
    own, which the services may change and save), and the query of its doses, built once
    (`doses_query`)."""

    challenge: tuple
    endoscopy: tuple | None
    doses: tuple[tuple, ...]
    doses_query: QuerySet


def _read_rows(program: Program) -> tuple[ChallengeRows, ...]:
    """The program's challenges in plan order, each with its endoscopy outcome and doses by
    date, read as the values `_built` takes (two queries; JSON columns as their text): no
    model object is built and no JSON decoded and encoded again to keep them."""
    names, json_columns = _layout(Challenge)
    texts = {name for _, name, _ in json_columns}  # (none of them nullable)
    endoscopy_names = _layout(EndoscopyOutcome)[0]
    columns = [Cast(name, TextField()) if name in texts else name for name in names]
    columns += [f"endoscopy__{name}" for name in endoscopy_names]
    dose_names = _layout(Dose)[0]
    of = dose_names.index("challenge_id")
    doses: dict[int, list[tuple]] = {}
    for values in (
        Dose.objects.filter(challenge__program=program).order_by("date").values_list(*dose_names)
    ):
        doses.setdefault(values[of], []).append(values)
    db = program._state.db or "default"
    rows = []
    width = len(names)
    for values in program.challenges.order_by("position").values_list(*columns):
        own, endoscopy = values[:width], values[width:]
        rows.append(
            ChallengeRows(
                own,
                endoscopy if endoscopy[0] is not None else None,
                tuple(doses.get(own[0], ())),
                _doses_query(own[0], db),
            )
        )
    return tuple(rows)


def _doses_query(challenge_id: int, db: str) -> QuerySet:
    """The query `challenge.doses.all()` stands for (`_apply_rel_filters`, as a prefetch
    builds it), its filter applied now: each record's copy shares it, and Django clones a
    query before any change (`_with_doses`). The challenge it is built on has only its id:
    the filter reads nothing else, and each copy is given its record's own challenge."""
    challenge = Challenge.__new__(Challenge)
    challenge._state = ModelState()
    challenge._state.adding, challenge._state.db = False, db
    challenge.id = challenge_id
    query = challenge.doses._apply_rel_filters(Dose.objects.order_by("date"))
    query.query  # noqa: B018 - applies the deferred filter to this query object, once
    return query


@cache
def _layout(model) -> tuple[tuple[str, ...], tuple[tuple[int, str, type | None], ...]]:
    """The model's column attribute names in field order, and where its JSON columns are
    (place, name, decoder)."""
    fields = model._meta.concrete_fields
    return (
        tuple(f.attname for f in fields),
        tuple((k, f.attname, f.decoder) for k, f in enumerate(fields) if isinstance(f, JSONField)),
    )


def _built(model, values: tuple, db: str):
    """A model object of kept values, as `Model.from_db` makes it (the same attributes and
    state) without its field-by-field `__init__`; JSON values decoded anew: a service may
    change its own."""
    names, json_columns = _layout(model)
    built = model.__new__(model)
    state = ModelState()
    state.adding, state.db = False, db
    attributes = built.__dict__
    attributes["_state"] = state
    attributes.update(zip(names, values, strict=True))
    for k, name, decoder in json_columns:
        attributes[name] = json.loads(values[k], cls=decoder)
    return built


def _with_doses(challenge: Challenge, rows: ChallengeRows, doses: list[Dose]) -> None:
    """Give `challenge` its doses as a prefetch does: `challenge.doses.all()` answers from
    them, and any other query of them goes to the database (a copy of the kept query)."""
    kept = rows.doses_query
    prefetched = kept.__class__.__new__(kept.__class__)
    prefetched.__dict__.update(kept.__dict__)
    prefetched._hints = {"instance": challenge}
    prefetched._known_related_objects = {Dose.challenge.field: {challenge.pk: challenge}}
    prefetched._result_cache, prefetched._prefetch_done = doses, True
    challenge._prefetched_objects_cache = {"doses": prefetched}


def _kept_challenges(program: Program) -> list[Challenge]:
    """The program's challenges as `_read_challenges` reads them, from this process's memory
    when the program's plan stamp is the one they were read under (`Program.plan_stamp`,
    read with the program: every write of a challenge, dose or endoscopy outcome gives a new
    one). Their food groups are the catalogue's kept under its own stamp
    (`memo.catalogue_of`): no query at all."""
    key = (program.pk, program.created, program.plan_stamp)
    kept = challenge_rows.get(key, partial(_read_rows, program))
    db = program._state.db or "default"
    groups = memo.catalogue_of(program).groups
    challenges = []
    for rows in kept:
        challenge = _built(Challenge, rows.challenge, db)
        Challenge.food_group.field.set_cached_value(challenge, groups[challenge.food_group_id])
        Challenge.program.field.set_cached_value(challenge, program)
        endoscopy = None
        if rows.endoscopy is not None:
            endoscopy = _built(EndoscopyOutcome, rows.endoscopy, db)
            EndoscopyOutcome.challenge.field.set_cached_value(endoscopy, challenge)
        Challenge.endoscopy.related.set_cached_value(challenge, endoscopy)
        doses = [_built(Dose, values, db) for values in rows.doses]
        for dose in doses:
            Dose.challenge.field.set_cached_value(dose, challenge)
        _with_doses(challenge, rows, doses)
        challenges.append(challenge)
    return challenges


# --- the schedule's input and the derived statuses --------------------------------------------


def engine_order(challenges: list[Challenge]) -> list[Challenge]:
    """Started challenges first, in the order they started; then the rest in plan order."""
    started = sorted(
        (c for c in challenges if c.first_dose_day and c.status != Challenge.Status.SKIPPED),
        key=lambda c: (c.first_dose_day, c.position),
    )
    rest = [c for c in challenges if c not in started]
    return started + rest


def challenge_state(challenge: Challenge, measures: str = "us") -> schedule.ChallengeState:
    status = challenge.status
    if (
        status in (Challenge.Status.ACTIVE, Challenge.Status.WASHOUT)
        and not challenge.first_dose_day
    ):
        status = Challenge.Status.PLANNED
    return schedule.ChallengeState(
        key=str(challenge.public_id),
        food_group=challenge.food_group.slug,
        dose_days=challenge.dose_days,
        washout_days=challenge.washout_days,
        ladder=challenge.ladder(measures),
        status=status,
        first_dose_day=challenge.first_dose_day if status != Challenge.Status.PLANNED else None,
        stop_day=challenge.stop_day,
        washout_end=challenge.washout_end,
        blinded=challenge.blinded,
        dose_offsets=challenge.dose_offsets,
    )


def _compute(record: ProgramRecord, day: date, paused: bool) -> schedule.Plan:
    program = record.program
    settings = schedule.ProgramSettings(
        start=program.start_date,
        baseline_days=program.baseline_days,
        symptoms=tuple(program.symptoms_on(day)),
        original_baseline_days=program.original_baseline_days,
        baseline_max=program.protocol.baseline_max,
    )
    states = tuple(challenge_state(c, record.measures) for c in engine_order(record.challenges))
    names = {c.food_group.slug: c.food_group.name for c in record.challenges}

    def compute() -> schedule.Plan:
        return schedule.compute_plan(
            settings, list(states), record.diary, day, group_names=names, home_tests_paused=paused
        )

    if record.diary_key is None:
        return compute()
    # Every input of the engine (a pure function) is in the key: a plan kept is the plan.
    key = (record.diary_key, settings, states, day, tuple(names.items()), paused)
    return memo.plans.get(key, compute)


def _derive_statuses(record: ProgramRecord) -> None:
    """Give the record's challenges the statuses the plan implies (dose days over, washout
    settled, done), as `program_refresh` stores them. An ended program keeps what it stored."""
    if not record.program.is_active:
        return
    try:
        plan = record.plan
    except ValueError:
        # Rows the engine refuses (`schedule.compute_plan`): the statuses stay as stored, and
        # a page that needs the plan itself fails loudly on it.
        return
    changed = False
    for challenge in record.challenges:
        scheduled = plan.challenge(str(challenge.public_id))
        if scheduled is None or not challenge.first_dose_day:
            continue
        if challenge.status == Challenge.Status.STOPPED:
            settled = scheduled.phase == Phase.FINISHED and scheduled.washout_settled
            if settled and challenge.washout_end != scheduled.washout_end:
                challenge.washout_end = scheduled.washout_end
                changed = True
            continue
        wanted = PHASE_STATUS.get(scheduled.phase)
        if scheduled.phase == Phase.FINISHED:
            wanted = Challenge.Status.DONE
        if challenge.status not in _ORDER:  # skipped
            continue
        if wanted and _ORDER.index(wanted) > _ORDER.index(challenge.status):  # only onwards
            challenge.status = wanted
            if wanted == Challenge.Status.DONE:
                challenge.washout_end = scheduled.washout_end
            changed = True
    if changed:  # the plan from the derived statuses, as the page after a refresh shows it
        del record.plan


# --- the analysis's input ---------------------------------------------------------------------


def challenge_facts(challenge: Challenge, doses) -> ChallengeFacts:
    """One challenge as the analysis reads it (`doses`: its Dose rows)."""
    started = challenge.status in Challenge.STARTED_STATUSES and challenge.first_dose_day
    stopped = challenge.status == Challenge.Status.STOPPED
    return ChallengeFacts(
        food_group=challenge.food_group.slug,
        started_on=challenge.first_dose_day if started else None,
        dose_days=challenge.dose_days,
        washout_days=challenge.washout_days,
        stopped_early_on=challenge.stop_day if stopped else None,
        # A stop for illness, travel or choice is told as such: never read as a reaction.
        stop_reason=challenge.stop_reason_slug,
        blinded=challenge.blinded,
        # Intake not recorded (None) counts as taken: most patients only say when they skipped.
        doses=tuple(
            DoseFacts(
                date=d.date,
                portion=d.portion,
                taken=d.taken is not False,
                arm=d.arm if challenge.blinded and d.arm in _ARMS else None,
                pair=k // 2 + 1 if challenge.paired else None,
                label=(d.label or None) if challenge.blinded else None,
            )
            for k, d in enumerate(sorted(doses, key=lambda d: d.date))
        ),
        status=challenge.status,
        pairs=challenge.blind_pairs if challenge.paired else None,
    )


# --- day words and chart phases ---------------------------------------------------------------


def day_labels(plan: schedule.Plan, first: date, last: date) -> dict[date, str]:
    """Each day's place in the program, in words ("Dairy challenge day 2 (1/2 cup of milk)").

    A blinded challenge's portion stays out: the label must not unblind it. Days after the
    baseline that belong to no challenge (waiting for the next one) read NO_CHALLENGE.
    """
    labels: dict[date, str] = {}
    day = first
    while day <= min(last, plan.baseline.end):
        labels[day] = f"Baseline day {(day - plan.baseline.start).days + 1}"
        day += _ONE_DAY
    for challenge in plan.challenges:
        if not challenge.started:
            continue
        title = f"{challenge.group_name} challenge"
        kept = [d for d in challenge.dose_days if not d.cancelled]
        for dose in kept:
            if dose.day > last:
                break
            if challenge.blinded:
                text = f"{title} (blinded) day {dose.number}"
            else:
                text = f"{title} day {dose.number} ({dose.portion})"
            if challenge.status == Challenge.Status.STOPPED and dose is kept[-1]:
                text += ", stopped for a reaction"
            labels[dose.day] = text
        for before, after in zip(kept, kept[1:], strict=False):
            # A blinded re-challenge's quiet days between two test portions.
            day = before.day + _ONE_DAY
            while day < after.day and day <= last:
                number = (day - before.day).days
                labels[day] = (
                    f"{title} (blinded), quiet day {number} after test day {before.number}"
                )
                day += _ONE_DAY
        day = challenge.washout_start
        while day <= min(challenge.washout_end, last):
            number = (day - challenge.washout_start).days + 1
            labels[day] = f"Washout after the {challenge.group_name} challenge, day {number}"
            day += _ONE_DAY
    day = first
    while day <= last:
        labels.setdefault(day, NO_CHALLENGE)
        day += _ONE_DAY
    return labels


def chart_phases(
    plan: schedule.Plan, last: date, *, names: dict[str, str] | None = None
) -> list[charts.Phase]:
    """The plan's baseline, dose days, stop days and washouts up to `last`, for a chart
    (`names`: challenge key -> the name shown, default the group's)."""
    phases = [
        charts.Phase(
            start=plan.baseline.start,
            end=min(plan.baseline.end, last),
            kind="baseline",
            label="Baseline",
        )
    ]
    for challenge in plan.challenges:
        if not challenge.started or challenge.first_dose_day > last:
            continue
        name = (names or {}).get(challenge.key, challenge.group_name)
        kept = [d.day for d in challenge.dose_days if not d.cancelled]
        dose_end = kept[-1]
        if challenge.status == Challenge.Status.STOPPED:
            phases.append(
                charts.Phase(start=dose_end, end=dose_end, kind="stopped", label=f"{name} stopped")
            )
            dose_end -= _ONE_DAY
        if dose_end >= challenge.first_dose_day:
            suffix = " (blinded)" if challenge.blinded else ""
            phases.append(
                charts.Phase(
                    start=challenge.first_dose_day,
                    end=min(dose_end, last),
                    kind="dose",
                    label=f"{name} challenge{suffix}",
                )
            )
        if challenge.washout_start <= min(challenge.washout_end, last):
            phases.append(
                charts.Phase(
                    start=challenge.washout_start,
                    end=min(challenge.washout_end, last),
                    kind="washout",
                    label=f"Washout after {name}",
                )
            )
    return [p for p in phases if p.start <= p.end]
