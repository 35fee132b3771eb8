"""Reads for the dietitian's side: the client list in a fixed number of queries, and notes.

The client list never runs the schedule engine per client (two queries each): each client's
place in the program is read from the stored challenge statuses and dates, and the diary from
aggregates, so 500 clients cost the same handful of queries as 5. Statuses are as stored; the
services that change their inputs, and the scheduled refresh for a day passing, keep them in
line with the plan (`programs.services.program_refresh`, `programs_refresh_due`).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean

from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Q, Subquery
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from dietplanner.accounts.clock import patient_today, user_zone, zone_named, zone_today
from dietplanner.accounts.models import CareLink, User
from dietplanner.charts import fmt_date
from dietplanner.prepared import Prepared
from dietplanner.programs.intake import (
    current_screenings,
    gluten_free_protocol_ids,
    review_needed,
)
from dietplanner.programs.models import Challenge, DailyEntry, Program, ReactionAlert
from dietplanner.programs.visibility import result_hidden

from .models import ClientListState, ClientSummary, ClinicalNote, FlagReview

NO_CHECKIN_DAYS = 3
LONG_WASHOUT_DAYS = 10
BASELINE_COMPARE_FROM_DAY = 14  # before this, a baseline is too young to judge
_WEEK = 7

# flag slug -> label, in the order the list shows them
FLAGS = {
    "urgent": "URGENT: allergic reaction to acknowledge",
    "screening": "Health answers to review",
    "no_checkin": "No check-in for 3 days or more",
    "reaction": "Reaction reported",
    "baseline": "Baseline not improving",
    "long_washout": "Washout over 10 days",
    "new_verdicts": "New verdicts",
}
# Flags the dietitian marks as reviewed (`services.flag_review`); each hides until something new
# happens (see `_unreviewed`). Health answers are cleared on their own form.
REVIEWABLE_FLAGS = ("no_checkin", "reaction", "baseline", "long_washout", "new_verdicts")
# phase slug -> label, in program order
PHASES = {
    "baseline": "Baseline",
    "dose": "Dose days",
    "washout": "Washout",
    "between": "Between challenges",
    "finished": "Finished",
    "none": "No program",
}
SORTS = ("name", "phase", "checkin", "adherence", "flags")


@dataclass(slots=True, kw_only=True)
class ClientRow:
    """One linked patient as the client list shows them.

    A row of a page read from the stored lines (`summary_page`) holds only what the list
    shows: the patient's id, public id, name and e-mail, the protocol's name; no link and no
    program."""

    patient: User
    link: CareLink | None
    program: Program | None
    phase: str
    place: str
    last_checkin: date | None
    days_since: int | None
    logged_days: int
    expected_days: int
    off_plan_days: int
    flags: tuple[str, ...] = field(default=())
    protocol: str = ""  # the program's protocol, by name
    report_url: str = ""  # set by the list's view
    html: str = ""  # the drawn table row, set by the list's view

    @property
    def name(self) -> str:
        return self.patient.full_name or self.patient.email

    @property
    def adherence_words(self) -> str:
        share = self.adherence_percent
        return "–" if share is None else f"{share}% of days logged"

    @property
    def off_plan_words(self) -> str:
        days = self.off_plan_days
        return f"{days} off-plan day{'' if days == 1 else 's'}"

    @property
    def checkin_words(self) -> str:
        if self.days_since is None:
            return ""
        return {0: "today", 1: "yesterday"}.get(self.days_since, f"{self.days_since} days ago")

    @property
    def adherence(self) -> float | None:
        return self.logged_days / self.expected_days if self.expected_days else None

    @property
    def adherence_percent(self) -> int | None:
        share = self.adherence
        return None if share is None else round(100 * share)

    @property
    def flag_labels(self) -> list[tuple[str, str]]:
        return [(slug, FLAGS[slug]) for slug in self.flags]

    @property
    def phase_label(self) -> str:
        return PHASES[self.phase]


def client_rows(
    dietitian: User, now: datetime | None = None, *, patient: User | None = None, search: str = ""
) -> list[ClientRow]:
    """Every patient actively linked to `dietitian` (or just `patient`; or those whose name or
    e-mail holds `search`), by name, in 10 queries whatever their number.

    Each client's "today" is their own calendar day at `now` (default: now): "yesterday" and
    adherence follow their time zone, not the dietitian's. A client's program is their running
    one, else their latest.
    """
    links = client_links(dietitian, search=search)
    if patient is not None:
        links = links.filter(patient=patient)
    return rows_for_links(list(links), now)


def client_links(dietitian: User, *, search: str = "", descending: bool = False):
    """The active links of `dietitian`'s patients (those whose name or e-mail holds `search`),
    by name as the list sorts it (case aside), with the patient joined: a queryset to page."""
    links = CareLink.objects.active().filter(dietitian=dietitian, patient__role=User.Role.PATIENT)
    if search:
        links = links.filter(
            Q(patient__full_name__icontains=search) | Q(patient__email__icontains=search)
        )
    name, email = Lower("patient__full_name"), F("patient__email")
    order = (name.desc(), email.desc()) if descending else (name.asc(), email.asc())
    return links.select_related("patient").order_by(*order)


def client_page(dietitian: User, *, search: str, descending: bool, page, per_page: int, now=None):
    """One page of the client list by name: the links are counted, sorted and sliced in the
    database, and only the page's clients get their rows built (10 queries, whatever the total).
    """
    paginated = Paginator(client_links(dietitian, search=search, descending=descending), per_page)
    shown = paginated.get_page(page)
    shown.object_list = rows_for_links(list(shown.object_list), now)
    return shown


@dataclass(frozen=True, slots=True)
class Roster:
    """A dietitian's clients as the list counts them (`summary_roster`)."""

    total: int  # clients actively linked
    current: bool  # every one has a stored line worked out for their own today
    matching: int  # of those lines, how many the list's filter keeps (all, unfiltered)


