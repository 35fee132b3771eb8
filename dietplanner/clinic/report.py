"""The client report's data: one program read once, assembled into plain rows for the page,
the PDF and the CSV.

`load_program_data` reads the program through its record (`programs.record`), in a fixed
number of queries whatever the diary's length; everything after it is pure. What a result
shows follows `programs.visibility`, as on the patient's pages: a blinded challenge shows
neither its arms nor its result before it is finished (the report may be shown to the
patient), and a test just begun says how sure it is to no one."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, partial
from statistics import fmean

from django.db.models import F
from django.utils.safestring import SafeString

from dietplanner import charts
from dietplanner.accounts.clock import patient_time
from dietplanner.accounts.models import CareLink, User
from dietplanner.analysis.blinded import missing_text
from dietplanner.analysis.screening import removes_gluten
from dietplanner.analysis.vocabulary import STAPLE_GROUPS, BaselineStatus, Phase
from dietplanner.analysis.wording import (
    CHANCE_TAIL,
    MEANINGFUL_RULE,
    chance_share,
    chance_words,
    finding_words,
    symptom_name,
    why_text,
)
from dietplanner.prepared import Prepared
from dietplanner.programs import memo, schedule
from dietplanner.programs.baseline_check import changes_in_words
from dietplanner.programs.drawn import rendered
from dietplanner.programs.endoscopy import judged_by_endoscopy, outcome_sentence
from dietplanner.programs.group_plans import usual_levels
from dietplanner.programs.memo import Lru
from dietplanner.programs.models import Challenge, GroupPlan, Program
from dietplanner.programs.record import EntryRow, ProgramRecord, engine_order, load_record
from dietplanner.programs.schedule.response import baseline_response
from dietplanner.programs.visibility import shown_result
from foods.models import Confounder, FoodGroup, Symptom

from .pdf_daily import DailyText, daily_text
from .selectors import (
    CHALLENGE_FIELDS,
    LONG_WASHOUT_DAYS,
    NO_CHECKIN_DAYS,
    client_row,
    days_silent,
    flag_reviews,
    place_of,
)

_ONE_DAY = timedelta(days=1)
_WEEK = 7
# The PDF's daily table covers the last 16 weeks: a longer program made a PDF of hundreds of
# pages that held a worker for minutes. Its chart, the web report and the CSV cover it all.
PDF_DAILY_DAYS = 112
# The web report's daily table opens on its last 4 weeks once the program is past 8 weeks;
# every day is one link away (and in the CSV). A year of rows weighed 190 KB of HTML and most
# of the page's time.
PAGE_TABLE_DAYS = 28
PAGE_TABLE_FOLD_FROM = 2 * PAGE_TABLE_DAYS
PAGE_NARROW_WIDTH = 400  # the chart's width for phones
PAGE_WIDE_WIDTH = 720
PAGE_DRAWINGS = 32  # report charts one process keeps (two drawings are about 100 KB)
REPORT_FRAGMENTS = 256  # report tables one process keeps (`fragment`: a few KB each)


@dataclass(kw_only=True)
class ProgramData:
    """A program as the report, its PDF and the CSV read it (see `load_program_data`): its
    record, the plan as of the last day it covers, and the catalogue's names."""

    patient: User
    record: ProgramRecord
    plan: schedule.Plan
    catalogue: memo.Catalogue  # this process's, shared: read it, never change it
    symptom_names: dict[str, str]
    confounder_names: dict[str, str]
    group_names: dict[str, str]
    labels: dict[date, str]

    @property
    def program(self) -> Program:
        return self.record.program

    @property
    def challenges(self) -> list[Challenge]:
        return self.record.challenges

    @property
    def first(self) -> date:
        return self.record.program.start_date

    @property
    def last(self) -> date:
        return max(self.record.last_day, self.first)

    @cached_property
    def entries(self) -> dict[date, EntryRow]:
        """The check-ins from the first baseline day to the last day the program covers."""
        last = self.record.last_day
        return {e.date: e for e in self.record.entries if self.first <= e.date <= last}

    def symptom(self, slug: str) -> str:
        return self.symptom_names.get(slug) or symptom_name(slug)

    def confounder(self, slug: str) -> str:
        return self.confounder_names.get(slug) or slug.replace("_", " ").capitalize()

    def group(self, slug: str) -> str:
        return self.group_names.get(slug) or slug.replace("_", " ").capitalize()


