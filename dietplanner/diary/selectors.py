"""Reads of the diary shared by pages: a program's past days, page by page, and its chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator

from dietplanner import charts
from dietplanner.programs import schedule
from dietplanner.programs.models import DailyEntry, Dose, Program
from dietplanner.programs.selectors import (
    day_log,
    program_challenges,
    program_last_day,
    program_plan,
)
from foods.models import Confounder, FoodGroup, Symptom

from .services import editable_range

DAYS_PER_PAGE = 14
# The chart draws the page's days (the whole program on demand): a year of scores drawn twice
# (phone and desktop) with its table weighs 210 KB of HTML, two weeks about 25 KB.
NO_CHALLENGE = "Elimination diet, no challenge running"
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class DiaryDay:
    """One calendar day of a program as the diary shows it; `entry` is None on a missing day.

    `scores` pairs each tracked symptom's name with its score (None: not scored).
    `dose_taken` is None when no dose was planned or its intake was not recorded.
    """

    day: date
    phase: str
    entry: DailyEntry | None
    scores: tuple[tuple[str, int | None], ...]
    confounders: tuple[str, ...]
    off_plan: tuple[str, ...]
    is_dose_day: bool
    dose_taken: bool | None
    editable: bool
    is_today: bool

    @property
    def missing(self) -> bool:
        return self.entry is None


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
    figure: charts.SymptomFigure | None = None
    logged_days: int = 0
    chart_whole: bool = False  # the chart covers the whole program (else the page's days)
    chart_clipped: bool = False  # the program is longer than one page of days


def diary_history(
    program: Program, *, today: date, page_number=None, whole_chart: bool = False
) -> DiaryHistory:
    """The diary page's data in a fixed number of queries, however long the program ran.

    The day cards and the chart cover the requested page's days (an invalid page number falls
    back to the first or the last page); with `whole_chart` the chart covers the whole program.
    """
    challenges = program_challenges(program)
    rows = list(
        program.entries.filter(date__gte=program.start_date, date__lte=today)
        .order_by("date")
        .values_list("date", "scores", "confounders", "off_plan")
    )
    finished = not program.is_active
    last = program_last_day(program, today, challenges, rows[-1][0] if rows else None)
    rows = [row for row in rows if row[0] <= last]
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

    diary = {row[0]: day_log(*row) for row in rows}
    # day labels only: the pause after a reaction changes no past day
    plan = program_plan(program, last, challenges=challenges, diary=diary, paused=False)
    labels = day_labels(plan, program.start_date, last)
    names = _names(program, rows)

    count = (last - program.start_date).days + 1
    paginator = Paginator([last - timedelta(days=k) for k in range(count)], DAYS_PER_PAGE)
    page = paginator.get_page(page_number)
    newest, oldest = page.object_list[0], page.object_list[-1]
    clipped = paginator.num_pages > 1
    chart_span = (program.start_date, last) if whole_chart or not clipped else (oldest, newest)
    entries = {e.date: e for e in program.entries.filter(date__gte=oldest, date__lte=newest)}
    taken = dict(
        Dose.objects.filter(
            challenge__program=program, date__gte=oldest, date__lte=newest
        ).values_list("date", "taken")
    )
    dose_days = {
        d.day for c in plan.challenges if c.started for d in c.dose_days if not d.cancelled
    }
    days = tuple(
        _diary_day(
            day,
            entries.get(day),
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
    return DiaryHistory(
        program=program,
        first=program.start_date,
        last=last,
        today=today,
        finished=finished,
        editable_from=editable_from,
        page=page,
        days=days,
        figure=_figure(program, plan, rows, names, labels, last, chart_span),
        logged_days=len(rows),
        chart_whole=whole_chart,
        chart_clipped=clipped,
    )


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
            if challenge.status == "stopped" and dose is kept[-1]:
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


def chart_phases(plan: schedule.Plan, last: date) -> list[charts.Phase]:
    """The plan's baseline, dose days, stop days and washouts up to `last`, for a chart."""
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
        name = challenge.group_name
        kept = [d.day for d in challenge.dose_days if not d.cancelled]
        dose_end = kept[-1]
        if challenge.status == "stopped":
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


# --- helpers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Names:
    symptoms: dict[str, str]
    confounders: dict[str, str]
    groups: dict[str, str]


def _names(program: Program, rows) -> _Names:
    """Display names of the slugs in the diary (a query only for kinds that occur)."""
    used_confounders = {slug for row in rows for slug in row[2] or ()}
    used_groups = {slug for row in rows for slug in row[3] or ()}
    symptoms = dict(Symptom.objects.filter(slug__in=program.symptoms).values_list("slug", "name"))
    confounders = (
        dict(Confounder.objects.filter(slug__in=used_confounders).values_list("slug", "name"))
        if used_confounders
        else {}
    )
    groups = (
        dict(FoodGroup.objects.filter(slug__in=used_groups).values_list("slug", "name"))
        if used_groups
        else {}
    )
    return _Names(symptoms=symptoms, confounders=confounders, groups=groups)


def _pretty(slug: str, names: dict[str, str]) -> str:
    return names.get(slug) or slug.replace("_", " ").capitalize()


def _diary_day(day, entry, program, names: _Names, **facts) -> DiaryDay:
    scores = entry.scores if entry is not None else {}
    return DiaryDay(
        day=day,
        entry=entry,
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


def _figure(
    program, plan, rows, names: _Names, labels, last: date, span: tuple[date, date]
) -> charts.SymptomFigure:
    start, end = span
    series: dict[str, list[tuple[date, int]]] = {
        _pretty(slug, names.symptoms): [] for slug in program.symptoms
    }
    markers = []
    for day, scores, confounders, off_plan in rows:
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
    return charts.symptom_figure(
        start=start,
        end=end,
        series=series,
        phases=chart_phases(plan, last),
        markers=markers,
        markers_label="Off-plan eating or something else logged",
        title=f"Your symptom scores, {charts.fmt_date(start)} to {charts.fmt_date(end)}",
        chart_id="diary-chart",
        day_labels=labels,
        narrow_width=400,
    )