def line_filter(*, search: str = "", flag: str = "", phase: str = "") -> Q | None:
    """The stored lines named like `search`, with `flag` and in `phase` (empty: any); None
    when the list is not filtered."""
    conditions = []
    if search:
        conditions.append(Q(name__icontains=search) | Q(email__icontains=search))
    if flag in FLAGS:
        conditions.append(Q(flags__contains=f" {flag} "))
    if phase in PHASES:
        conditions.append(Q(phase=phase))
    return Q(*conditions) if conditions else None


def summary_roster(
    dietitian: User,
    now: datetime | None = None,
    *,
    search: str = "",
    flag: str = "",
    phase: str = "",
) -> Roster:
    """How many clients are actively linked to `dietitian`, whether every one of them has a
    stored line worked out for their own today, and how many lines the list's filter keeps
    (`line_filter`): one query. Only when every line is current may the list read them.

    Unfiltered, or filtered by a flag or a phase alone, the dietitian's `ClientListState`
    answers (one row, whatever the number of clients): current while it is complete and now
    is within its bounds, otherwise not. For a search, a flag and a phase, or a dietitian
    with no state, the lines are counted and checked (`_lines_roster`)."""
    now = now or timezone.now()
    if not search and not (flag in FLAGS and phase in PHASES):
        state = (
            ClientListState.objects.filter(dietitian=dietitian)
            .values_list("complete", "total", "valid_from", "valid_until", "counts")
            .first()
        )
        if state is not None:
            complete, total, valid_from, valid_until, counts = state
            if not complete or not _within(now, valid_from, valid_until):
                # A line missing or of another day: every client is worked out, and counted.
                total = client_count(dietitian)
                return Roster(total=total, current=total == 0, matching=0)
            key = f"flag:{flag}" if flag in FLAGS else f"phase:{phase}" if phase in PHASES else ""
            return Roster(total=total, current=True, matching=counts.get(key, 0) if key else total)
    return _lines_roster(dietitian, now, line_filter(search=search, flag=flag, phase=phase))


