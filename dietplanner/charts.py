"""Daily symptom scores as an SVG chart drawn on the server, with its table alternative.

Pure: dates and numbers in, markup out; no ORM, so the diary, the results page, the dietitian's
report and the PDF (WeasyPrint runs no JavaScript) all draw the same chart from plain data.
The SVG carries no `style` attribute (the CSP forbids them): colours, dashes and fonts are
presentation attributes, and `static/css/diary.css` only sizes the chart. Missing days break
the lines; nothing is ever interpolated. Every text is escaped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PHASE_KINDS = ("baseline", "dose", "washout", "stopped")
PHASE_NAMES = {
    "baseline": "Baseline",
    "dose": "Dose days",
    "washout": "Washout",
    "stopped": "Stopped for a reaction",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ONE_DAY = timedelta(days=1)

# Okabe-Ito hues, darkened where needed for 3:1 against white and the pale phase shading.
_COLOURS = ("#0072b2", "#c04a00", "#00795c", "#a3407c", "#1f1f1f", "#7a5c00")
_DASHES = ("", "9 4", "2 3", "10 3 2 3", "5 5", "1 2")
_SHAPES = ("circle", "square", "triangle", "diamond", "cross", "down")

# (background, texture) per phase kind: each has its own texture, not only its own colour.
_PHASE_FILLS = {
    "baseline": ("#eef2f7", ""),
    "dose": ("#fcefd4", '<path d="M0 8L8 0" stroke="#b07800" stroke-width="1.2" opacity="0.5"/>'),
    "washout": ("#e5f3ea", '<circle cx="4" cy="4" r="1.1" fill="#2f7d4f" opacity="0.5"/>'),
    "stopped": (
        "#f8dadd",
        '<path d="M0 8L8 0M0 0L8 8" stroke="#a52834" stroke-width="1.2" opacity="0.55"/>',
    ),
}

_TICK_FONT = 13
_LEGEND_FONT = 14
_CHAR_WIDTH = 0.6  # average glyph width in em, to keep labels apart without measuring text
_LEGEND_ROW = 24
_POINTS_UP_TO_DAYS = 62  # beyond this, points would touch: only isolated days get one


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase:
    """A stretch of the program shaded behind the lines: `kind` is one of PHASE_KINDS."""

    start: date
    end: date
    kind: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Marker:
    """A day worth pointing at (off-plan eating, illness...): a small flag above the plot."""

    day: date
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRow:
    day: date
    phase: str
    scores: tuple[int | None, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartTable:
    """The chart's numbers, one row per day from start to end, missing scores as None."""

    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    has_notes: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SymptomFigure:
    """A chart and its table alternative, rendered together by `diary/_chart.html`."""

    title: str
    svg: SafeString
    table: ChartTable
    start: date
    end: date
    svg_narrow: SafeString | None = None


def fmt_date(day: date, *, year: bool = True) -> str:
    # A fixed month table: strftime("%b") depends on the process locale.
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def symptom_chart(
    *,
    start: date,
    end: date,
    series: Mapping[str, Sequence[tuple[date, int]]],
    phases: Sequence[Phase] = (),
    reference: Mapping[str, tuple[float, float]] | None = None,
    markers: Sequence[Marker] = (),
    title: str,
    width: int = 720,
    height: int = 260,
    markers_label: str = "Marked day (see the table)",
    chart_id: str | None = None,
) -> SafeString:
    """An accessible SVG line chart of 0-10 scores per day, one line per `series` label.

    `series` maps a display label to (day, score) pairs; days without a pair are gaps. `phases`
    are shaded (clipped to start..end), `reference` draws a band (low, high) per label,
    `markers` flag single days. `height` covers the plot and axes; the legend adds rows below.
    `chart_id` prefixes the ids (title, desc, patterns): pass distinct ones for charts sharing
    a page if their titles and dates are equal. Raises ValueError on end < start or an unknown
    phase kind.
    """
    _check(start, end, phases)
    grid = _Grid(start, end, width, height)
    points = _clean_series(series, start, end)
    return _draw(
        grid,
        points,
        _lines(grid, points),
        uid=chart_id or _chart_id(title, start, end),
        title=title,
        phases=phases,
        reference=reference or {},
        markers=markers,
        markers_label=markers_label,
    )


