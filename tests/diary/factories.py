"""Building programs with a diary for view tests, on real catalogue data."""

from datetime import date, timedelta

from dietplanner.programs.models import DailyEntry, Program
from dietplanner.programs.services import program_start
from foods.models import Protocol

START = date(2026, 1, 5)
SYMPTOMS = ["pain", "fatigue", "sleep", "brain_fog", "stiffness"]


def make_program(
    patient,
    *,
    start: date = START,
    baseline_days: int = 21,
    protocol="anti-inflammatory",
    symptoms=SYMPTOMS,
    **changes,
) -> Program:
    """The patient's program on `protocol`, started on `start` (its first baseline day, and
    today); `changes` go to `program_start` (reminder_time, started_by)."""
    return program_start(
        patient=patient,
        protocol=Protocol.objects.get(slug=protocol),
        start_date=start,
        baseline_days=baseline_days,
        symptoms=symptoms,
        today=start,
        **changes,
    )


def log_days(program: Program, first: date, last: date, score: int = 3, **extra) -> None:
    """One calm entry per day (every tracked symptom at `score`)."""
    rows = []
    day = first
    while day <= last:
        rows.append(
            DailyEntry(
                program=program, date=day, scores={s: score for s in program.symptoms}, **extra
            )
        )
        day += timedelta(days=1)
    DailyEntry.objects.bulk_create(rows)