def _within(now: datetime, valid_from: datetime | None, valid_until: datetime | None) -> bool:
    """Whether `now` is within a state's bounds (none: the dietitian has no line)."""
    if valid_from is None or valid_until is None:
        return valid_from is None and valid_until is None
    return valid_from <= now < valid_until


def _lines_roster(dietitian: User, now: datetime, matching: Q | None) -> Roster:
    """`summary_roster` from the lines: one query on the lines (through their index) and the
    count of links, not the patients.

    The lines keep copies of the dietitian and of the patient's time zone, which follow the
    link and the patient as they change (`services.client_lines_follow_link`, `..._patient`);
    a link whose line is missing (linked since the last refresh) makes the counts differ.
    """
    matched = Count("pk", filter=matching) if matching else Count("pk")
    groups = list(_line_groups(dietitian.pk, matching=matched))  # zone, as_of, lines, links, n
    linked = groups[0][3] or 0 if groups else 0
    current = sum(g[2] for g in groups) == linked and all(
        as_of == zone_today(zone, now) for zone, as_of, *_ in groups
    )
    if not current or not groups:
        # The list works every client out, and counts them as it does.
        total = client_count(dietitian)
        return Roster(total=total, current=total == 0, matching=0)
    return Roster(total=linked, current=True, matching=sum(g[4] for g in groups))


def _line_groups(dietitian_id: int, *by: str, **counts):
    """The dietitian's lines grouped by time zone, day and `by`: (zone, as_of, *by, lines,
    links, *counts), `links` the count of the dietitian's active links (a subquery)."""
    links = (
        CareLink.objects.active()
        .filter(dietitian_id=dietitian_id)
        .order_by()
        .values("dietitian")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ClientSummary.objects.filter(dietitian_id=dietitian_id)
        .order_by()
        .values_list("zone", "as_of", *by)
        .annotate(lines=Count("pk"), links=Subquery(links), **counts)
    )


def client_list_state_fields(dietitian_id: int) -> dict:
    """What `ClientListState` keeps of this dietitian's lines, worked out from them (one
    query; two for a dietitian with no line): whether there are as many as active links, how
    many, how many per flag and per phase, and the moments between which each is of its
    client's today (the latest start of a line's day, the earliest end)."""
    by_flag = {f"flag_{slug}": Count("pk", filter=Q(flags__contains=f" {slug} ")) for slug in FLAGS}
    groups = list(_line_groups(dietitian_id, "phase", **by_flag))
    if not groups:
        linked = CareLink.objects.active().filter(dietitian_id=dietitian_id).count()
        return {
            "complete": linked == 0,
            "total": 0,
            "valid_from": None,
            "valid_until": None,
            "counts": {},
        }
    counts: dict[str, int] = {}
    starts, ends = [], []
    for zone, as_of, phase, lines, _, *flagged in groups:
        keys = [f"phase:{phase}", *(f"flag:{slug}" for slug in FLAGS)]
        for key, n in zip(keys, [lines, *flagged], strict=True):
            counts[key] = counts.get(key, 0) + n
        starts.append(_day_start(zone, as_of))
        ends.append(_day_start(zone, as_of + timedelta(days=1)))
    total = sum(g[3] for g in groups)
    return {
        "complete": total == (groups[0][4] or 0),
        "total": total,
        "valid_from": max(starts),
        "valid_until": min(ends),
        "counts": {key: n for key, n in counts.items() if n},
    }