def symptom_charts(
    *, widths: Sequence[int], chart_ids: Sequence[str], **chart
) -> tuple[SafeString, ...]:
    """The chart of `symptom_chart(**chart)` at each of `widths` (a phone's, a wider screen's),
    with its lines drawn once: the first drawing carries them (`<defs>`, in days and scores),
    every drawing places them with a transform. Axes, dates and legend are each drawing's own,
    so a narrow one keeps text readable on a phone. The lines keep their stroke width on
    screen whatever the scale (`vector-effect`); no `reference` bands. For a page that shows
    one drawing per screen size: a PDF draws `symptom_chart`."""
    start, end = chart["start"], chart["end"]
    _check(start, end, chart.get("phases", ()))
    points = _clean_series(chart["series"], start, end)
    runs = {label: _runs(values) for label, values in points.items()}
    lines_id = f"{chart_ids[0]}-lines"
    shared = _shared_lines(runs, start, lines_id)
    drawings = []
    for index, (width, uid) in enumerate(zip(widths, chart_ids, strict=True)):
        grid = _Grid(start, end, width, chart.get("height", 260))
        lines = (shared if index == 0 else "") + _placed_lines(grid, runs, lines_id)
        drawings.append(
            _draw(
                grid,
                points,
                lines,
                uid=uid,
                title=chart["title"],
                phases=chart.get("phases", ()),
                reference={},
                markers=chart.get("markers", ()),
                markers_label=chart.get("markers_label", "Marked day (see the table)"),
            )
        )
    return tuple(drawings)


def _check(start: date, end: date, phases: Sequence[Phase]) -> None:
    if end < start:
        raise ValueError("a chart needs end >= start")
    for phase in phases:
        if phase.kind not in PHASE_KINDS:
            raise ValueError(f"unknown phase kind {phase.kind!r}")


def _draw(grid, points, lines: str, *, uid, title, phases, reference, markers, markers_label):
    legend, legend_height = _legend(
        grid,
        list(points),
        phases,
        bool(markers),
        markers_label,
        any(label in reference for label in points),
        uid,
    )
    total_height = grid.height + legend_height
    start, end = grid.start, grid.end
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="symptom-chart" role="img" '
        f'viewBox="0 0 {grid.width} {total_height}" aria-labelledby="{uid}-title {uid}-desc" '
        f'font-family="system-ui, sans-serif" font-size="{_TICK_FONT}">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(_describe(start, end, points, phases, markers))}</desc>',
        _patterns(uid),
        _phase_bands(grid, phases, uid),
        _axes(grid),
        _reference_bands(grid, points, reference),
        lines,
        _markers(grid, markers),
        legend,
        "</svg>",
    ]
    return mark_safe("".join(p for p in parts if p))  # noqa: S308 - every text went through escape


def chart_table(
    *,
    start: date,
    end: date,
    series: Mapping[str, Sequence[tuple[date, int]]],
    phases: Sequence[Phase] = (),
    markers: Sequence[Marker] = (),
    day_labels: Mapping[date, str] | None = None,
) -> ChartTable:
    """The chart's text alternative: every day from start to end, oldest first.

    The phase column reads `day_labels[day]` when given, else the label of the phase covering
    the day (the last one listed wins), else an empty string.
    """
    points = _clean_series(series, start, end)
    by_day = {label: dict(values) for label, values in points.items()}
    phase_of: dict[date, str] = {}
    for phase in phases:
        day = max(phase.start, start)
        while day <= min(phase.end, end):
            phase_of[day] = phase.label
            day += _ONE_DAY
    notes: dict[date, list[str]] = {}
    for marker in markers:
        if start <= marker.day <= end:
            notes.setdefault(marker.day, []).append(marker.label)
    labels = day_labels or {}
    rows = []
    day = start
    while day <= end:
        rows.append(
            TableRow(
                day=day,
                phase=labels.get(day) or phase_of.get(day, ""),
                scores=tuple(by_day[label].get(day) for label in points),
                notes=tuple(notes.get(day, ())),
            )
        )
        day += _ONE_DAY
    return ChartTable(columns=tuple(points), rows=tuple(rows), has_notes=bool(notes))


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NOT_SCORED = (
    '<td><span aria-hidden="true">–</span><span class="visually-hidden">not scored</span></td>'
)


