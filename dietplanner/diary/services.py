"""Saving a day's check-in: one entry per program and day, whatever the clicks and tabs."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from django.db import transaction

from dietplanner.analysis import vocabulary
from dietplanner.programs.models import DailyEntry, Program
from dietplanner.programs.record import ProgramRecord, load_record
from dietplanner.programs.services import program_lock, program_symptoms_due
from dietplanner.programs.tasks import program_refresh_queued

EDITABLE_DAYS = 7  # today and the 6 days before it


class EntryError(ValueError):
    """A check-in that cannot be saved as sent; the message is shown to the patient."""


def editable_range(program: Program, today: date) -> tuple[date, date]:
    """The days a patient may still fill in or correct: the last 7, not before the program."""
    return max(program.start_date, today - timedelta(days=EDITABLE_DAYS - 1)), today


NOTHING_SCORED = (
    "Score at least one symptom before saving (0 means none): a day without scores cannot be "
    "compared with any other. Nothing was saved."
)


def _check(program: Program, on: date, today: date, scores, confounders, off_plan) -> None:
    if on > today:
        raise EntryError("You cannot fill in a day that has not happened yet.")
    if on < program.start_date:
        raise EntryError("That day is before your program started.")
    first, _ = editable_range(program, today)
    if on < first:
        raise EntryError("Days older than a week are read-only, so the record stays trustworthy.")
    tracked = program.symptoms_on(on)  # a change of symptoms counts from its first day
    for slug, value in scores.items():
        if slug not in tracked:
            raise EntryError(f"'{slug}' is not a symptom you track.")
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 10):
            raise EntryError("Scores go from 0 (none) to 10 (worst imaginable).")
    if all(value is None for value in scores.values()):
        raise EntryError(NOTHING_SCORED)
    for slug in confounders:
        if slug not in vocabulary.CONFOUNDERS:
            raise EntryError(f"'{slug}' is not something we can record.")
    for slug in off_plan:
        if slug not in vocabulary.FOOD_GROUPS:
            raise EntryError(f"'{slug}' is not a food group.")


def entry_save(
    *,
    program: Program,
    on: date,
    today: date,
    scores: Mapping[str, int | None],
    confounders: Sequence[str] = (),
    off_plan: Sequence[str] = (),
    note: str = "",
    dose_taken: bool | None = None,
    record: ProgramRecord | None = None,
    locked: bool = False,
) -> ProgramRecord:
    """Create or update the one entry of `on`; the latest save wins field by field, and the
    program's refresh is queued for the task worker. Returns the program's record as of
    `today` after the save (its statuses derived, as the refresh will store them).

    A blank score means "not scored", but a day with no score at all is refused: it would
    read as a day of "not scored" rows. `dose_taken` is recorded on the dose of that day and
    refused on a day without a dose. Raises EntryError for anything out of bounds, before
    anything is written. `record`: the program as read before the save (its rows are brought
    up to date in memory, not read again). `locked`: the caller read `program` with its lock
    (`shown_program(..., lock=True)`) in the transaction this runs in.
    """
    scores = dict(scores)
    _check(program, on, today, scores, confounders, off_plan)
    if record is None:
        record = load_record(program, today=today)
    dose = record.doses_by_day.get(on)
    if dose_taken is not None and dose is None:
        raise EntryError("There is no dose planned on that day.")
    values = {
        "scores": {k: v for k, v in scores.items() if v is not None},
        "confounders": sorted(set(confounders)),
        "off_plan": sorted(set(off_plan)),
        "note": note.strip()[:2000],
    }
    # Checked above, so nothing in here is refused: inside a caller's transaction it needs no
    # savepoint of its own.
    with transaction.atomic(savepoint=False):
        if locked:
            program_symptoms_due(program=program, on=on)
        else:
            held = program_lock(program.pk)  # program first, as every writer of a program does
            if program_symptoms_due(program=held, on=on):
                program.symptoms, program.symptoms_change = held.symptoms, held.symptoms_change
        # One statement whatever was there: a second save of the day (double click, second
        # tab) updates the row the first one wrote. It bumps the diary revision first, the
        # stamp pages key this program's rows by (`DailyEntryQuerySet.bulk_create`).
        (entry,) = DailyEntry.objects.bulk_create(
            [DailyEntry(program=program, date=on, **values)],
            update_conflicts=True,
            unique_fields=["program", "date"],
            update_fields=[*values, "updated"],
        )
        if dose_taken is not None and dose.taken != dose_taken:
            dose.taken = dose_taken
            dose.save(update_fields=["taken", "updated"])
        # What the save implies beyond the entry (verdicts, long-term plans, the statuses and
        # completion stored, the client list's line) is worked out by the task worker: its
        # row is written in this transaction, so it runs once the save is committed, and
        # until then the pages showing verdicts say so (`Program.results_updating`). The
        # statuses the calendar implies are derived on read (`programs.record`).
        program_refresh_queued.enqueue(program.pk, today.isoformat(), on.isoformat())
        return record.with_entry(entry)