def _day_start(zone: str, day: date) -> datetime:
    """The moment `day` begins in the time zone named `zone` (UTC for a name not known, as
    `zone_today` reads it); a midnight skipped by a clock change begins at the change."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone_named(zone)).astimezone(
        zoneinfo.ZoneInfo("UTC")
    )


def summaries_current(dietitian: User, now: datetime | None = None) -> bool:
    """Whether every client of `dietitian` has a stored line worked out for their own today."""
    return summary_roster(dietitian, now).current


# sort key -> the stored columns it orders by, ascending as the list reads it (most needing
# attention first), each with its reverse; ties go by name.
_SUMMARY_ORDER = {
    "name": ([], []),
    "phase": (
        [F("phase_rank").asc(), F("place").asc()],
        [F("phase_rank").desc(), F("place").desc()],
    ),
    # Longest silence first; never logged counts as the longest.
    "checkin": ([F("days_since").desc(nulls_first=True)], [F("days_since").asc(nulls_last=True)]),
    "adherence": ([F("adherence").asc(nulls_last=True)], [F("adherence").desc(nulls_first=True)]),
    "flags": ([F("flag_count").desc()], [F("flag_count").asc()]),
}
# What a row shows, read with its line (not every column of the patient, link and program).
# In the model's order of fields, as `Model.from_db` takes them.
_PATIENT_SHOWN = [
    f.attname
    for f in User._meta.concrete_fields
    if f.attname in ("id", "public_id", "full_name", "email")
]
_SHOWN = (
    *(f"link__patient__{name}" for name in _PATIENT_SHOWN),
    "program__protocol__name",
    "phase",
    "place",
    "last_checkin",
    "days_since",
    "logged_days",
    "expected_days",
    "off_plan_days",
    "flags",
    "link__status",
)


def summary_page(
    dietitian: User,
    *,
    search: str,
    flag: str,
    phase: str,
    sort: str,
    page,
    per_page: int,
    count: int | None = None,
):
    """One page of the client list from the stored summaries: named like `search`, filtered
    by `flag` and `phase`, sorted by `sort` ("-" reverses) and sliced in the database (2
    queries whatever the number of clients, 1 given `count`, the number of lines it filters
    to: `Roster.matching`). The same rows, in the same order, as `filter_and_sort` on
    `client_rows`, for summaries that are current (`summary_roster`).

    The lines are read through the index of their order (by name, by flags, a phase by last
    check-in; each leads with the dietitian): the page's 25 in order, each then joined to its
    link, patient and protocol, instead of 5,000 lines joined and sorted. Only the columns a
    row shows are read."""
    # The line's copy of the dietitian is what the indexes lead with (an ended link's line is
    # deleted as it ends; `summary_roster` counts the lines against the links).
    summaries = ClientSummary.objects.filter(dietitian=dietitian)
    if (matching := line_filter(search=search, flag=flag, phase=phase)) is not None:
        summaries = summaries.filter(matching)
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    name, email = Lower("name"), F("email")
    if key == "name":
        by = [name.desc(), email.desc()] if descending else [name.asc(), email.asc()]
    else:
        by = [*_SUMMARY_ORDER.get(key, _SUMMARY_ORDER["name"])[descending], name.asc(), email.asc()]
    paginator = Paginator(summaries.order_by(*by).values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count  # a cached property: the count query is not run
    shown = paginator.get_page(page)
    # The page's ids, sorted and sliced on the lines alone, are a subquery of the one query
    # that reads them with their patient and protocol: the joins are for 25 lines only.
    lines = ClientSummary.objects.filter(pk__in=shown.object_list).order_by(*by)
    # An ended link's line is deleted as the link ends; should one remain (a bulk update), it
    # is never shown.
    shown.object_list = [
        _shown_row(values)
        for values in lines.values_list(*_SHOWN)
        if values[-1] == CareLink.Status.ACTIVE
    ]
    return shown


def _shown_row(values: tuple) -> ClientRow:
    """A page's row from its line's shown columns: the patient, link and program hold only
    what the list shows of them."""
    patient_values, (protocol, *line) = values[:4], values[4:]
    phase, place, last_checkin, days_since, logged, expected, off_plan, flags, _ = line
    return ClientRow(
        # As the ORM builds a row read with only these fields (defaults not worked out).
        patient=User.from_db(None, _PATIENT_SHOWN, patient_values),
        link=None,
        program=None,
        protocol=protocol or "",
        phase=phase,
        place=place,
        last_checkin=last_checkin,
        days_since=days_since,
        logged_days=logged,
        expected_days=expected,
        off_plan_days=off_plan,
        flags=tuple(flags.split()),
    )


def summary_fields(row: ClientRow, today: date) -> dict:
    """What `ClientSummary` stores of one client's row, worked out for their `today`."""
    return {
        "dietitian_id": row.link.dietitian_id,
        "name": row.patient.full_name,
        "email": row.patient.email,
        "zone": row.patient.timezone,
        "program": row.program,
        "as_of": today,
        "phase": row.phase,
        "phase_rank": list(PHASES).index(row.phase),
        "place": row.place[:200],
        "last_checkin": row.last_checkin,
        "days_since": row.days_since,
        "logged_days": row.logged_days,
        "expected_days": row.expected_days,
        "off_plan_days": row.off_plan_days,
        "adherence": row.adherence,
        "flags": f" {' '.join(row.flags)} " if row.flags else "",
        "flag_count": len(row.flags),
    }


