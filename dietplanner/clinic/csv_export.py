"""A program's diary as CSV: one row per calendar day, for a spreadsheet.

UTF-8 with a byte-order mark (so spreadsheets detect the encoding), ISO dates, missing days
present with blank cells. Cells a spreadsheet would read as a formula are defused with a
leading quote. Verdicts, trigger probabilities and a blinded test's arms show as the report
shows them (`programs.visibility`).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from dietplanner.programs.visibility import shown_result

from .report import ProgramData

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """The cell as text, with a leading quote when a spreadsheet would run it as a formula.

    Spreadsheets skip leading spaces and line breaks before a formula, so those are looked
    through too (" =1+1", "\n=HYPERLINK(...)")."""
    text = "" if value is None else str(value)
    first = text.lstrip(" \t\r\n\x0b\x0c\u00a0")[:1]
    if text.startswith(_FORMULA_STARTS) or (first and first in "=+-@"):
        return "'" + text
    return text


def diary_csv(data: ProgramData) -> str:
    """The CSV text (BOM included) from the first baseline day to the program's last day."""
    symptoms = list(data.program.symptoms)
    doses = {}
    for challenge in data.challenges:
        for dose in challenge.doses.all():
            doses[dose.date] = (challenge, dose)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "date",
            "phase",
            *(data.symptom(s) for s in symptoms),
            "confounders",
            "off-plan groups",
            "challenge",
            "dose",
            "dose taken",
            "verdict",
            "trigger probability",
            "note",
            "stop",
        ]
    )
    stops = _stops(data)
    day = data.first
    while day <= data.last:
        row = [*_row(data, day, symptoms, doses), stops.get(day, "")]
        writer.writerow([safe_cell(v) for v in row])
        day += timedelta(days=1)
    return BOM + out.getvalue()


def _row(data: ProgramData, day: date, symptoms: list[str], doses: dict) -> list:
    entry = data.entries.get(day)
    challenge, dose = doses.get(day, (None, None))
    challenge_text = dose_text = taken = verdict = probability = ""
    if dose is not None:
        # The challenge's reading on its dose days, as every page shows it.
        shown = shown_result(challenge)
        verdict = shown.verdict_label
        if shown.probability is not None:
            probability = f"{shown.probability:.2f}"
        challenge_text = challenge.food_group.name + (" (blinded)" if challenge.blinded else "")
        dose_text = dose.portion
        if challenge.blinded:
            dose_text = f"{dose.portion} ({dose.arm})" if shown.arms else "blinded"
        taken = {True: "yes", False: "no"}.get(dose.taken, "")
    if entry is None:
        return [
            day.isoformat(),
            data.labels.get(day, ""),
            *([""] * len(symptoms)),
            "",
            "",
            challenge_text,
            dose_text,
            taken,
            verdict,
            probability,
            "",
        ]
    return [
        day.isoformat(),
        data.labels.get(day, ""),
        *(entry.scores.get(s, "") if entry.scores.get(s) is not None else "" for s in symptoms),
        "; ".join(data.confounder(c) for c in entry.confounders),
        "; ".join(data.group(g) for g in entry.off_plan),
        challenge_text,
        dose_text,
        taken,
        verdict,
        probability,
        entry.note,
    ]


def _stops(data: ProgramData) -> dict[date, str]:
    """On a stop day: why the challenge stopped and what the client wrote then."""
    stops: dict[date, str] = {}
    for challenge in data.challenges:
        if challenge.status != challenge.Status.STOPPED or not challenge.stop_day:
            continue
        name = "a blinded test" if challenge.blinded else challenge.food_group.name
        why = challenge.get_stop_cause_display() if challenge.interrupted else "a reaction"
        if challenge.red_flags:
            why = "a reaction with red-flag signs"
        words = " / ".join(challenge.stop_notes)
        text = f"{name} stopped for {why}" + (f": {words}" if words else "")
        stops[challenge.stop_day] = "; ".join(filter(None, [stops.get(challenge.stop_day), text]))
    return stops
