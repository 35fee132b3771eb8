"""The schedule's vocabulary: the rule constants and the dataclasses that go in and come out.

Inputs are what the Django layer reads from its models; outputs are what the pages, the iCalendar
export and the start button render. All are frozen, keyword-only and compare by value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dietplanner.analysis.limits import DOSE_DAYS
from dietplanner.analysis.vocabulary import BaselineStatus, ChallengeStatus, Phase

READY_CLEAN_DAYS = 5
FLARE_RISE = 3
FLARE_LOOKBACK_DAYS = 7
LONG_WASHOUT_DAYS = 10
MAX_DOSE_DAYS = DOSE_DAYS[1]

# A baseline's status in words, for the pages that name it (`BaselinePhase.status_label`).
BASELINE_STATUS_LABELS: Mapping[str, str] = {
    BaselineStatus.NOT_STARTED: "not started yet",
    BaselineStatus.RUNNING: "running",
    BaselineStatus.EXTEND: "planned days over, symptoms not settled yet",
    BaselineStatus.READY: "ready for the first food group",
    BaselineStatus.DONE: "done",
}

# Ladder step per dose day, for 1-7 dose days. Every challenge ends on the full portion (a
# challenge that never reaches the usual portion cannot be read), starts small when there is
# room, and longer challenges hold the full portion because delayed and cumulative reactions
# need days at the usual amount.
DOSE_STEPS: Mapping[int, tuple[int, ...]] = {
    n: (3,) if n == 1 else (1, 3) if n == 2 else (1, 2) + (3,) * (n - 2)
    for n in range(1, MAX_DOSE_DAYS + 1)
}

ONE_DAY = timedelta(days=1)


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramSettings:
    """A program's calendar settings.

    `baseline_days` is the current planned length, extensions included. `original_baseline_days`
    is the length before any extension; the "talk to your dietitian" threshold is measured
    against it (None: same as `baseline_days`).
    """

    start: date
    baseline_days: int
    symptoms: tuple[str, ...]
    original_baseline_days: int | None = None
    # The longest baseline the protocol allows: past it, no more days are proposed and the
    # patient is sent to their dietitian (None: no limit).
    baseline_max: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeState:
    """One challenge as stored: what the dietitian set and what actually happened.

    `key` is opaque and stable (it names iCalendar events). `status` is a `ChallengeStatus`;
    active, washout and done are treated alike: the dates, not the status, say where the
    challenge is. `stop_day` is the last day of a stopped challenge's dose period: its dose is
    kept (it may have been taken before the reaction), later doses are cancelled and the washout
    starts the next day. `washout_end`, when the caller has recorded one (e.g. on marking the
    challenge done), wins over the diary rule. `ladder` holds the group's 3 portion texts.
    """

    key: str
    food_group: str
    dose_days: int
    washout_days: int
    ladder: tuple[str, str, str]
    status: str = ChallengeStatus.PLANNED
    first_dose_day: date | None = None
    stop_day: date | None = None
    washout_end: date | None = None
    blinded: bool = False
    # Days after the first dose of each dose day; empty: `dose_days` consecutive days. A blinded
    # re-challenge spaces its test days with washout days between them (`blinded.py`).
    dose_offsets: tuple[int, ...] = ()

    @property
    def last_dose_offset(self) -> int:
        return self.dose_offsets[-1] if self.dose_offsets else self.dose_days - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class DayLog:
    """One diary day: symptom scores 0-10 (a missing key means not scored), confounders and
    the eliminated food groups eaten off plan (both keep a day out of the usual level)."""

    day: date
    scores: Mapping[str, int]
    confounders: frozenset[str] = frozenset()
    off_plan: frozenset[str] = frozenset()


# --- outputs --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SymptomAbove:
    """A symptom still meaningfully above the patient's usual level on one logged day."""

    symptom: str
    day: date
    score: int
    usual: float

    @property
    def points(self) -> float:
        return self.score - self.usual