# What a client's row reads of each challenge (`client_row`).
CHALLENGE_FIELDS = (
    "position",
    "status",
    "first_dose_day",
    "dose_days",
    "stop_day",
    "stop_cause",
    "washout_end",
    "blinded",
    "verdict",
    "verdict_updated",
    "updated",
    "food_group__name",
)


def rows_for_links(links: list[CareLink], now: datetime | None = None) -> list[ClientRow]:
    """The client rows of these links, in their order (9 queries whatever their number)."""
    now = now or timezone.now()
    patient_ids = [link.patient_id for link in links]
    todays = {link.patient_id: patient_today(link.patient, now) for link in links}
    programs: dict[int, Program] = {}
    for program in (
        Program.objects.filter(patient_id__in=patient_ids)
        .select_related("protocol")
        .order_by("patient_id", "-start_date", "-created")
    ):
        current = programs.get(program.patient_id)
        if current is None or (program.is_active and not current.is_active):
            programs[program.patient_id] = program
    program_ids = [p.pk for p in programs.values()]

    challenges: dict[int, list[dict]] = {}
    for row in (
        Challenge.objects.filter(program_id__in=program_ids)
        .order_by("program_id", "position")
        .values("program_id", *CHALLENGE_FIELDS)
    ):
        challenges.setdefault(row["program_id"], []).append(row)

    # Up to each client's own today: one condition per time zone among them.
    up_to_today = Q(pk__in=[])
    for zone, today in {(link.patient.timezone, todays[link.patient_id]) for link in links}:
        up_to_today |= Q(program__patient__timezone=zone, date__lte=today)
    stats = {
        row["program_id"]: row
        for row in DailyEntry.objects.filter(
            up_to_today, program_id__in=program_ids, date__gte=F("program__start_date")
        )
        .values("program_id")
        .annotate(
            logged=Count("id"),
            last=Max("date"),
            off_plan=Count("id", filter=~Q(off_plan=[])),
        )
        .order_by()
    }
    baseline_scores = _baseline_scores(
        [p for p in programs.values() if p.status == Program.Status.BASELINE],
        max(todays.values(), default=now.date()),
    )
    reviews = flag_reviews(links)
    screenings = current_screenings(patient_ids)
    urgent = set(
        ReactionAlert.objects.filter(patient_id__in=patient_ids)
        .unacknowledged()
        .values_list("patient_id", flat=True)
    )
    gluten_free = gluten_free_protocol_ids()

    rows = []
    for link in links:
        program = programs.get(link.patient_id)
        today = todays[link.patient_id]
        rows.append(
            client_row(
                link,
                program,
                challenges.get(program.pk, []) if program else [],
                stats.get(program.pk) if program else None,
                [r for r in baseline_scores.get(program.pk, []) if r[0] <= today]
                if program
                else [],
                today,
                reviews.get(link.pk, {}),
                screening=screenings.get(link.patient_id),
                removes_gluten=program is not None and program.protocol_id in gluten_free,
                urgent=link.patient_id in urgent,
            )
        )
    return rows


