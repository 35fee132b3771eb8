"""The `dietplanner-diary` exchange format, version 2: parse, validate and serialise.

    doc = parse_document(json.loads(text))   # raises DiaryFormatError
    data = dump_document(doc)                # a JSON-ready dict; parse(dump(doc)) == doc

Every problem is collected (not just the first) as "json.path: reason", e.g.
"program.challenges[2].food_group: unknown food group 'diary'". Unknown fields are ignored.
The format is described in docs/diary-format.md and docs/diary-format.schema.json.

Version 2 runs a blinded challenge in pairs: with `pairs` set, its `washout_days` are the quiet
days after each test day and each dose carries its `pair` (one active and one placebo dose
each) and the `label` the patient saw. Version 1 files are still read: their blinded doses
have no pair numbers and are paired two by two in date order by the analysis.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from .diary import (
    ARMS,
    STOP_REASONS,
    ChallengeFacts,
    DayEntry,
    DiaryDocument,
    Dose,
    EndoscopyFacts,
    Patient,
    PlanItem,
    ProgramFacts,
    ScreeningAnswers,
)
from .limits import (
    BASELINE_DAYS,
    DOSE_DAYS,
    MAX_CHALLENGES,
    MAX_ENTRIES,
    MAX_PORTION,
    MAX_TEXT,
    WASHOUT_DAYS,
    day_problem,
    start_problem,
    text_problem,
)
from .screening import answer_errors
from .vocabulary import (
    CHALLENGE_STATUSES,
    CONFOUNDERS,
    ENDOSCOPY_OUTCOMES,
    FOOD_GROUPS,
    LONG_TERM_PLANS,
    PROTOCOLS,
    STARTED_STATUSES,
    SYMPTOMS,
    VERDICTS,
    ChallengeStatus,
)

FORMAT = "dietplanner-diary"
VERSION = 2  # the version written
READ_VERSIONS = (1, 2)
LABELS = ("A", "B")
MAX_PAIRS = 3  # dose days are 1-7: at most 3 pairs
MAX_ERRORS = 50  # listed to the user; a file with more is reported as "and N more"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()


class DiaryFormatError(ValueError):
    """The document is not a valid diary; `errors` lists every "json.path: reason"."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


