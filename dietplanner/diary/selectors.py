"""Reads of the diary shared by pages: a program's past days, page by page, and its chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator

from dietplanner import charts
from dietplanner.programs import memo
from dietplanner.programs.drawn import Drawing, drawn, rendered
from dietplanner.programs.models import Dose, Program
from dietplanner.programs.record import ProgramRecord, day_labels
from foods.models import Confounder, FoodGroup, Symptom

from .services import editable_range

DAYS_PER_PAGE = 14
# The chart draws the page's days (the whole program on demand): a year of scores drawn twice
# (phone and desktop) with its table weighs 210 KB of HTML, two weeks about 25 KB.
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class DiaryDay:
    """One calendar day of a program as the diary shows it; `logged` is False on a missing day.

    `scores` pairs each tracked symptom's name with its score (None: not scored).
    `dose_taken` is None when no dose was planned or its intake was not recorded.
    Plain values only: the page renders each day once per process by its value (`rendered`).
    """

    day: date
    phase: str
    logged: bool
    note: str
    scores: tuple[tuple[str, int | None], ...]
    confounders: tuple[str, ...]
    off_plan: tuple[str, ...]
    is_dose_day: bool
    dose_taken: bool | None
    editable: bool
    is_today: bool

    @property
    def missing(self) -> bool:
        return not self.logged


@dataclass(frozen=True, slots=True, kw_only=True)
class DiaryHistory:
    """A program's diary from `first` (first baseline day) to `last`, newest first, paged.

    `last` is today for a running program and the program's last recorded day for a finished
    one. Before the first baseline day there is nothing to show: `page` and `figure` are None.
    `editable_from` is the first day that may still be filled in (None: all read-only).
    """

    program: Program
    first: date
    last: date
    today: date
    finished: bool
    editable_from: date | None
    page: Page | None = None
    days: tuple[DiaryDay, ...] = ()
    days_html: tuple[str, ...] = ()  # each day's card (`diary/_history_day.html`)
    figure: charts.SymptomFigure | None = None
    chart_html: str = ""  # the figure with its table (`diary/_chart.html`), drawn once
    logged_days: int = 0
    chart_whole: bool = False  # the chart covers the whole program (else the page's days)
    chart_clipped: bool = False  # the program is longer than one page of days


def diary_history(
    record: ProgramRecord, *, page_number=None, whole_chart: bool = False
) -> DiaryHistory:
    """The diary page's data from the program record (a query for the page's doses, one for
    the names of what was logged), however long the program ran.

    The day cards and the chart cover the requested page's days (an invalid page number falls
    back to the first or the last page); with `whole_chart` the chart covers the whole program.
    """
    program, today = record.program, record.today
    finished = not program.is_active
    last = record.last_day
    entries = [e for e in record.entries if program.start_date <= e.date <= last]
    editable_from = editable_range(program, today)[0] if not finished else None
    if last < program.start_date:
        return DiaryHistory(
            program=program,
            first=program.start_date,
            last=last,
            today=today,
            finished=finished,
            editable_from=editable_from,
        )

    count = (last - program.start_date).days + 1
    paginator = Paginator([last - timedelta(days=k) for k in range(count)], DAYS_PER_PAGE)
    page = paginator.get_page(page_number)
    newest, oldest = page.object_list[0], page.object_list[-1]
    clipped = paginator.num_pages > 1
    chart_span = (program.start_date, last) if whole_chart or not clipped else (oldest, newest)
    # the page's days are the chart's or among them: nothing outside the chart is read
    shown = [e for e in entries if chart_span[0] <= e.date <= chart_span[1]]

    # day labels only: the pause after a reaction changes no past day
    plan = record.plan_as_of(last, paused=False)
    labels = day_labels(plan, chart_span[0], chart_span[1])
    names = _names(program)

    by_day = record.entry_by_day
    taken = _doses_taken(program, oldest, newest)
    dose_days = {
        d.day for c in plan.challenges if c.started for d in c.dose_days if not d.cancelled
    }
    days = tuple(
        _diary_day(
            day,
            by_day.get(day),
            program,
            names,
            phase=labels.get(day, ""),
            is_dose_day=day in dose_days or day in taken,
            dose_taken=taken.get(day),
            editable=editable_from is not None and editable_from <= day <= today,
            is_today=day == today,
        )
        for day in page.object_list
    )
    chart = _figure(record, plan, shown, names, labels, last, chart_span)
    return DiaryHistory(
        program=program,
        first=program.start_date,
        last=last,
        today=today,
        finished=finished,
        editable_from=editable_from,
        page=page,
        days=days,
        days_html=tuple(rendered("diary/_history_day.html", "day", d) for d in days),
        figure=chart.figure,
        chart_html=chart.html,
        logged_days=len(entries),
        chart_whole=whole_chart,
        chart_clipped=clipped,
    )


# --- helpers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Names:
    symptoms: dict[str, str]
    confounders: dict[str, str]
    groups: dict[str, str]


def _names(program: Program) -> _Names:
    """Display names of the slugs in the diary, from the catalogue (`memo.catalogue_of`)."""
    names = memo.catalogue_of(program).names
    return _Names(names[Symptom], names[Confounder], names[FoodGroup])


def _pretty(slug: str, names: dict[str, str]) -> str:
    return names.get(slug) or slug.replace("_", " ").capitalize()


def _diary_day(day, entry, program, names: _Names, **facts) -> DiaryDay:
    scores = entry.scores if entry is not None else {}
    return DiaryDay(
        day=day,
        logged=entry is not None,
        note=entry.note if entry is not None else "",
        scores=tuple(
            (_pretty(slug, names.symptoms), scores.get(slug)) for slug in program.symptoms
        ),
        confounders=tuple(_pretty(s, names.confounders) for s in (entry.confounders or ()))
        if entry is not None
        else (),
        off_plan=tuple(_pretty(s, names.groups) for s in (entry.off_plan or ()))
        if entry is not None
        else (),
        **facts,
    )


def _doses_taken(program: Program, first: date, last: date) -> dict[date, bool | None]:
    """Whether each dose from `first` to `last` was taken (None: not recorded), by day (of
    two tests' doses on one day, the later test's, as the record orders them)."""
    return dict(
        Dose.objects.filter(challenge__program=program, date__range=(first, last))
        .order_by("challenge__position", "date")
        .values_list("date", "taken")
    )


def _figure(
    record: ProgramRecord, plan, entries, names: _Names, labels, last: date, span
) -> Drawing:
    """The chart of `span` (its entries: `entries`), drawn once per process (`drawn`)."""
    program = record.program
    start, end = span
    series: dict[str, list[tuple[date, int]]] = {
        _pretty(slug, names.symptoms): [] for slug in program.symptoms
    }
    markers = []
    for entry in entries:
        day, scores = entry.date, entry.scores
        confounders, off_plan = entry.confounders, entry.off_plan
        if not start <= day <= end:
            continue
        for slug in program.symptoms:
            value = (scores or {}).get(slug)
            if value is not None:
                series[_pretty(slug, names.symptoms)].append((day, int(value)))
        notes = []
        if off_plan:
            notes.append("Off-plan: " + ", ".join(_pretty(s, names.groups) for s in off_plan))
        if confounders:
            notes.append(", ".join(_pretty(s, names.confounders) for s in confounders))
        if notes:
            markers.append(charts.Marker(day=day, label="; ".join(notes)))
    return drawn(
        start=start,
        end=end,
        series=series,
        phases=record.phases(plan, last),
        markers=markers,
        markers_label="Off-plan eating or something else logged",
        title=f"Your symptom scores, {charts.fmt_date(start)} to {charts.fmt_date(end)}",
        chart_id="diary-chart",
        day_labels={day: text for day, text in labels.items() if start <= day <= end},
        narrow_width=400,
    )