def client_row(
    link: CareLink,
    program: Program | None,
    challenges: list[dict],
    stats: dict | None,
    baseline_rows: list[tuple],
    today: date,
    reviewed: dict[str, datetime],
    *,
    screening,
    removes_gluten: bool,
    urgent: bool,
) -> ClientRow:
    """One client's row and flags from their rows as `rows_for_links` reads them (pure; the
    flag rules' one home, also for the report, `clinic.report.attention_flags`).

    `challenges`: the program's, by position, as stored (`CHALLENGE_FIELDS`); `stats`: the
    check-ins from the program's start to `today` counted ("logged", "last", "off_plan"), None
    without any; `baseline_rows`: (date, scores) of those check-ins while the program is in
    its baseline; `reviewed`: flag -> when it was last marked as reviewed; `screening`: the
    client's newest health answers; `removes_gluten`: the program's protocol leaves out gluten;
    `urgent`: a reaction alert waits to be acknowledged."""
    row = _row(link, program, challenges, stats, baseline_rows, today, reviewed)
    running = program is not None and program.is_active
    if review_needed(screening, removes_gluten=not running or removes_gluten):
        row.flags = ("screening", *row.flags)
    if urgent:
        row.flags = ("urgent", *row.flags)
    return row


def client_count(dietitian: User) -> int:
    """How many patients are actively linked to `dietitian` (one query)."""
    return (
        CareLink.objects.active()
        .filter(dietitian=dietitian, patient__role=User.Role.PATIENT)
        .count()
    )


def flag_reviews(links: list[CareLink]) -> dict[int, dict[str, datetime]]:
    """link id -> flag -> when it was last marked as reviewed (one query; for one link, the
    report's, a statement prepared once per process over its few reviews)."""
    out: dict[int, dict[str, datetime]] = {}
    if len(links) == 1:
        (link,) = links
        for review in _LINK_REVIEWS.all(link_id=link.pk):
            last = out.setdefault(link.pk, {})
            if review.flag not in last or review.reviewed_at > last[review.flag]:
                last[review.flag] = review.reviewed_at
        return out
    for row in (
        FlagReview.objects.filter(link__in=links)
        .values("link_id", "flag")
        .annotate(last=Max("reviewed_at"))
        .order_by()
    ):
        out.setdefault(row["link_id"], {})[row["flag"]] = row["last"]
    return out


_LINK_REVIEWS = Prepared(
    lambda link_id: (
        FlagReview.objects.filter(link_id=link_id).order_by().only("link_id", "flag", "reviewed_at")
    ),
    link_id=int,
)


def filter_and_sort(
    rows: list[ClientRow], *, flag: str = "", phase: str = "", sort: str = "name"
) -> list[ClientRow]:
    """The rows with `flag` and in `phase` (empty: any), sorted by `sort` ("-" reverses)."""
    if flag in FLAGS:
        rows = [r for r in rows if flag in r.flags]
    if phase in PHASES:
        rows = [r for r in rows if r.phase == phase]
    key = sort.lstrip("-")
    if key not in SORTS:
        key = "name"
    phase_order = list(PHASES)
    keys = {
        "name": lambda r: (r.patient.full_name.casefold(), r.patient.email),
        "phase": lambda r: (phase_order.index(r.phase), r.place),
        # Longest silence first reads best ascending: never logged counts as the longest.
        "checkin": lambda r: -(r.days_since if r.days_since is not None else 10**6),
        "adherence": lambda r: r.adherence if r.adherence is not None else 2.0,
        # Most flags first reads best ascending.
        "flags": lambda r: -len(r.flags),
    }
    ordered = sorted(rows, key=lambda r: (keys["name"](r),))
    ordered.sort(key=keys[key], reverse=sort.startswith("-"))
    return ordered


# --- one row -------------------------------------------------------------------------------