def challenge_label(challenge: Challenge) -> str:
    return challenge.food_group.name + (" (blinded)" if challenge.blinded else "")


def load_program_data(patient: User, program: Program, today: date) -> ProgramData:
    """Everything the report and the exports read, in three queries (the program record's);
    the catalogue's names are this process's (`memo.catalogue_of`, by the catalogue stamp
    read with `program`). The plan is never shown paused (a reaction has its own part)."""
    record = load_record(program, today=today, pause_alerts=[])
    last = max(record.last_day, program.start_date)
    plan = record.plan_as_of(last, paused=False)
    catalogue = memo.catalogue_of(program)
    names = catalogue.names
    return ProgramData(
        patient=patient,
        record=record,
        plan=plan,
        catalogue=catalogue,
        symptom_names=names[Symptom],
        confounder_names=names[Confounder],
        group_names=names[FoodGroup],
        labels=record.day_labels(plan, last),
    )


def protocol_groups(data: ProgramData) -> list[FoodGroup]:
    """The program's protocol's food groups in its order, as `Protocol.groups_in_order` gives
    them, the catalogue's rows (read them, never change them), kept with the catalogue
    (`memo.Catalogue.protocol_groups`): what `Screening.assessment_for` and the flags read
    of `protocol.groups` (whether the diet leaves out gluten)."""
    groups = data.catalogue.groups
    return [groups[g] for g in data.catalogue.protocol_groups.get(data.program.protocol_id, ())]


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeRow:
    challenge: Challenge
    label: str
    dates: str
    doses: str
    verdict: str
    verdict_label: str
    probability: float | None  # the chance the food is a trigger for the client
    chance: str  # that chance in words (`wording.chance_words`)
    chance_share: str  # its share alone ("about 9 in 10"), under a header saying the rest
    dose_span: str  # first to last dose day, short ("3-5 Mar 2026")
    evidence: tuple[str, ...]
    excluded: tuple[str, ...]
    status: str
    hidden: bool
    too_early: bool  # a reading of a window just begun: says how sure to no one
    # A finished blinded re-challenge: its pairs and what they showed, in the report's words.
    pairs: tuple[PairRow, ...] = ()
    blind_reasons: tuple[str, ...] = ()
    # What the client wrote when stopping ("2026-02-03: ..."), one line per stop.
    stop_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChallengeLine:
    """What a row of the web report's challenges table shows, as plain values (its markup is
    kept by them: `fragment`)."""

    label: str
    status: str
    stop_notes: tuple[str, ...]
    dates: str
    doses: str
    hidden: bool
    verdict: str
    verdict_label: str
    chance: str
    evidence: tuple[str, ...]
    excluded: tuple[str, ...]

    @classmethod
    def of(cls, row: ChallengeRow) -> ChallengeLine:
        return cls(**{name: getattr(row, name) for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class LevelRows:
    """The levels table's rows (`SymptomLevel`) and the test whose usual level it shows."""

    reference_test: str
    levels: tuple[SymptomLevel, ...]


@dataclass(frozen=True, slots=True)
class LongTermLine:
    """A food group's long-term plan as the report's table shows it: the plan in words, and
    who set it on which of the client's days (`set_by` empty: from the results)."""

    group: str
    words: str
    note: str
    retest_on: date | None
    set_by: str
    set_on: date | None

    @classmethod
    def of(cls, plan: GroupPlan, patient: User) -> LongTermLine:
        """`plan` as `long_term_lines` reads it (`changed_by_name`: who set it, if anyone)."""
        by = plan.changed_by_id is not None
        return cls(
            group=plan.food_group.name,
            words=plan.words(patient.measures),
            note=plan.note,
            retest_on=plan.retest_on,
            set_by=(plan.changed_by_name or "") if by else "",
            set_on=patient_time(patient, plan.changed_at).date() if by else None,
        )


def long_term_lines(data: ProgramData) -> list[LongTermLine]:
    """The program's long-term plan in its groups' order (`group_plans.group_plans_for`), in
    one query: each plan with the name of who set it, its food group the catalogue's."""
    groups = data.catalogue.groups
    plans = _GROUP_PLANS.all(program_id=data.program.pk)
    for plan in plans:
        plan.food_group = groups[plan.food_group_id]
    plans.sort(key=lambda plan: (plan.food_group.position, plan.food_group.name))
    return [LongTermLine.of(plan, data.patient) for plan in plans]


_GROUP_PLANS = Prepared(
    lambda program_id: (
        GroupPlan.objects.filter(program_id=program_id)
        .order_by()
        .annotate(changed_by_name=F("changed_by__full_name"))
    ),
    program_id=int,
)

# The report's tables (their rows' markup), kept in this process by what they show.
report_fragments = Lru(REPORT_FRAGMENTS)


def fragment(template_name: str, name: str, value) -> SafeString:
    """`template_name` rendered with `{name: value}` alone (a plain value: strings, numbers,
    dates and frozen dataclasses and tuples of them), kept in this process by that value
    (`programs.drawn.rendered`): the same rows draw nothing, a changed one draws afresh."""
    return rendered(template_name, name, value, kept=report_fragments)


def long_term_rows(lines: list[LongTermLine]) -> SafeString:
    """The long-term plan table's rows."""
    return fragment("clinic/_report_long_term_rows.html", "rows", tuple(lines))


@dataclass(frozen=True, slots=True)
class PairRow:
    """One pair of a finished blinded re-challenge: its order and the scores after each portion
    (the lead symptom, or all symptoms together), or why it was left out."""

    pair: int
    order: str
    active: float | None
    placebo: float | None
    difference: float | None
    note: str


@dataclass(frozen=True, slots=True)
class SymptomLevel:
    """One symptom's levels: `first_week` and `latest` are 7-day means; `baseline_end` the
    late-baseline median a washout waits to return to (None while the baseline runs);
    `verdict_reference` the usual level the latest read test compared against."""

    symptom: str
    first_week: float | None
    baseline_end: float | None
    verdict_reference: float | None
    latest: float | None

    @property
    def change(self) -> float | None:
        if self.first_week is None or self.latest is None:
            return None
        return round(self.latest - self.first_week, 1)


@dataclass(slots=True, kw_only=True)
class ClientReport:
    data: ProgramData
    sentence: str
    challenges: list[ChallengeRow]
    planned_left: int
    levels: list[SymptomLevel]
    # The test whose usual levels `SymptomLevel.verdict_reference` shows ("" when none read).
    reference_test: str
    logged_days: int
    expected_days: int
    off_plan: list[tuple[str, int]]
    off_plan_days: int
    chart_args: dict  # the chart's (`charts.symptom_chart`), as the PDF draws it
    confounders: list[tuple[str, int]]
    to_discuss: list[str] = field(default_factory=list)
    chance_tail: str = CHANCE_TAIL

    @property
    def print_svg(self):
        """The chart drawn wider than the screen's, so that it leaves room on the PDF's first
        page for the challenges table."""
        return charts.symptom_chart(**{**self.chart_args, "width": 960, "height": 250})

    @property
    def rise_rule(self) -> str:
        """The one threshold for a clear rise, as the report says it."""
        return third_person(MEANINGFUL_RULE[0].upper() + MEANINGFUL_RULE[1:] + ".")

    @property
    def chart_days(self) -> int:
        """How many days the chart, and the table of every day, cover."""
        return (self.chart_args["end"] - self.chart_args["start"]).days + 1

    def table(self, last_days: int | None = None) -> charts.ChartTable:
        """The chart's table of daily scores: every day, or only the last `last_days` (only
        those are worked out: a year's table for the 4 weeks shown was most of the chart's
        time)."""
        args = self.chart_args
        start = args["start"]
        series = args["series"]
        if last_days is not None:
            start = max(start, args["end"] - timedelta(days=last_days - 1))
            # Each line's points from `start` on (they are by day): not a year's to sift.
            series = {
                name: points[bisect_left(points, (start,)) :] for name, points in series.items()
            }
        return charts.chart_table(
            start=start,
            end=args["end"],
            series=series,
            phases=args["phases"],
            markers=args["markers"],
            day_labels=self.data.labels,
        )

    @property
    def recent_days(self) -> tuple[charts.TableRow, ...]:
        """The daily table's last PDF_DAILY_DAYS rows (the PDF's appendix)."""
        return self.table(PDF_DAILY_DAYS).rows

    @property
    def daily_appendix(self) -> DailyText:
        """`recent_days` as the PDF prints them."""
        table = self.table(PDF_DAILY_DAYS)
        return daily_text(table.rows, self.data.program.symptoms, table.columns)

    def page_figure(self, *, every_day: bool = False) -> charts.SymptomFigure:
        """The chart for the web page, wide and narrow (for phones: the same lines, drawn
        once; `page_charts`), and past PAGE_TABLE_FOLD_FROM days its table folded to the last
        PAGE_TABLE_DAYS unless `every_day` (the chart always covers the whole program)."""
        args = self.chart_args
        folded = not every_day and self.chart_days > PAGE_TABLE_FOLD_FROM
        narrow, wide = page_charts(args)
        return charts.SymptomFigure(
            title=args["title"],
            svg=wide,
            svg_narrow=narrow,
            table=self.table(PAGE_TABLE_DAYS if folded else None),
            start=args["start"],
            end=args["end"],
        )

    @property
    def challenge_rows(self) -> SafeString:
        """The web report's challenges table rows (the PDF draws its own columns)."""
        lines = tuple(ChallengeLine.of(row) for row in self.challenges)
        return fragment("clinic/_report_challenge_rows.html", "rows", lines)

    @property
    def level_rows(self) -> SafeString:
        """The levels table's rows (the page and the PDF)."""
        rows = LevelRows(reference_test=self.reference_test, levels=tuple(self.levels))
        return fragment("clinic/_report_level_rows.html", "table", rows)

    @property
    def adherence_percent(self) -> int | None:
        if not self.expected_days:
            return None
        return round(100 * self.logged_days / self.expected_days)


# The page's two drawings of a chart, kept in this process by everything they draw.
page_drawings = Lru(PAGE_DRAWINGS)


def page_charts(args: dict) -> tuple[SafeString, SafeString]:
    """The report chart's phone and wide drawings (`charts.symptom_charts`) of these chart
    arguments (`ClientReport.chart_args`), kept in this process keyed by every argument they
    draw: dates, each series' name and points in order, phases, markers and words. The
    drawing is a pure function of those, so a kept one is the one that would be drawn; a new
    check-in, verdict or name changes the key. Nothing is keyed by id or time."""
    key = (
        args["start"],
        args["end"],
        tuple((label, tuple(points)) for label, points in args["series"].items()),
        tuple(args["phases"]),
        tuple(args["markers"]),
        args["markers_label"],
        args["title"],
    )
    return page_drawings.get(
        key,
        lambda: charts.symptom_charts(
            start=args["start"],
            end=args["end"],
            series=args["series"],
            phases=args["phases"],
            markers=args["markers"],
            markers_label=args["markers_label"],
            title=args["title"],
            widths=(PAGE_NARROW_WIDTH, PAGE_WIDE_WIDTH),
            chart_ids=("report-chart-narrow", "report-chart"),
        ),
    )


def client_report(data: ProgramData, today: date) -> ClientReport:
    """The report of one program from its loaded rows (pure)."""
    started = [
        c
        for c in engine_order(data.challenges)
        if c.first_dose_day and c.status in Challenge.STARTED_STATUSES
    ]
    rows = [_challenge_row(c, data) for c in started]
    planned_left = sum(1 for c in data.challenges if c.status == Challenge.Status.PLANNED)
    reference_row = next((r for r in reversed(rows) if _symptom_references(r)), None)
    levels = _levels(data, _symptom_references(reference_row) if reference_row else {})
    off_plan = Counter(g for r in data.entries.values() for g in r.off_plan)
    confounders = Counter(c for r in data.entries.values() for c in r.confounders)
    chart_args = _chart_args(data, rows)
    report = ClientReport(
        data=data,
        sentence=_sentence(data, started, today),
        chart_args={**chart_args, "chart_id": "report-chart-print"},
        challenges=rows,
        planned_left=planned_left,
        levels=levels,
        reference_test=reference_row.label if reference_row else "",
        logged_days=data.record.logged_days,
        expected_days=data.record.due_days,
        off_plan=[(data.group(g), n) for g, n in off_plan.most_common()],
        off_plan_days=sum(1 for r in data.entries.values() if r.off_plan),
        confounders=[(data.confounder(c), n) for c, n in confounders.most_common()],
    )
    report.to_discuss = _to_discuss(report, started)
    return report


def _sentence(data: ProgramData, started: list[Challenge], today: date) -> str:
    program = data.program
    groups = sum(1 for c in data.challenges if c.status != Challenge.Status.SKIPPED)
    rows = [
        {
            "status": c.status,
            "first_dose_day": c.first_dose_day,
            "position": c.position,
            "dose_days": c.dose_days,
            "stop_day": c.stop_day,
            "washout_end": c.washout_end,
            "blinded": c.blinded,
            "food_group__name": c.food_group.name,
        }
        for c in data.challenges
    ]
    place = place_of(program, rows, today)[1]
    shown = [shown_result(c) for c in started]
    verdicts = Counter(third_person(s.verdict_label) for s in shown if s.verdict)
    tested = ", ".join(f"{n} {label.lower()}" for label, n in verdicts.most_common())
    verb = "starts" if program.start_date > today else "started"
    text = (
        f"{data.patient.full_name} {verb} the {program.protocol.name} protocol on "
        f"{charts.fmt_date(program.start_date)}: a {program.baseline_days}-day baseline, then "
        f"{groups} food group{'s' if groups != 1 else ''} to test one at a time. "
        f"Now: {place}."
    )
    if started:
        text += f" {len(started)} tested so far" + (f" ({tested})." if tested else ".")
    return text


def _challenge_row(c: Challenge, data: ProgramData) -> ChallengeRow:
    shown = shown_result(c)
    detail = shown.detail
    scheduled = data.plan.challenge(str(c.public_id))
    last_dose = c.stop_day or c.last_dose_day
    end = scheduled.washout_end if scheduled else (c.washout_end or last_dose)
    dates = f"{charts.fmt_date(c.first_dose_day)} to {charts.fmt_date(last_dose)}"
    if end > last_dose:
        dates += f", washout to {charts.fmt_date(end)}"
    doses = list(c.doses.all())
    taken = [d for d in doses if d.taken is not False]
    dose_text = f"{len(taken)} of {len(doses)} taken" if doses else "none recorded"
    if c.blinded:
        if shown.arms:
            arms = [f"{charts.fmt_date(d.date, year=False)} {d.arm or '?'}" for d in doses]
            dose_text += " (" + ", ".join(arms) + ")" if arms else ""
        else:
            dose_text += " (arms hidden until the test is finished)"
    evidence = tuple(
        f"{data.symptom(s['symptom'])}: {finding_words(s)}, {s['change']:+.1f} over the usual "
        f"level ({s['window_level']:.1f} vs {s['reference_level']:.1f}) in the days after"
        for s in detail.get("symptoms", ())
        if s.get("finding") in ("rise", "small_rise")
        and s.get("window_level") is not None
        and s.get("reference_level") is not None
        and s.get("change") is not None
    )
    if (not evidence or detail.get("pairs")) and detail.get("reasons"):
        evidence = (third_person(detail["reasons"][0]),)
    if judged_by_endoscopy(detail):  # the endoscopy decides; the scores are context
        evidence = ("Symptom scores, context only:", *evidence)
        if outcome := outcome_sentence(detail):
            evidence = (outcome, *evidence)
    excluded = tuple(
        f"{charts.fmt_date(date.fromisoformat(d['date']), year=False)}: {why_text(tuple(d['why']))}"
        for d in detail.get("excluded_days", ())
    )
    probability = shown.probability
    status = c.get_status_display()
    if c.status == Challenge.Status.STOPPED and c.stop_day:
        on = charts.fmt_date(c.stop_day, year=False)
        status = f"Stopped for a reaction on {on}"
        if c.interrupted:
            status = f"Stopped for {c.get_stop_cause_display()} on {on} (not a reaction)"
    if c.red_flags:
        status += " - red-flag symptoms"
    return ChallengeRow(
        challenge=c,
        label=challenge_label(c),
        dates=dates,
        doses=dose_text,
        verdict=shown.verdict,
        verdict_label=third_person(shown.verdict_label),
        probability=probability,
        chance=chance_words(probability) if probability is not None else "",
        chance_share=chance_share(probability) if probability is not None else "",
        dose_span=date_span(c.first_dose_day, last_dose),
        evidence=evidence,
        excluded=excluded,
        status=status,
        stop_notes=tuple(c.stop_notes),
        hidden=shown.hidden,
        too_early=shown.too_early,
        pairs=_pair_rows(c, detail),
        blind_reasons=tuple(third_person(r) for r in detail.get("reasons", ()))
        if detail.get("pairs")
        else (),
    )


def date_span(first: date, last: date) -> str:
    """Two days as a short range: "3-5 Mar 2026", "30 Mar-2 Apr 2026", "5 Mar 2026"."""
    if first == last:
        return charts.fmt_date(first)
    if first.year != last.year:
        return f"{charts.fmt_date(first)}-{charts.fmt_date(last)}"
    if first.month != last.month:
        return f"{charts.fmt_date(first, year=False)}-{charts.fmt_date(last)}"
    return f"{first.day}-{charts.fmt_date(last)}"


def _pair_rows(c: Challenge, detail: dict) -> tuple[PairRow, ...]:
    """The pairs of a finished blinded test as the report lists them (none while it runs:
    `detail` is then empty)."""
    active = detail.get("active_label") or c.blind_active_label or "active"
    placebo = {"A": "B", "B": "A"}.get(active, "placebo")
    food = c.food_group.name.lower()
    rows = []
    for p in detail.get("pairs", ()):
        first, second = (
            (f"{active} ({food})", f"{placebo} (placebo)")
            if p["active_first"]
            else (f"{placebo} (placebo)", f"{active} ({food})")
        )
        note = "left out: " + missing_text(tuple(p["missing"])) if p["missing"] else ""
        rows.append(
            PairRow(
                pair=p["pair"],
                order=f"{first}, then {second}",
                active=p["active_level"],
                placebo=p["placebo_level"],
                difference=p["difference"],
                note=note,
            )
        )
    return tuple(rows)


def _week_mean(data: ProgramData, slug: str, first: date, last: date) -> float | None:
    entries = data.entries
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    rows = [entries[d] for d in days if d in entries]  # by date, as `entries` is
    values = [float(r.scores[slug]) for r in rows if r.scores.get(slug) is not None]
    return round(fmean(values), 1) if values else None


def _symptom_references(row: ChallengeRow) -> dict[str, float]:
    """symptom slug -> the usual level a shown verdict compared that symptom against."""
    return usual_levels(row.challenge) if row.verdict else {}


def _levels(data: ProgramData, verdict_reference: dict[str, float]) -> list[SymptomLevel]:
    """Each symptom's first baseline week, end of baseline (once it is over), the usual level
    of the latest read test, and latest week."""
    start = data.first
    baseline = data.plan.baseline
    # While the baseline runs its late median is provisional: it is no level to compare to.
    ended = baseline.status == BaselineStatus.DONE
    return [
        SymptomLevel(
            symptom=data.symptom(slug),
            first_week=_week_mean(data, slug, start, start + timedelta(days=_WEEK - 1)),
            baseline_end=round(baseline.reference[slug], 1)
            if ended and slug in baseline.reference
            else None,
            verdict_reference=round(verdict_reference[slug], 1)
            if slug in verdict_reference
            else None,
            latest=_week_mean(data, slug, data.last - timedelta(days=_WEEK - 1), data.last),
        )
        for slug in data.program.symptoms
    ]


# A diary's chart lines and day markers, kept in this process by its diary stamp (see
# `_diary_lines`); a line is a tuple, so that what is kept is never changed by a page.
diary_lines = Lru(memo.DIARIES)


def _diary_lines(data: ProgramData) -> tuple[dict[str, tuple], tuple[charts.Marker, ...]]:
    """Each symptom's (day, score) points from the first day to the last the program covers,
    and the days with off-plan eating or something else logged (`_chart_args`). A year of
    them took a tenth of the report's time: they are kept in this process under what they
    are drawn from, the diary stamp its rows were read under (`memo`: the stamp is read on
    every view, so a check-in or a correction in any process changes it), the days covered,
    the symptoms and the catalogue's names. A diary read without its stamp is drawn afresh."""
    symptoms = tuple((slug, data.symptom(slug)) for slug in data.program.symptoms)
    compute = partial(_draw_diary_lines, data, symptoms)
    if data.record.diary_key is None:
        return compute()
    key = (
        data.record.diary_key,
        data.first,
        data.record.last_day,
        symptoms,
        tuple(data.group_names.items()),
        tuple(data.confounder_names.items()),
    )
    return diary_lines.get(key, compute)


def _draw_diary_lines(data: ProgramData, symptoms: tuple[tuple[str, str], ...]):
    first = data.first
    series: dict[str, list[tuple[date, int]]] = {name: [] for _, name in symptoms}
    # Each symptom's list, found once (two symptoms of one name share it, as before).
    columns = [(slug, series[name].append) for slug, name in symptoms]
    markers = []
    for day in sorted(d for d in data.entries if d >= first):
        row = data.entries[day]
        scores = row.scores
        for slug, add in columns:
            score = scores.get(slug)
            if score is not None:
                add((day, int(score)))
        notes = []
        if row.off_plan:
            notes.append("Off-plan: " + ", ".join(data.group(g) for g in row.off_plan))
        if row.confounders:
            notes.append(", ".join(data.confounder(c) for c in row.confounders))
        if notes:
            markers.append(charts.Marker(day=day, label="; ".join(notes)))
    return {name: tuple(points) for name, points in series.items()}, tuple(markers)


def _chart_args(data: ProgramData, rows: list[ChallengeRow]) -> dict:
    """The arguments of the report's chart (`charts.symptom_chart`)."""
    first = data.first
    series, day_markers = _diary_lines(data)
    markers = list(day_markers)
    for row in rows:
        if not row.verdict:
            continue
        window = (row.challenge.verdict_detail or {}).get("window") or {}
        day = date.fromisoformat(window["end"]) if window.get("end") else None
        day = min(day or row.challenge.first_dose_day, data.last)
        if day >= first:
            markers.append(
                charts.Marker(day=day, label=f"Verdict {row.label}: {row.verdict_label}")
            )
    return dict(
        start=first,
        end=data.last,
        series=dict(series),
        phases=data.record.phases(data.plan, data.last),
        markers=sorted(markers, key=lambda m: m.day),
        markers_label="Verdict, off-plan eating or something else logged",
        title=(
            f"{data.patient.full_name}: symptom scores, {charts.fmt_date(first)} to "
            f"{charts.fmt_date(data.last)}"
        ),
        chart_id="report-chart",
    )


# The analysis words its reasons for the patient; the report speaks of them.
_THIRD_PERSON = (
    (re.compile(r"\byou react\b"), "the client reacts"),
    (re.compile(r"\bYour\b"), "The client's"),
    (re.compile(r"\byour\b"), "the client's"),
    (re.compile(r"\bYou\b"), "The client"),
    (re.compile(r"\byou\b"), "the client"),
)


def third_person(text: str) -> str:
    """A patient-facing reason ("your usual level", "You stopped") as the report says it."""
    for pattern, words in _THIRD_PERSON:
        text = pattern.sub(words, text)
    return text


def _to_discuss(report: ClientReport, started: list[Challenge]) -> list[str]:
    items = []
    data = report.data
    last_entry = max(data.entries, default=None)
    gap = days_silent(data.first, last_entry, data.last)
    silent = data.program.is_active and gap >= NO_CHECKIN_DAYS
    if silent:
        items.append(
            f"No check-in since {charts.fmt_date(last_entry)} ({gap} days): the diary and "
            "the verdicts stop there."
            if last_entry
            else f"No check-in yet: the program started on {charts.fmt_date(data.first)}."
        )
    for row in report.challenges:
        c = row.challenge
        if c.red_flags or c.no_home_retest:
            items.append(
                f"{row.label}: red-flag symptoms reported. Never re-test at home; "
                "consider an allergy assessment."
            )
        elif judged_by_endoscopy(c.verdict_detail):
            items.append(
                f"{row.label}: {outcome_sentence(c.verdict_detail)}"
                if row.verdict != Challenge.Verdict.ENDOSCOPY
                else f"{row.label}: to be assessed at the next endoscopy; record its outcome."
            )
        elif row.verdict == Challenge.Verdict.POSSIBLE:
            items.append(f"{row.label}: possible trigger, worth a re-challenge (ideally blinded).")
        elif row.verdict == Challenge.Verdict.INCONCLUSIVE and not row.too_early:
            items.append(f"{row.label}: inconclusive, too little clean data; repeat the test.")
        elif (
            row.verdict == Challenge.Verdict.TRIGGER
            and c.food_group.slug in STAPLE_GROUPS
            and not c.blinded
        ):
            items.append(
                f"{row.label}: likely trigger in a staple group, from an open test; a blinded "
                "re-challenge before long-term avoidance, then look for a tolerated portion."
            )
        elif row.verdict == Challenge.Verdict.TRIGGER:
            items.append(f"{row.label}: likely trigger; keep out or look for a tolerated portion.")
    for scheduled in report.data.plan.challenges:
        if scheduled.long_washout_flag and scheduled.phase == Phase.WASHOUT:
            items.append(
                f"Washout after {scheduled.group_name} is longer than {LONG_WASHOUT_DAYS} days: "
                + (
                    "no check-in to show symptoms settling."
                    if silent
                    else "symptoms have not settled back."
                )
            )
    baseline = report.data.plan.baseline
    if baseline.talk_to_dietitian:
        items.append("The baseline has run far past its planned length without settling.")
    baseline_days = (min(baseline.end, report.data.last) - baseline.start).days + 1
    # The same rule that holds the patient's first food test (`programs.baseline_check`).
    response = baseline_response(
        start=data.program.start_date,
        symptoms=data.program.symptoms,
        diary=data.record.diary,
        reference=baseline.reference,
    )
    if baseline_days >= 14 and response.helped is False:
        chose = data.program.tests_despite_baseline_at
        then = (
            " The client chose to start the food tests anyway on "
            f"{charts.fmt_date(patient_time(data.patient, chose).date())}."
            if chose
            else " The food tests wait until the client chooses to start anyway."
        )
        items.append(
            "The baseline did not help enough ("
            f"{changes_in_words(response, data.symptom_names)}; a fall of 2 points or 30% "
            f"counts). The diet may be the wrong tool.{then}"
        )
    return items


# --- the client's flags, worked out from the rows the report read --------------------------


def attention_flags(
    link: CareLink, *, today: date, data: ProgramData | None, screening, alerts
) -> tuple[str, ...]:
    """The client's attention flags, by the client list's rules (`selectors.client_row`), from
    what the report read: its program, challenges and check-ins, the client's newest health
    answers (`screening`) and reaction alerts, plus the link's flag reviews (one query). The
    same flags the list's line is worked out to, and never older than the report's rows.

    The challenges count with their statuses as stored, as on the list (the report's plan
    derives later ones for a day passing, until the refresh stores them)."""
    program = data.program if data is not None else None
    challenges, stats, baseline_rows = [], None, []
    if data is not None:
        stored = data.record.stored
        challenges = sorted(
            (_challenge_line(c, *stored[c.pk]) for c in data.challenges),
            key=lambda c: c["position"],
        )
        shown = [e for e in data.record.entries if program.start_date <= e.date <= today]
        if shown:
            off_plan = sum(1 for e in shown if e.off_plan)
            stats = {"logged": len(shown), "last": shown[-1].date, "off_plan": off_plan}
        if program.status == Program.Status.BASELINE:
            baseline_rows = [(e.date, e.scores or {}) for e in shown]
    row = client_row(
        link,
        program,
        challenges,
        stats,
        baseline_rows,
        today,
        flag_reviews([link]).get(link.pk, {}),
        screening=screening,
        removes_gluten=program is not None
        and removes_gluten(g.slug for g in program.protocol.groups),
        urgent=any(alert.acknowledged_at is None for alert in alerts),
    )
    return row.flags


def _challenge_line(c: Challenge, status: str, washout_end: date | None) -> dict:
    """A challenge as the client list reads it (`selectors.CHALLENGE_FIELDS`): its status and
    washout end as stored."""
    line = {name: getattr(c, name) for name in CHALLENGE_FIELDS if "__" not in name}
    return line | {
        "status": status,
        "washout_end": washout_end,
        "food_group__name": c.food_group.name,
    }