class _Reader:
    """Typed field access that records errors instead of raising on the first one."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.errors: list[str] = []
        self.version = VERSION
        self.more = 0

    def fail(self, path: str, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{path}: {reason}")
        else:
            self.more += 1

    def all_errors(self) -> list[str]:
        extra = [f"(document): and {self.more} more problems"] if self.more else []
        return self.errors + extra

    def in_range(self, value, where: str, bounds: tuple[int, int]) -> None:
        low, high = bounds
        if value is not None and not low <= value <= high:
            self.fail(where, f"must be between {low} and {high}, got {value}")

    def day_in_program(self, day: date | None, where: str, start: date | None) -> date | None:
        """`day` when a program starting on `start` may hold it; else None and an error."""
        if day is None:
            return None
        problem = day_problem(day, today=self.today, program_start=start)
        if problem:
            self.fail(where, problem)
            return None
        return day

    def get(self, obj: Mapping, key: str, path: str, kind, *, required=True, default=None):
        value = obj.get(key, _MISSING)
        where = _join(path, key)
        if value is _MISSING or (value is None and not required):
            if required:
                self.fail(where, "required")
            return default
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.fail(where, f"expected a whole number, got {_show(value)}")
            return default
        if kind is not int and not isinstance(value, kind):
            self.fail(where, f"expected {_KIND_NAMES[kind]}, got {_show(value)}")
            return default
        if kind is str and len(value) > MAX_TEXT:
            self.fail(where, f"longer than {MAX_TEXT} characters")
            return default
        if kind is str and (problem := text_problem(value)):
            self.fail(where, problem)
            return default
        return value

    def date(self, obj: Mapping, key: str, path: str, *, required=True) -> date | None:
        value = self.get(obj, key, path, str, required=required)
        return None if value is None else self.parse_date(value, _join(path, key))

    def parse_date(self, value: str, where: str) -> date | None:
        if not _DATE.match(value):
            self.fail(where, f"expected a date as YYYY-MM-DD, got {_show(value)}")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(where, f"not a real date: {_show(value)}")
            return None

    def slugs(self, obj: Mapping, key: str, path: str, allowed, what: str) -> tuple[str, ...]:
        values = self.get(obj, key, path, list, required=False, default=[])
        out: list[str] = []
        for i, value in enumerate(values):
            where = f"{_join(path, key)}[{i}]"
            if not isinstance(value, str):
                self.fail(where, f"expected text, got {_show(value)}")
            elif value not in allowed:
                self.fail(where, f"unknown {what} {_show(value)}")
            elif value in out:
                self.fail(where, f"{what} {_show(value)} listed twice")
            else:
                out.append(value)
        return tuple(out)


_KIND_NAMES = {str: "text", list: "a list", dict: "an object", bool: "true or false"}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "a list" if isinstance(value, list) else "an object"


def parse_document(data: object, *, today: date | None = None) -> DiaryDocument:
    """Validate a decoded JSON document and build a `DiaryDocument`.

    Raises `DiaryFormatError` listing the problems found (the first MAX_ERRORS of them).
    Dates are checked against `today` (default: the machine's date; the year of slack the
    limits allow makes the time zone irrelevant).
    """
    rd = _Reader(today or date.today())
    if not isinstance(data, Mapping):
        raise DiaryFormatError([f"(document): expected a JSON object, got {_show(data)}"])
    fmt = rd.get(data, "format", "", str)
    if fmt is not None and fmt != FORMAT:
        rd.fail("format", f"expected {FORMAT!r}, got {_show(fmt)}")
    version = rd.get(data, "version", "", int)
    if version is not None and version not in READ_VERSIONS:
        rd.fail("version", f"unsupported version {version} (this app reads versions 1 and 2)")
    if rd.errors:  # a different format or version: the rest would only add noise
        raise DiaryFormatError(rd.all_errors())
    rd.version = version
    exported_at = _parse_exported_at(rd, data)
    patient = _parse_patient(rd, rd.get(data, "patient", "", dict, default={}))
    program = _parse_program(rd, rd.get(data, "program", "", dict, default={}))
    entries = _parse_entries(rd, data, program)
    plan = _parse_long_term_plan(rd, data)
    screening = _parse_screening(rd, data)
    if rd.errors:
        raise DiaryFormatError(rd.all_errors())
    return DiaryDocument(
        patient=patient,
        program=program,
        entries=entries,
        exported_at=exported_at,
        version=version,
        long_term_plan=plan,
        screening=screening,
    )


def _parse_screening(rd: _Reader, data: Mapping) -> ScreeningAnswers | None:
    """The optional `screening`: the health answers the program ran with (older files and
    programs started before the questions existed have none). Every question must be
    answered with one of its choices, as in the app."""
    obj = rd.get(data, "screening", "", dict, required=False)
    if obj is None:
        return None
    answers = {}
    for slug, answer in (rd.get(obj, "answers", "screening", dict, default={}) or {}).items():
        if isinstance(answer, str):
            answers[slug] = answer
        else:
            rd.fail(f"screening.answers.{slug}", f"expected text, got {_show(answer)}")
    for problem in answer_errors(answers):
        slug, _, reason = problem.partition(": ")
        rd.fail(f"screening.answers.{slug}", reason)
    cleared_by = rd.get(obj, "cleared_by", "screening", str, required=False)
    return ScreeningAnswers(
        answers=answers,
        answered_at=_parse_moment(rd, obj, "answered_at", "screening"),
        cleared_by=cleared_by,
        cleared_at=_parse_moment(rd, obj, "cleared_at", "screening") if cleared_by else None,
        clearance_note=rd.get(obj, "clearance_note", "screening", str, required=False) or "",
    )


def _parse_long_term_plan(rd: _Reader, data: Mapping) -> tuple[PlanItem, ...]:
    """The optional `long_term_plan` (files written before it existed have none)."""
    items, seen = [], set()
    for i, obj in enumerate(rd.get(data, "long_term_plan", "", list, required=False, default=[])):
        p = f"long_term_plan[{i}]"
        if not isinstance(obj, Mapping):
            rd.fail(p, f"expected an object, got {_show(obj)}")
            continue
        group = rd.get(obj, "food_group", p, str, default="")
        if group and group not in FOOD_GROUPS:
            rd.fail(f"{p}.food_group", f"unknown food group {_show(group)}")
        elif group in seen:
            rd.fail(f"{p}.food_group", f"food group {_show(group)} listed twice")
        seen.add(group)
        plan = rd.get(obj, "plan", p, str, default="")
        if plan and plan not in LONG_TERM_PLANS:
            rd.fail(f"{p}.plan", f"unknown plan {_show(plan)}")
        portion = rd.get(obj, "portion", p, str, required=False)
        if plan == "limit" and not portion:
            rd.fail(f"{p}.portion", "required when the plan is 'limit'")
        items.append(
            PlanItem(
                food_group=group or "",
                plan=plan or "",
                portion=portion if plan == "limit" else None,
                retest_on=rd.date(obj, "retest_on", p, required=False),
                note=rd.get(obj, "note", p, str, required=False, default=""),
                changed_by=rd.get(obj, "changed_by", p, str, required=False),
            )
        )
    return tuple(items)


def _parse_exported_at(rd: _Reader, data: Mapping) -> datetime | None:
    return _parse_moment(rd, data, "exported_at", "")


def _parse_moment(rd: _Reader, obj: Mapping, key: str, path: str) -> datetime | None:
    """An optional ISO date and time with a time zone, in UTC."""
    where = _join(path, key)
    value = rd.get(obj, key, path, str, required=False)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        rd.fail(where, f"expected an ISO date and time, got {_show(value)}")
        return None
    if moment.tzinfo is None:
        rd.fail(where, "needs a time zone, e.g. '2026-11-25T12:00:00Z'")
        return None
    return moment.astimezone(UTC)


def _parse_patient(rd: _Reader, obj: Mapping) -> Patient:
    name = rd.get(obj, "name", "patient", str, required=False, default="")
    timezone = rd.get(obj, "timezone", "patient", str, default="UTC")
    if timezone is not None and not _known_timezone(timezone):
        rd.fail("patient.timezone", f"unknown time zone {_show(timezone)}")
    return Patient(timezone=timezone, name=name)


def _known_timezone(key: str) -> bool:
    from zoneinfo import ZoneInfo  # imported here: most callers never need it

    try:
        ZoneInfo(key)
    except (ValueError, OSError, LookupError):
        return False
    return True


def _parse_program(rd: _Reader, obj: Mapping) -> ProgramFacts:
    p = "program"
    protocol = rd.get(obj, "protocol", p, str, default="custom")
    if protocol is not None and protocol not in PROTOCOLS:
        rd.fail("program.protocol", f"unknown protocol {_show(protocol)}")
    started_on = rd.date(obj, "started_on", p)
    if started_on is not None and (problem := start_problem(started_on, today=rd.today)):
        rd.fail("program.started_on", problem)
        started_on = None
    baseline_days = rd.get(obj, "baseline_days", p, int, default=1)
    rd.in_range(baseline_days, "program.baseline_days", BASELINE_DAYS)
    if "symptoms" not in obj:
        rd.fail("program.symptoms", "required")
    symptoms = rd.slugs(obj, "symptoms", p, SYMPTOMS, "symptom")
    if "symptoms" in obj and isinstance(obj["symptoms"], list) and not obj["symptoms"]:
        rd.fail("program.symptoms", "at least one symptom must be tracked")
    raw = rd.get(obj, "challenges", p, list, required=False, default=[])
    if len(raw) > MAX_CHALLENGES:
        rd.fail("program.challenges", f"at most {MAX_CHALLENGES} challenges, got {len(raw)}")
        raw = []
    challenges = []
    for i, item in enumerate(raw):
        where = f"program.challenges[{i}]"
        if not isinstance(item, Mapping):
            rd.fail(where, f"expected an object, got {_show(item)}")
            continue
        challenges.append(_parse_challenge(rd, item, where, started_on))
    _check_challenge_order(rd, challenges, started_on)
    return ProgramFacts(
        started_on=started_on or date(2000, 1, 1),
        baseline_days=baseline_days,
        symptoms=symptoms,
        challenges=tuple(challenges),
        protocol=protocol or "custom",
    )


def _parse_challenge(rd: _Reader, obj: Mapping, p: str, program_start) -> ChallengeFacts:
    group = rd.get(obj, "food_group", p, str, default="")
    if group and group not in FOOD_GROUPS:
        rd.fail(f"{p}.food_group", f"unknown food group {_show(group)}")
    started_on = rd.date(obj, "started_on", p, required=False)
    started_on = rd.day_in_program(started_on, f"{p}.started_on", program_start)
    if "started_on" not in obj:
        rd.fail(f"{p}.started_on", "required (null while the challenge is planned)")
    dose_days = rd.get(obj, "dose_days", p, int, default=3)
    rd.in_range(dose_days, f"{p}.dose_days", DOSE_DAYS)
    washout_days = rd.get(obj, "washout_days", p, int, default=4)
    rd.in_range(washout_days, f"{p}.washout_days", WASHOUT_DAYS)
    stopped = rd.date(obj, "stopped_early_on", p, required=False)
    stopped = rd.day_in_program(stopped, f"{p}.stopped_early_on", program_start)
    stop_reason = rd.get(obj, "stop_reason", p, str, required=False)
    if stop_reason is not None and stop_reason not in STOP_REASONS:
        rd.fail(f"{p}.stop_reason", f"unknown stop reason {_show(stop_reason)}")
    stop_note = rd.get(obj, "stop_note", p, str, required=False) or None
    status = rd.get(obj, "status", p, str, required=False)
    if status is not None and status not in CHALLENGE_STATUSES:
        rd.fail(f"{p}.status", f"unknown status {_show(status)}")
    blinded = rd.get(obj, "blinded", p, bool, required=False, default=False)
    doses = _parse_doses(rd, obj, p, blinded, program_start)
    if dose_days is not None and len(doses) > dose_days:
        rd.fail(f"{p}.doses", f"{len(doses)} doses for {dose_days} dose days")
    pairs = None
    if blinded and rd.version >= 2:
        pairs = rd.get(obj, "pairs", p, int, required=False)
        if pairs is not None and not 1 <= pairs <= MAX_PAIRS:
            rd.fail(f"{p}.pairs", f"must be between 1 and {MAX_PAIRS}, got {pairs}")
        elif pairs is not None and dose_days != 2 * pairs:
            rd.fail(f"{p}.dose_days", f"must be twice the pairs ({2 * pairs}), got {dose_days}")
        if pairs is not None:
            for i, item in enumerate(obj.get("doses") or ()):
                if isinstance(item, Mapping) and item.get("pair") is None:
                    rd.fail(f"{p}.doses[{i}].pair", "required when the challenge has pairs")
        _check_pairs(rd, doses, p, pairs)
    # Optional (older files have neither): the exporting app's last reading.
    verdict = rd.get(obj, "verdict", p, str, required=False)
    if verdict is not None and verdict not in VERDICTS:
        rd.fail(f"{p}.verdict", f"unknown verdict {_show(verdict)}")
        verdict = None
    probability = obj.get("probability")
    if probability is not None and (
        isinstance(probability, bool)
        or not isinstance(probability, int | float)
        or not 0 <= probability <= 1
    ):
        rd.fail(f"{p}.probability", f"expected a number from 0 to 1, got {_show(probability)}")
        probability = None
    if started_on is None and (stopped or doses):
        rd.fail(f"{p}.started_on", "a challenge with doses or a stop date must have started")
    if status == ChallengeStatus.PLANNED and started_on is not None:
        rd.fail(f"{p}.status", "a planned challenge has not started (started_on must be null)")
    if status in STARTED_STATUSES and started_on is None:
        rd.fail(f"{p}.started_on", f"required for a challenge that is {status}")
    if status == ChallengeStatus.STOPPED and stopped is None:
        rd.fail(f"{p}.stopped_early_on", "required for a stopped challenge")
    if started_on and stopped and stopped < started_on:
        rd.fail(f"{p}.stopped_early_on", "is before the challenge started")
    for i, dose in enumerate(doses):
        if started_on and dose.date < started_on:
            rd.fail(f"{p}.doses[{i}].date", "is before the challenge started")
    endoscopy = _parse_endoscopy(rd, obj, p, started_on)
    return ChallengeFacts(
        food_group=group,
        started_on=started_on,
        dose_days=dose_days,
        washout_days=washout_days,
        stopped_early_on=stopped,
        stop_reason=stop_reason,
        blinded=blinded,
        doses=doses,
        status=status,
        pairs=pairs,
        verdict=verdict,
        probability=None if probability is None else float(probability),
        stop_note=stop_note,
        endoscopy=endoscopy,
    )


def _parse_endoscopy(rd: _Reader, obj: Mapping, p: str, started_on) -> EndoscopyFacts | None:
    """The optional outcome of the endoscopy after the group came back (a diet judged by
    endoscopy): dated unless not assessed, never before the group came back."""
    e = rd.get(obj, "endoscopy", p, dict, required=False)
    if e is None:
        return None
    where = f"{p}.endoscopy"
    outcome = rd.get(e, "outcome", where, str, default="")
    if outcome and outcome not in ENDOSCOPY_OUTCOMES:
        rd.fail(f"{where}.outcome", f"unknown outcome {_show(outcome)}")
    on = rd.date(e, "on", where, required=False)
    if started_on is None:
        rd.fail(where, "only a challenge that started can have an endoscopy outcome")
    if on is None and outcome and outcome != "not_assessed":
        rd.fail(f"{where}.on", f"required when the outcome is {_show(outcome)}")
    if on is not None and started_on is not None and on < started_on:
        rd.fail(f"{where}.on", "is before the challenge started")
    return EndoscopyFacts(
        outcome=outcome or "",
        on=on,
        note=rd.get(e, "note", where, str, required=False, default="") or "",
        recorded_by=rd.get(e, "recorded_by", where, str, required=False),
        recorded_at=_parse_moment(rd, e, "recorded_at", where),
    )


def _check_pairs(rd: _Reader, doses: tuple[Dose, ...], p: str, pairs: int | None) -> None:
    """Version 2: each pair holds one active and one placebo dose, numbered within `pairs`."""
    by_pair: dict[int, list[str]] = {}
    for dose in doses:
        if dose.pair is not None:
            by_pair.setdefault(dose.pair, []).append(dose.arm or "")
    for number, arms in sorted(by_pair.items()):
        if pairs is not None and number > pairs:
            rd.fail(f"{p}.doses", f"pair {number} is beyond the {pairs} pairs planned")
        if sorted(arms) not in (["active", "placebo"], ["active"], ["placebo"]):
            rd.fail(f"{p}.doses", f"pair {number} needs one active and one placebo dose")


def _check_challenge_order(rd: _Reader, challenges: list[ChallengeFacts], start) -> None:
    """Started challenges begin after the program's first day and one at a time: the next
    starts after the last dose day of the one before (a day is read against one food)."""
    started = sorted(
        (c.started_on, i, c) for i, c in enumerate(challenges) if c.started and c.started_on
    )
    previous: tuple[int, date] | None = None
    for first, i, c in started:
        where = f"program.challenges[{i}].started_on"
        if start is not None and first <= start:
            rd.fail(where, "a challenge starts after the program's first day")
            continue
        if previous is not None and first <= previous[1]:
            rd.fail(where, f"starts during the dose days of challenges[{previous[0]}]")
            continue
        last_dose = first + timedelta(days=max(c.dose_days or 1, 1) - 1)
        stopped = c.status == ChallengeStatus.STOPPED or (
            c.status is None and c.stopped_early_on is not None
        )
        if stopped and c.stopped_early_on is not None:
            last_dose = min(last_dose, c.stopped_early_on)
        previous = (i, last_dose)


def _parse_doses(
    rd: _Reader, obj: Mapping, p: str, blinded: bool, program_start
) -> tuple[Dose, ...]:
    raw = rd.get(obj, "doses", p, list, required=False, default=[])
    doses: list[Dose] = []
    seen: set[date] = set()
    for i, item in enumerate(raw):
        where = f"{p}.doses[{i}]"
        if not isinstance(item, Mapping):
            rd.fail(where, f"expected an object, got {_show(item)}")
            continue
        day = rd.day_in_program(rd.date(item, "date", where), f"{where}.date", program_start)
        portion = rd.get(item, "portion", where, str, required=False, default="")
        if portion and len(portion) > MAX_PORTION:
            rd.fail(f"{where}.portion", f"longer than {MAX_PORTION} characters")
            portion = ""
        taken = rd.get(item, "taken", where, bool, required=False, default=True)
        arm = rd.get(item, "arm", where, str, required=False)
        if blinded and arm is None:
            rd.fail(f"{where}.arm", "required on a blinded challenge ('active' or 'placebo')")
        elif arm is not None and not blinded:
            rd.fail(f"{where}.arm", "only blinded challenges have arms")
        elif arm is not None and arm not in ARMS:
            rd.fail(f"{where}.arm", f"expected 'active' or 'placebo', got {_show(arm)}")
        pair = label = None
        if blinded and rd.version >= 2:
            pair = rd.get(item, "pair", where, int, required=False)
            if pair is not None and pair < 1:
                rd.fail(f"{where}.pair", f"must be 1 or more, got {pair}")
            label = rd.get(item, "label", where, str, required=False)
            if label is not None and label not in LABELS:
                rd.fail(f"{where}.label", f"expected 'A' or 'B', got {_show(label)}")
        if day is None:
            continue
        if day in seen:
            rd.fail(f"{where}.date", f"two doses on {day.isoformat()}")
        seen.add(day)
        doses.append(Dose(date=day, portion=portion, taken=taken, arm=arm, pair=pair, label=label))
    return tuple(doses)


def _parse_entries(rd: _Reader, data: Mapping, program: ProgramFacts) -> tuple[DayEntry, ...]:
    raw = rd.get(data, "entries", "", list, required=False, default=[])
    if len(raw) > MAX_ENTRIES:
        rd.fail("entries", f"at most {MAX_ENTRIES} entries (one a day), got {len(raw)}")
        raw = []
    tracked = set(program.symptoms)
    entries: list[DayEntry] = []
    seen: dict[date, int] = {}
    for i, item in enumerate(raw):
        p = f"entries[{i}]"
        if not isinstance(item, Mapping):
            rd.fail(p, f"expected an object, got {_show(item)}")
            continue
        day = rd.day_in_program(rd.date(item, "date", p), f"{p}.date", program.started_on)
        scores: dict[str, int] = {}
        for symptom, value in rd.get(item, "scores", p, dict, required=False, default={}).items():
            where = f"{p}.scores.{symptom}"
            if symptom not in SYMPTOMS:
                rd.fail(where, f"unknown symptom {_show(symptom)}")
            elif symptom not in tracked:
                rd.fail(where, "this symptom is not tracked in the program")
            elif isinstance(value, bool) or not isinstance(value, int):
                rd.fail(where, f"expected a whole number from 0 to 10, got {_show(value)}")
            elif not 0 <= value <= 10:
                rd.fail(where, f"must be from 0 to 10, got {value}")
            else:
                scores[symptom] = value
        confounders = rd.slugs(item, "confounders", p, CONFOUNDERS, "confounder")
        off_plan = rd.slugs(item, "off_plan", p, FOOD_GROUPS, "food group")
        note = rd.get(item, "note", p, str, required=False, default="")
        if day is None:
            continue
        if day in seen:
            rd.fail(f"{p}.date", f"{day.isoformat()} already has an entry (entries[{seen[day]}])")
            continue
        seen[day] = i
        ordered = {s: scores[s] for s in program.symptoms if s in scores}
        entries.append(DayEntry(day, ordered, confounders, off_plan, note))
    entries.sort(key=lambda e: e.date)
    return tuple(entries)


def dump_document(doc: DiaryDocument) -> dict:
    """A JSON-ready dict in the canonical form (entries by date, scores in symptom order)."""
    program = doc.program
    data: dict = {"format": FORMAT, "version": VERSION}
    if doc.exported_at is not None:
        data["exported_at"] = _iso_utc(doc.exported_at)
    patient = {"timezone": doc.patient.timezone}
    if doc.patient.name:
        patient = {"name": doc.patient.name, **patient}
    data["patient"] = patient
    data["program"] = {
        "protocol": program.protocol,
        "started_on": program.started_on.isoformat(),
        "baseline_days": program.baseline_days,
        "symptoms": list(program.symptoms),
        "challenges": [_dump_challenge(c) for c in program.challenges],
    }
    data["entries"] = [
        {
            "date": e.date.isoformat(),
            "scores": {s: e.scores[s] for s in program.symptoms if s in e.scores},
            "confounders": list(e.confounders),
            "off_plan": list(e.off_plan),
            "note": e.note,
        }
        for e in sorted(doc.entries, key=lambda e: e.date)
    ]
    if doc.long_term_plan:
        data["long_term_plan"] = [
            {
                "food_group": item.food_group,
                "plan": item.plan,
                "portion": item.portion,
                "retest_on": item.retest_on.isoformat() if item.retest_on else None,
                "note": item.note,
                "changed_by": item.changed_by,
            }
            for item in doc.long_term_plan
        ]
    if doc.screening is not None:
        screening = doc.screening
        data["screening"] = {
            "answered_at": _iso_utc(screening.answered_at) if screening.answered_at else None,
            "answers": dict(screening.answers),
            "cleared_by": screening.cleared_by,
            "cleared_at": _iso_utc(screening.cleared_at) if screening.cleared_at else None,
            "clearance_note": screening.clearance_note,
        }
    return data


def _dump_challenge(c: ChallengeFacts) -> dict:
    out = {
        "food_group": c.food_group,
        "started_on": c.started_on.isoformat() if c.started_on else None,
        "dose_days": c.dose_days,
        "washout_days": c.washout_days,
        "stopped_early_on": c.stopped_early_on.isoformat() if c.stopped_early_on else None,
        "stop_reason": c.stop_reason,
        "blinded": c.blinded,
        "doses": [],
    }
    if c.stop_note:
        out["stop_note"] = c.stop_note
    if c.status is not None:
        out["status"] = c.status
    if c.pairs is not None:
        out["pairs"] = c.pairs
    if c.verdict is not None:
        out["verdict"] = c.verdict
    if c.probability is not None:
        out["probability"] = c.probability
    if c.endoscopy is not None:
        e = c.endoscopy
        out["endoscopy"] = {
            "outcome": e.outcome,
            "on": e.on.isoformat() if e.on else None,
            "note": e.note,
            "recorded_by": e.recorded_by,
            "recorded_at": _iso_utc(e.recorded_at) if e.recorded_at else None,
        }
    for d in c.doses:
        dose = {"date": d.date.isoformat(), "portion": d.portion, "taken": d.taken}
        if d.arm is not None:
            dose["arm"] = d.arm
        if d.pair is not None:
            dose["pair"] = d.pair
        if d.label is not None:
            dose["label"] = d.label
        out["doses"].append(dose)
    return out


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_json(text: str | bytes, *, today: date | None = None) -> DiaryDocument:
    """`parse_document` on JSON text; invalid JSON is a DiaryFormatError too."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DiaryFormatError([f"(document): not valid JSON ({exc})"]) from None
    except RecursionError:
        raise DiaryFormatError(["(document): nested too deeply to be a diary file"]) from None
    return parse_document(data, today=today)


def dump_json(doc: DiaryDocument, *, indent: int | None = 2) -> str:
    return json.dumps(dump_document(doc), indent=indent, ensure_ascii=False)