def _baseline_scores(programs: list[Program], today: date) -> dict[int, list[tuple]]:
    """(date, scores) of baseline entries for programs still in their baseline (one query)."""
    if not programs:
        return {}
    out: dict[int, list[tuple]] = {}
    earliest = min(p.start_date for p in programs)
    for program_id, day, scores in (
        DailyEntry.objects.filter(
            program_id__in=[p.pk for p in programs], date__gte=earliest, date__lte=today
        )
        .order_by("program_id", "date")
        .values_list("program_id", "date", "scores")
    ):
        out.setdefault(program_id, []).append((day, scores or {}))
    return out


def _row(link, program, challenges, stats, baseline_rows, today: date, reviewed) -> ClientRow:
    logged = stats["logged"] if stats else 0
    last = stats["last"] if stats else None
    off_plan = stats["off_plan"] if stats else 0
    if program is None:
        return ClientRow(
            patient=link.patient,
            link=link,
            program=None,
            phase="none",
            place="No program yet",
            last_checkin=None,
            days_since=None,
            logged_days=0,
            expected_days=0,
            off_plan_days=0,
        )
    phase, place, washout_day = place_of(program, challenges, today)
    end = today if program.is_active else (last or program.start_date)
    expected = max(0, (min(end, today) - program.start_date).days + 1)
    days_since = (today - last).days if last else None
    zone = user_zone(link.patient)
    # Each flag with the day (or moment) its current episode began: a review after it hides it.
    since: dict[str, date | datetime] = {}
    silent = days_silent(program.start_date, last, today)
    if program.is_active and today >= program.start_date and silent >= NO_CHECKIN_DAYS:
        since["no_checkin"] = today - timedelta(days=silent - NO_CHECKIN_DAYS)
    reactions = [c for c in challenges if _is_reaction(c)]
    if reactions:
        latest = max(reactions, key=lambda c: (c["stop_day"], c["updated"]))
        since["reaction"] = (latest["stop_day"], latest["updated"])
    if phase == "baseline" and _baseline_not_improving(program, baseline_rows, today):
        past_plan = (today - program.start_date).days + 1 > program.baseline_days
        since["baseline"] = program.start_date + timedelta(
            days=program.baseline_days if past_plan else BASELINE_COMPARE_FROM_DAY - 1
        )
    if washout_day is not None and washout_day > LONG_WASHOUT_DAYS:
        since["long_washout"] = today - timedelta(days=washout_day - LONG_WASHOUT_DAYS - 1)
    verdicts = [c["verdict_updated"] for c in challenges if _verdict_shown(c)]
    if verdicts:
        since["new_verdicts"] = max(verdicts)
    flags = [flag for flag, began in since.items() if _unreviewed(began, reviewed.get(flag), zone)]
    return ClientRow(
        patient=link.patient,
        link=link,
        program=program,
        protocol=program.protocol.name,
        phase=phase,
        place=place,
        last_checkin=last,
        days_since=days_since,
        logged_days=min(logged, expected),
        expected_days=expected,
        off_plan_days=off_plan,
        flags=tuple(flags),
    )


def place_of(program: Program, challenges: list[dict], today: date) -> tuple[str, str, int | None]:
    """(phase slug, "Challenge 3 of 8: Eggs, day 2", washout day number or None)."""
    if program.status == Program.Status.COMPLETED:
        return "finished", "Program completed", None
    if program.status == Program.Status.ABANDONED:
        return "finished", "Program stopped", None
    planned = [c for c in challenges if c["status"] != Challenge.Status.SKIPPED]
    started = sorted(
        (c for c in planned if c["first_dose_day"] and c["status"] in Challenge.STARTED_STATUSES),
        key=lambda c: (c["first_dose_day"], c["position"]),
    )
    if program.status == Program.Status.BASELINE or not started:
        day = (today - program.start_date).days + 1
        if day < 1:
            return "baseline", f"Baseline starts {fmt_date(program.start_date)}", None
        return "baseline", f"Baseline day {day} of {program.baseline_days}", None
    order = started + [c for c in planned if c not in started]
    current = started[-1]
    number = order.index(current) + 1
    name = current["food_group__name"] + (" (blinded)" if current["blinded"] else "")
    title = f"Challenge {number} of {len(order)}: {name}"
    status = current["status"]
    day = (today - current["first_dose_day"]).days + 1
    if status == Challenge.Status.ACTIVE and day <= current["dose_days"]:
        return "dose", f"{title}, day {day}", None
    last_dose = current["stop_day"] or current["first_dose_day"] + timedelta(
        days=current["dose_days"] - 1
    )
    washout_day = (today - last_dose).days
    if washout_day < 1:  # stopped today: the washout starts tomorrow
        return "dose", f"{title}, stopped today", None
    settled = current["washout_end"] is not None and today > current["washout_end"]
    if status == Challenge.Status.DONE or settled:
        done = sum(1 for c in started if c["status"] in Challenge.FINISHED_STATUSES)
        return "between", f"Between challenges: {done} of {len(order)} done", None
    return "washout", f"{title}, washout day {washout_day}", washout_day