@dataclass(frozen=True, slots=True, kw_only=True)
class DoseDay:
    """One dose day: `number` counts from 1 within the challenge, `step` is the ladder rung."""

    day: date
    number: int
    step: int
    portion: str
    cancelled: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BaselinePhase:
    """The baseline as of `today`.

    `status`: not_started, running (planned days not done), extend (planned days done, not
    ready), ready (the first challenge may start today), done (the first challenge started).
    `ready_on` is the first day the first challenge may start (today or later; once started,
    the day it started). `end` is the last baseline day, actual once done, else `ready_on` - 1.
    `ready` is judged for starting today, or, once done, for the day the first challenge
    started. `days_to_ready` counts from today; `over_limit` says the projected baseline runs
    past the protocol's longest (then `propose_extension_days` only proposes what is left, and
    `talk_to_dietitian` is set). `reference` maps each tracked symptom to its usual level
    (provisional until done; symptoms never scored are absent): the level the analysis compares
    a challenge against (`analysis.reference`), the mean of the latest clean late-baseline days.
    """

    start: date
    planned_end: date
    end: date
    ready_on: date
    status: str
    ready: bool
    projected: bool
    reasons: tuple[str, ...]
    propose_extension_days: int | None
    talk_to_dietitian: bool
    reference: Mapping[str, float]
    # Counted from today: days of baseline still to go before the first test may start
    # (`propose_extension_days` counts from the planned end, for extending the plan).
    days_to_ready: int | None = None
    # The baseline would have to run past the protocol's longest (`baseline_max`).
    over_limit: bool = False

    @property
    def status_label(self) -> str:
        return BASELINE_STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduledChallenge:
    """One non-skipped challenge placed on the calendar.

    Dates of a challenge not started yet are projections (`projected`), as is a washout end that
    the diary has not settled yet. `washout_end` is always a date: the settled, recorded or
    projected last washout day; it is `washout_start` - 1 only if the next challenge started the
    day after the dose days (no washout at all). `phase` is where the challenge is on `today`:
    upcoming, dose, stopped (the stop day), washout or finished. `status` is the input status as
    known on `today` (a stop dated later reads active, a later start planned).
    `started_before_allowed` marks a challenge started before the baseline was ready or the
    previous washout settled. On a washout still open (`washout_open`), `washout_above` holds
    the symptoms that were still meaningfully above the usual level on its last logged day, and
    `washout_why` says in a sentence what keeps it open.
    """

    key: str
    food_group: str
    group_name: str
    number: int
    status: str
    started: bool
    blinded: bool
    earliest_start: date
    first_dose_day: date
    dose_days: tuple[DoseDay, ...]
    washout_start: date
    washout_min_end: date
    washout_end: date
    washout_settled: bool
    long_washout_flag: bool
    projected: bool
    phase: str
    postpone_proposed: bool
    postpone_reason: str | None
    postpone_confounders: tuple[str, ...]
    started_before_allowed: bool
    washout_above: tuple[SymptomAbove, ...] = ()
    washout_why: str | None = None
    # Set on an open washout past LONG_WASHOUT_DAYS: "because pain is still above ...".
    washout_long_cause: str | None = None

    @property
    def washout_open(self) -> bool:
        """In its washout today, and the washout has not closed yet."""
        return self.phase == Phase.WASHOUT and not self.washout_settled


@dataclass(frozen=True, slots=True, kw_only=True)
class TodayStatus:
    """What the patient should do today, with the numbers to phrase it and a ready sentence.

    `kind` is a `TodayKind`. `day_number`/`day_count`: baseline day n of planned days,
    dose day n of dose days, washout day n of the minimum washout days. `challenge_key` names
    the challenge concerned (for ready_for_next: the one the start button starts). The sentence
    stays short (a page heading); an open washout's explanation is in `washout_why` and, past
    `LONG_WASHOUT_DAYS`, its cause in `washout_long_cause`.
    """

    kind: str
    sentence: str
    challenge_key: str | None = None
    group_name: str | None = None
    day_number: int | None = None
    day_count: int | None = None
    step: int | None = None
    portion: str | None = None
    blinded: bool = False
    # A blinded re-challenge's quiet day between two test portions: the next portion's day.
    next_dose_day: date | None = None
    postpone_proposed: bool = False
    postpone_reason: str | None = None
    talk_to_dietitian: bool = False
    # An open washout past LONG_WASHOUT_DAYS (never a closed one), with its cause in a clause.
    long_washout_flag: bool = False
    washout_why: str | None = None
    washout_long_cause: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The whole plan as of `as_of`: baseline, challenges in program order, and today's action."""

    as_of: date
    baseline: BaselinePhase
    challenges: tuple[ScheduledChallenge, ...]
    skipped_keys: tuple[str, ...]
    today: TodayStatus

    @property
    def end(self) -> date:
        return self.challenges[-1].washout_end if self.challenges else self.baseline.end

    def challenge(self, key: str) -> ScheduledChallenge | None:
        return next((c for c in self.challenges if c.key == key), None)

    @property
    def next_challenge(self) -> ScheduledChallenge | None:
        """The first challenge not started yet, the one the start button would start."""
        return next((c for c in self.challenges if not c.started), None)
