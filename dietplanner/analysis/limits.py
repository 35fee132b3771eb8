"""One limit per rule: the bounds a program must keep, shared by the diary format and its JSON
Schema (docs/diary-format.schema.json), the forms, the services and the schedule engine.

tests/analysis/test_limits.py checks that they all say the same thing, and a property test
imports generated valid documents and opens every page: what the format accepts, the app runs.
"""

from __future__ import annotations

from datetime import date, timedelta

# A challenge: dose days (the ladder is defined for 1-7) and the planned washout after them.
DOSE_DAYS = (1, 7)
WASHOUT_DAYS = (1, 14)
# The baseline, including every extension.
BASELINE_DAYS = (1, 365)

# Dates: nothing before 2000, nothing more than a year ahead of today, and a program covers at
# most three years from its first day (entries, doses and stops included). Together they bound
# the diary at one entry per day, so the work any page does is bounded too.
EARLIEST_DAY = date(2000, 1, 1)
MAX_DAYS_AHEAD = 366
MAX_PROGRAM_DAYS = 3 * 365

MAX_CHALLENGES = 60
MAX_ENTRIES = MAX_PROGRAM_DAYS + 1
MAX_TEXT = 2000  # a note
MAX_PORTION = 200  # a dose's portion, e.g. "1/2 cup of milk"


def latest_day(today: date) -> date:
    return today + timedelta(days=MAX_DAYS_AHEAD)


def program_last_allowed_day(start: date) -> date:
    return start + timedelta(days=MAX_PROGRAM_DAYS)


def day_problem(day: date, *, today: date, program_start: date | None = None) -> str | None:
    """Why `day` cannot be part of a program (None when it can)."""
    if day < EARLIEST_DAY:
        return f"is before {EARLIEST_DAY.isoformat()}"
    if day > latest_day(today):
        return "is more than a year from today"
    if program_start is not None:
        if day < program_start:
            return "is before the program started"
        if day > program_last_allowed_day(program_start):
            return f"is more than {MAX_PROGRAM_DAYS // 365} years after the program started"
    return None


def start_problem(start: date, *, today: date) -> str | None:
    """Why a program cannot start on `start`: an imported program runs until today, so it may
    not have started more than MAX_PROGRAM_DAYS ago."""
    problem = day_problem(start, today=today)
    if problem is None and start < today - timedelta(days=MAX_PROGRAM_DAYS):
        problem = f"is more than {MAX_PROGRAM_DAYS // 365} years ago (a program lasts at most that)"
    return problem


def text_problem(value: str) -> str | None:
    """Text no database can store faithfully: NUL characters and lone surrogates."""
    if "\x00" in value:
        return "contains a NUL character"
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "contains an invalid character (a lone surrogate)"
    return None