def _is_reaction(challenge: dict) -> bool:
    """A challenge stopped for a reaction (not for illness, travel or choice)."""
    return (
        challenge["status"] == Challenge.Status.STOPPED
        and bool(challenge["stop_day"])
        and challenge["stop_cause"]
        in ("", Challenge.StopCause.REACTION, Challenge.StopCause.RED_FLAG)
    )


def _unreviewed(began, reviewed: datetime | None, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether a flag whose episode began at `began` still shows: not marked as reviewed since.

    `began` is a moment (a verdict), a day of the client's calendar, or for a reaction its stop
    day and when it was recorded (a stop recorded after a review on the same day still shows).
    """
    if reviewed is None:
        return True
    if isinstance(began, datetime):
        return began > reviewed
    reviewed_day = timezone.localtime(reviewed, zone).date()
    if isinstance(began, tuple):
        day, recorded = began
        return day > reviewed_day or (day == reviewed_day and recorded > reviewed)
    return reviewed_day < began


def days_silent(start: date, last: date | None, today: date) -> int:
    """Days without a check-in: since the last one, or since the program started (its first
    day counting) when there is none yet."""
    return (today - last).days if last else (today - start).days + 1


def _verdict_shown(challenge: dict) -> bool:
    if not challenge["verdict"] or challenge["verdict_updated"] is None:
        return False
    return not result_hidden(blinded=challenge["blinded"], status=challenge["status"])


def _baseline_not_improving(program: Program, rows: list[tuple], today: date) -> bool:
    """Past its planned length, or its last week no better than its first (from day 14)."""
    day = (today - program.start_date).days + 1
    if day > program.baseline_days:
        return True
    if day < BASELINE_COMPARE_FROM_DAY:
        return False
    first_week_end = program.start_date + timedelta(days=_WEEK - 1)
    last_week_start = today - timedelta(days=_WEEK - 1)
    first = _mean_score(s for d, s in rows if program.start_date <= d <= first_week_end)
    last = _mean_score(s for d, s in rows if d >= last_week_start)
    return first is not None and last is not None and last >= first


def _mean_score(days) -> float | None:
    """The mean of every score of at least 3 logged days, else None."""
    values, count = [], 0
    for scores in days:
        count += 1
        values += [float(v) for v in scores.values() if v is not None]
    return fmean(values) if count >= 3 and values else None


# --- notes ---------------------------------------------------------------------------------


def notes_for(*, author: User, patient: User) -> list[ClinicalNote]:
    """The author's own notes on this client, newest first (notes are private to their author)."""
    return _NOTES.all(author_id=author.pk, patient_id=patient.pk)


_NOTES = Prepared(
    lambda author_id, patient_id: ClinicalNote.objects.filter(
        author_id=author_id, patient_id=patient_id
    ),
    author_id=int,
    patient_id=int,
)


def get_note_for_author(*, author: User, patient: User, note_id) -> ClinicalNote:
    """A note its author may edit; any other note (or another author's) is a 404."""
    note = ClinicalNote.objects.filter(public_id=note_id, author=author, patient=patient).first()
    if note is None:
        raise Http404("No such note")
    return note
