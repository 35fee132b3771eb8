"""Saving a day's check-in: one entry per program and day, whatever the clicks and tabs."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from dietplanner.analysis import vocabulary
from dietplanner.programs.group_plans import results_refresh
from dietplanner.programs.models import DailyEntry, Dose, Program
from dietplanner.programs.services import program_lock, program_symptoms_due

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
    for slug, value in scores.items():
        if slug not in program.symptoms:
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


@transaction.atomic
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
) -> DailyEntry:
    """Create or update the one entry of `on`; the latest save wins field by field.

    A blank score means "not scored", but a day with no score at all is refused: it would
    read as a day of "not scored" rows. `dose_taken` is recorded on the dose of that day and
    refused on a day without a dose. Raises EntryError for anything out of bounds.
    """
    scores = dict(scores)
    if program.symptoms_change_from is not None and on >= program.symptoms_change_from:
        program_lock(program.pk)
        program.refresh_from_db()
        program_symptoms_due(program=program, on=on)
    _check(program, on, today, scores, confounders, off_plan)
    dose = None
    if dose_taken is not None:
        dose = Dose.objects.filter(challenge__program=program, date=on).first()
        if dose is None:
            raise EntryError("There is no dose planned on that day.")
    values = {
        "scores": {k: v for k, v in scores.items() if v is not None},
        "confounders": sorted(set(confounders)),
        "off_plan": sorted(set(off_plan)),
        "note": note.strip()[:2000],
    }
    program_lock(program.pk)  # program first, as every writer of a program does
    entry = DailyEntry.objects.select_for_update().filter(program=program, date=on).first()
    if entry is None:
        try:
            with transaction.atomic():
                entry = DailyEntry.objects.create(program=program, date=on, **values)
        except IntegrityError:
            # The same day was saved a moment ago (double click, second tab): merge into it.
            entry = DailyEntry.objects.select_for_update().get(program=program, date=on)
    for field, value in values.items():
        setattr(entry, field, value)
    entry.save()
    if dose is not None:
        dose.taken = dose_taken
        dose.save(update_fields=["taken", "updated"])
    results_refresh(program=program, changed_on=on, today=today)
    return entry