def table_rows(table: ChartTable) -> SafeString:
    """The rows of `table` as the chart's table shows them (`diary/_chart.html`): a day's date,
    phase, scores (a dash read as "not scored") and, when any day has them, its notes. Drawn
    here rather than in a template loop: a year of rows took most of a report's template time.
    """
    out = []
    for row in table.rows:
        day = row.day
        cells = "".join(
            _NOT_SCORED if score is None else f"<td>{int(score)}</td>" for score in row.scores
        )
        notes = f"<td>{escape('; '.join(row.notes))}</td>" if table.has_notes else ""
        out.append(
            f'<tr><th scope="row">{_WEEKDAYS[day.weekday()]} {fmt_date(day)}</th>'
            f"<td>{escape(row.phase)}</td>{cells}{notes}</tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every text went through escape


def symptom_figure(
    *, day_labels: Mapping[date, str] | None = None, narrow_width: int | None = None, **chart
) -> SymptomFigure:
    """The chart and its table from the same arguments as `symptom_chart` (plus day_labels).

    With `narrow_width`, a second drawing of the same chart for phones (`svg_narrow`): fewer
    date ticks and a wrapped legend keep its text readable once scaled to a small screen.
    """
    table = chart_table(
        start=chart["start"],
        end=chart["end"],
        series=chart["series"],
        phases=chart.get("phases", ()),
        markers=chart.get("markers", ()),
        day_labels=day_labels,
    )
    narrow = None
    if narrow_width is not None:
        chart_id = chart.get("chart_id") or "chart"
        narrow = symptom_chart(**{**chart, "width": narrow_width, "chart_id": f"{chart_id}-narrow"})
    return SymptomFigure(
        title=chart["title"],
        svg=symptom_chart(**chart),
        table=table,
        start=chart["start"],
        end=chart["end"],
        svg_narrow=narrow,
    )


# --- geometry ------------------------------------------------------------------------------


class _Grid:
    """Day slots across, scores 0-10 up; a day's point sits in the middle of its slot."""

    left, right, top, bottom = 50, 14, 22, 30

    def __init__(self, start: date, end: date, width: int, height: int):
        self.start, self.end, self.width, self.height = start, end, width, height
        self.days = (end - start).days + 1
        self.x0, self.x1 = self.left, width - self.right
        self.y0, self.y1 = self.top, height - self.bottom
        self.slot = (self.x1 - self.x0) / self.days

    def x(self, day: date) -> float:
        return self.x0 + ((day - self.start).days + 0.5) * self.slot

    def slot_left(self, day: date) -> float:
        return self.x0 + (day - self.start).days * self.slot

    def y(self, score: float) -> float:
        return self.y1 - score / 10 * (self.y1 - self.y0)


def _chart_id(title: str, start: date, end: date) -> str:
    digest = hashlib.sha1(f"{title}|{start}|{end}".encode(), usedforsecurity=False)
    return f"chart-{digest.hexdigest()[:8]}"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _fine(value: float) -> str:
    """A transform's number: a day's width is multiplied by up to a year of days."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _text_width(text: str, size: int) -> float:
    return len(text) * size * _CHAR_WIDTH


def _clean_series(series, start: date, end: date) -> dict[str, list[tuple[date, int]]]:
    """Points inside the range, one per day (the last given wins), scores clamped to 0-10."""
    cleaned = {}
    for label, values in series.items():
        by_day = {
            day: min(10, max(0, int(score)))
            for day, score in values
            if score is not None and start <= day <= end
        }
        cleaned[str(label)] = sorted(by_day.items())
    return cleaned


def _style(index: int) -> tuple[str, str, str]:
    """Colour, dash and point shape of the n-th line: no two lines share dash and shape."""
    n = len(_COLOURS)
    turn, i = divmod(index, n)
    return _COLOURS[i], _DASHES[(i + 3 * turn) % n], _SHAPES[(i + turn) % n]


# --- pieces --------------------------------------------------------------------------------


def _patterns(uid: str) -> str:
    return (
        "<defs>"
        + "".join(
            f'<pattern id="{uid}-{kind}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{paper}"/>{texture}</pattern>'
            for kind, (paper, texture) in _PHASE_FILLS.items()
            if texture
        )
        + "</defs>"
    )


def _phase_fill(kind: str, uid: str) -> str:
    paper, texture = _PHASE_FILLS[kind]
    return f"url(#{uid}-{kind})" if texture else paper


def _phase_bands(grid: _Grid, phases: Sequence[Phase], uid: str) -> str:
    out = ['<g class="chart-phases">']
    for phase in phases:
        first, last = max(phase.start, grid.start), min(phase.end, grid.end)
        if first > last:
            continue
        x = grid.slot_left(first)
        w = ((last - first).days + 1) * grid.slot
        span = f"{fmt_date(first)} to {fmt_date(last)}"
        out.append(
            f'<rect class="chart-phase chart-phase-{phase.kind}" x="{_n(x)}" y="{grid.y0}" '
            f'width="{_n(w)}" height="{grid.y1 - grid.y0}" fill="{_phase_fill(phase.kind, uid)}">'
            f"<title>{escape(phase.label)}: {span}</title></rect>"
        )
        label_width = _text_width(phase.label, 11)
        if label_width + 8 <= w:
            # A light patch behind the words, not a halo stroke: PDF renderers ignore
            # paint-order and would paint the stroke over the letters.
            out.append(
                f'<rect class="chart-label-patch" x="{_n(x + 2)}" y="{grid.y0 + 2}" '
                f'width="{_n(label_width + 4)}" height="14" rx="2" fill="#fff" '
                f'fill-opacity="0.85"/>'
                f'<text x="{_n(x + 4)}" y="{grid.y0 + 13}" font-size="11" fill="#343a40">'
                f"{escape(phase.label)}</text>"
            )
    out.append("</g>")
    return "".join(out)


def _axes(grid: _Grid) -> str:
    out = ['<g class="chart-axes">']
    for score in range(0, 11, 2):
        y = _n(grid.y(score))
        out.append(
            f'<line x1="{grid.x0}" x2="{_n(grid.x1)}" y1="{y}" y2="{y}" '
            f'stroke="{"#6c757d" if score == 0 else "#ced4da"}" stroke-width="1"/>'
            f'<text x="{grid.x0 - 6}" y="{y}" dy="0.35em" text-anchor="end" fill="#495057">'
            f"{score}</text>"
        )
    mid = _n((grid.y0 + grid.y1) / 2)
    out.append(
        f'<text x="14" y="{mid}" transform="rotate(-90 14 {mid})" text-anchor="middle" '
        f'fill="#495057">Score 0-10</text>'
    )
    for day, label in date_ticks(grid.start, grid.end, grid.x1 - grid.x0):
        x = grid.x(day)
        half = _text_width(label, _TICK_FONT) / 2
        anchor = "middle"
        if x - half < 0:
            anchor = "start"
        elif x + half > grid.width:
            anchor = "end"
        out.append(
            f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{grid.y1}" y2="{grid.y1 + 5}" stroke="#6c757d"/>'
            f'<text class="chart-date" x="{_n(x)}" y="{grid.y1 + 19}" text-anchor="{anchor}" '
            f'fill="#495057">{escape(label)}</text>'
        )
    out.append("</g>")
    return "".join(out)


def date_ticks(start: date, end: date, plot_width: float) -> list[tuple[date, str]]:
    """Labelled days along the x axis, spaced so that no two labels touch.

    Short ranges get days or weeks counted from the start (week 1 starts on day 1 of the
    program); long ones get the first of every month or every few months.
    """
    days = (end - start).days + 1
    slot = plot_width / days

    def x(day: date) -> float:
        return ((day - start).days + 0.5) * slot

    candidates: list[tuple[date, str]] = []
    for step in (1, 2, 7, 14):
        if days / step * (_text_width("30 Sep", _TICK_FONT) + 12) <= plot_width:
            candidates = [
                (start + timedelta(days=k), fmt_date(start + timedelta(days=k), year=False))
                for k in range(0, days, step)
            ]
            break
    else:
        months = []
        day = date(start.year, start.month, 1)
        while day <= end:
            if day >= start:
                months.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if not months:
            months = [start]
        for every in (1, 2, 3, 6, 12):
            picked = [m for m in months if (m.year * 12 + m.month - 1) % every == 0] or [start]
            if len(picked) * (_text_width("Sep 2025", _TICK_FONT) + 12) <= plot_width:
                break
        candidates = [
            (m, _MONTHS[m.month - 1] + (f" {m.year}" if m.month == 1 or i == 0 else ""))
            for i, m in enumerate(picked)
        ]
    ticks: list[tuple[date, str]] = []
    last_right = float("-inf")
    for day, label in candidates:
        half = _text_width(label, _TICK_FONT) / 2
        if x(day) - half >= last_right + 8:
            ticks.append((day, label))
            last_right = x(day) + half
    return ticks


def _reference_bands(grid: _Grid, points, reference) -> str:
    out = []
    for index, label in enumerate(points):
        if label not in reference:
            continue
        low, high = sorted(min(10.0, max(0.0, float(v))) for v in reference[label])
        colour, _, _ = _style(index)
        top, bottom = grid.y(high), grid.y(low)
        out.append(
            f'<rect class="chart-reference" x="{grid.x0}" y="{_n(top)}" '
            f'width="{_n(grid.x1 - grid.x0)}" height="{_n(max(bottom - top, 1.5))}" '
            f'fill="{colour}" fill-opacity="0.1" stroke="{colour}" stroke-opacity="0.6" '
            f'stroke-dasharray="2 3"><title>{escape(label)} usual range: '
            f"{low:g} to {high:g}</title></rect>"
        )
    return f'<g class="chart-references">{"".join(out)}</g>' if out else ""


def _shape(shape: str, x: float, y: float, r: float = 3.6) -> str:
    x, y = round(x, 1), round(y, 1)
    if shape == "circle":
        return f"M{_n(x - r)} {_n(y)}a{r} {r} 0 1 0 {_n(2 * r)} 0a{r} {r} 0 1 0 {_n(-2 * r)} 0z"
    if shape == "square":
        return f"M{_n(x - r)} {_n(y - r)}h{_n(2 * r)}v{_n(2 * r)}h{_n(-2 * r)}z"
    if shape == "triangle":
        return (
            f"M{_n(x)} {_n(y - r - 1)}L{_n(x + r + 0.6)} {_n(y + r)}L{_n(x - r - 0.6)} {_n(y + r)}z"
        )
    if shape == "down":
        return (
            f"M{_n(x)} {_n(y + r + 1)}L{_n(x + r + 0.6)} {_n(y - r)}L{_n(x - r - 0.6)} {_n(y - r)}z"
        )
    if shape == "diamond":
        d = r + 1
        return f"M{_n(x)} {_n(y - d)}L{_n(x + d)} {_n(y)}L{_n(x)} {_n(y + d)}L{_n(x - d)} {_n(y)}z"
    a, b, c, e = _n(x - r), _n(x + r), _n(y - r), _n(y + r)
    return f"M{a} {c}L{b} {e}M{b} {c}L{a} {e}"


def _runs(values: list[tuple[date, int]]) -> list[list[tuple[date, int]]]:
    """Consecutive days together: a missing day starts a new run (a gap in the line)."""
    runs: list[list[tuple[date, int]]] = []
    previous = None
    for point in values:
        number = point[0].toordinal()
        if number - 1 == previous:
            runs[-1].append(point)
        else:
            runs.append([point])
        previous = number
    return runs


def _lines(grid: _Grid, points: Mapping[str, list[tuple[date, int]]]) -> str:
    out = ['<g class="chart-lines" fill="none" stroke-linejoin="round" stroke-linecap="round">']
    all_points = grid.days <= _POINTS_UP_TO_DAYS
    for index, (label, values) in enumerate(points.items()):
        colour, dash, shape = _style(index)
        runs = _runs(values)
        d = " ".join(
            "M" + "L".join(f"{_n(grid.x(day))} {_n(grid.y(score))}" for day, score in run)
            for run in runs
        )
        dots = "".join(
            _shape(shape, grid.x(day), grid.y(score))
            for run in runs
            if all_points or len(run) == 1
            for day, score in run
        )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<g class="chart-series" data-symptom="{escape(label)}">'
            f'<path class="chart-line" d="{d}" stroke="{colour}" stroke-width="2.2"{dash_attr}/>'
        )
        if dots:
            out.append(
                f'<path class="chart-points" d="{dots}" fill="{colour}" stroke="{colour}" '
                f'stroke-width="1.4"/>'
            )
        out.append("</g>")
    out.append("</g>")
    return "".join(out)


def _shared_lines(
    runs: Mapping[str, list[list[tuple[date, int]]]], start: date, lines_id: str
) -> str:
    """Every series' line (its `_runs`) in days from `start` across and scores up
    (`symptom_charts`)."""
    out = [f'<defs><g id="{lines_id}" fill="none" stroke-linejoin="round" stroke-linecap="round">']
    first = start.toordinal()
    for index, (label, label_runs) in enumerate(runs.items()):
        colour, dash, _ = _style(index)
        d = " ".join(
            "M" + "L".join(f"{day.toordinal() - first} {score}" for day, score in run)
            for run in label_runs
        )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<path class="chart-line" data-symptom="{escape(label)}" d="{d}" stroke="{colour}" '
            f'stroke-width="2.2"{dash_attr} vector-effect="non-scaling-stroke"/>'
        )
    out.append("</g></defs>")
    return "".join(out)


def _placed_lines(
    grid: _Grid, runs: Mapping[str, list[list[tuple[date, int]]]], lines_id: str
) -> str:
    """The shared lines (`_shared_lines`) placed on this grid, with this grid's points."""
    all_points = grid.days <= _POINTS_UP_TO_DAYS
    scale = (grid.y1 - grid.y0) / 10
    out = [
        '<g class="chart-lines">'
        f'<use href="#{lines_id}" transform="matrix({_fine(grid.slot)} 0 0 {_fine(-scale)} '
        f'{_fine(grid.x0 + grid.slot / 2)} {_fine(grid.y1)})"/>'
    ]
    for index, (label, label_runs) in enumerate(runs.items()):
        colour, _, shape = _style(index)
        dots = "".join(
            _shape(shape, grid.x(day), grid.y(score))
            for run in label_runs
            if all_points or len(run) == 1
            for day, score in run
        )
        if dots:
            out.append(
                f'<path class="chart-points" data-symptom="{escape(label)}" d="{dots}" '
                f'fill="{colour}" stroke="{colour}" stroke-width="1.4"/>'
            )
    out.append("</g>")
    return "".join(out)


def _flag(x: float, y: float) -> str:
    return f"M{_n(x - 5)} {_n(y - 8)}L{_n(x + 5)} {_n(y - 8)}L{_n(x)} {_n(y)}z"


def _markers(grid: _Grid, markers: Sequence[Marker]) -> str:
    out = []
    for marker in markers:
        if not grid.start <= marker.day <= grid.end:
            continue
        x = grid.x(marker.day)
        out.append(
            f'<path class="chart-marker" d="{_flag(x, grid.y0 - 2)}" fill="#343a40">'
            f"<title>{escape(fmt_date(marker.day))}: {escape(marker.label)}</title></path>"
        )
    return f'<g class="chart-markers">{"".join(out)}</g>' if out else ""


def _legend(grid, labels, phases, has_markers, markers_label, has_reference, uid):
    """The legend under the axis, wrapped into rows; returns the markup and its height."""
    items: list[tuple[str, str]] = []  # (swatch markup drawn at 0,0, text)
    for index, label in enumerate(labels):
        colour, dash, shape = _style(index)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(
            (
                f'<path d="M0 0L30 0" stroke="{colour}" stroke-width="2.2"{dash_attr}/>'
                f'<path d="{_shape(shape, 15, 0)}" fill="{colour}" stroke="{colour}" '
                f'stroke-width="1.4"/>',
                label,
            )
        )
    kinds = [k for k in PHASE_KINDS if any(p.kind == k for p in phases)]
    for kind in kinds:
        items.append(
            (
                f'<rect x="3" y="-7" width="24" height="14" fill="{_phase_fill(kind, uid)}" '
                f'stroke="#6c757d" stroke-width="0.8"/>',
                PHASE_NAMES[kind],
            )
        )
    if has_reference:
        items.append(
            (
                '<rect x="3" y="-7" width="24" height="14" fill="#6c757d" fill-opacity="0.1" '
                'stroke="#6c757d" stroke-dasharray="2 3"/>',
                "Usual range",
            )
        )
    if has_markers:
        items.append((f'<path d="{_flag(15, 6)}" fill="#343a40"/>', markers_label))
    if not items:
        return "", 0
    out = ['<g class="chart-legend">']
    x, row = grid.x0, 0
    top = grid.height + 4
    for swatch, text in items:
        lines = _wrap(text, grid.width - grid.x0 - 38)
        item_width = 38 + max(_text_width(line, _LEGEND_FONT) for line in lines) + 18
        if x > grid.x0 and (x + item_width > grid.width or len(lines) > 1):
            x, row = grid.x0, row + 1
        y = top + row * _LEGEND_ROW + _LEGEND_ROW / 2
        # (a space ends each wrapped line, so the text still reads as one phrase)
        words = escape(lines[0]) + "".join(
            f' <tspan x="38" dy="{_LEGEND_ROW}">{escape(line)}</tspan>' for line in lines[1:]
        )
        out.append(
            f'<g transform="translate({_n(x)} {_n(y)})">{swatch}'
            f'<text x="38" y="0" dy="0.35em" font-size="{_LEGEND_FONT}" fill="#212529">'
            f"{words}</text></g>"
        )
        x += item_width
        if len(lines) > 1:  # a wrapped item keeps its rows to itself
            x, row = grid.width, row + len(lines) - 1
    out.append("</g>")
    return "".join(out), (row + 1) * _LEGEND_ROW + 8


def _wrap(text: str, room: float) -> list[str]:
    """`text` in lines of at most `room` units at the legend's size (a word longer than that
    keeps a line to itself)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}", _LEGEND_FONT) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [text]


def _describe(start, end, points, phases, markers) -> str:
    """The chart in words: what a sighted reader takes in at a glance."""
    days = (end - start).days + 1
    parts = [
        f"Daily scores from {fmt_date(start)} to {fmt_date(end)} ({days} days), "
        "0 = none to 10 = worst; missing days are gaps in the lines."
    ]
    for label, values in points.items():
        if not values:
            parts.append(f"{label}: not scored.")
            continue
        scores = [score for _, score in values]
        last_day, last = values[-1]
        parts.append(
            f"{label}: scored on {len(values)} of {days} days, lowest {min(scores)}, "
            f"highest {max(scores)}, last {last} on {fmt_date(last_day)}."
        )
    shown = [p for p in phases if p.start <= end and p.end >= start]
    if shown and len(shown) <= 12:
        spans = "; ".join(
            f"{p.label} {fmt_date(max(p.start, start))} to {fmt_date(min(p.end, end))}"
            for p in shown
        )
        parts.append(f"Shaded: {spans}.")
    elif shown:
        parts.append(f"{len(shown)} shaded phases; the table lists the phase of every day.")
    count = sum(1 for m in markers if start <= m.day <= end)
    if count:
        parts.append(f"{count} marked day{'s' if count != 1 else ''}.")
    return " ".join(parts)
