"""The PDF's daily appendix as lines of fixed-width text (pure).

A table cell costs WeasyPrint a layout of its own: 16 weeks of 8 symptoms as an HTML table
took most of the PDF's time (about 3 s of 4). The same grid as monospaced lines in `<pre>`
blocks is laid out as plain text, ten times faster, and reads the same on paper. Each block
repeats the column heads and is sized to fill one page.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from dietplanner.analysis.wording import SYMPTOM_CODES, symptom_name
from dietplanner.charts import TableRow, fmt_date

LINE_CHARS = 122  # 7 pt monospace across an A4 or Letter page between the margins
FIRST_BLOCK_LINES = 66  # the first page also holds the heading, caption and key
BLOCK_LINES = 78
_DATE = 10  # "Wed 16 Sep"
_SCORE = 6
_MIN_NOTES = 14
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # not strftime: locale-free


@dataclass(frozen=True, slots=True)
class DailyText:
    key: str  # "Fatig = Fatigue, Fog = Brain fog, ..."
    blocks: tuple[str, ...]  # each: the column heads, then one line (or more) per day


def symptom_code(slug: str) -> str:
    return SYMPTOM_CODES.get(slug) or symptom_name(slug)[:5]


def daily_text(
    rows: Sequence[TableRow], symptoms: Sequence[str], names: Sequence[str]
) -> DailyText:
    """`rows` (charts.ChartTable rows, scores in the order of `symptoms`) as text blocks.

    `names` are the symptoms' display names, for the key under the heading.
    """
    codes = [symptom_code(s) for s in symptoms]
    has_notes = any(r.notes for r in rows)
    scores_width = _SCORE * len(codes)
    phase_width = min(48, LINE_CHARS - _DATE - 1 - scores_width - 2 - _MIN_NOTES)
    notes_width = LINE_CHARS - _DATE - 1 - phase_width - scores_width - 2
    head = (
        f"{'Date':<{_DATE}} {'Phase':<{phase_width}}"
        + "".join(f"{c:>{_SCORE}}" for c in codes)
        + ("  Also logged" if has_notes else "")
    ).rstrip()
    rule = "-" * len(head)
    lines: list[str] = []
    for row in rows:
        phase = textwrap.wrap(row.phase, phase_width) or [""]
        notes = textwrap.wrap("; ".join(row.notes), notes_width) if has_notes else []
        scores = "".join(f"{'-' if v is None else v:>{_SCORE}}" for v in row.scores)
        day = f"{_WEEKDAYS[row.day.weekday()]} {fmt_date(row.day, year=False)}"
        for n in range(max(len(phase), len(notes), 1)):
            words = phase[n] if n < len(phase) else ""
            left = f"{day if n == 0 else '':<{_DATE}} {words:<{phase_width}}"
            middle = scores if n == 0 else " " * scores_width
            right = f"  {notes[n]}" if n < len(notes) else ""
            lines.append((left + middle + right).rstrip())
    blocks, start, size = [], 0, FIRST_BLOCK_LINES
    while start < len(lines):
        end = min(len(lines), start + size)
        # Keep a day's wrapped lines together: end before a line that continues a day.
        while end < len(lines) and end > start + 1 and lines[end].startswith(" " * _DATE):
            end -= 1
        blocks.append("\n".join([head, rule, *lines[start:end]]))
        start, size = end, BLOCK_LINES
    key = ", ".join(
        f"{code} = {name}" for code, name in zip(codes, names, strict=True) if code != name
    )
    return DailyText(key=key, blocks=tuple(blocks))
