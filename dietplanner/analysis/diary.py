"""Plain dataclasses for a program and its diary: the input of the analysis and the content of
the `dietplanner-diary` exchange format. No Django here; the app builds these from its models.

All dates are `datetime.date` in the patient's own calendar. Collections are stored as tuples
(lists passed in are converted) so that two equal diaries compare equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from .vocabulary import CHALLENGE_STATUSES as CHALLENGE_STATUSES  # re-exported for importers
from .vocabulary import ChallengeStatus

ARMS: tuple[str, ...] = ("active", "placebo")

# Why a challenge was stopped before its last dose. Only the first two count as evidence of a
# reaction; a stop whose reason is unknown (None) is read as a reaction, the usual cause.
STOP_REASONS: tuple[str, ...] = (
    "reaction",
    "red_flag",
    "illness",
    "travel",
    "patient_choice",
    "other",
)
REACTION_STOP_REASONS: frozenset[str] = frozenset({"reaction", "red_flag"})


def _tuple(value) -> tuple:
    return value if isinstance(value, tuple) else tuple(value)


@dataclass(frozen=True, slots=True)
class Dose:
    """One dose day of a challenge. On blinded challenges only: `arm` ("active" or "placebo"),
    `pair` (from 1; one active and one placebo portion each) and `label` (the letter the
    patient saw, "A" or "B")."""

    date: date
    portion: str = ""
    taken: bool = True
    arm: str | None = None
    pair: int | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class EndoscopyFacts:
    """What an endoscopy showed for a challenge's food group (`vocabulary.ENDOSCOPY_OUTCOMES`),
    on a diet judged by endoscopy; who recorded it and when. The analysis ignores it."""

    outcome: str
    on: date | None = None
    note: str = ""
    recorded_by: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChallengeFacts:
    """One food-group challenge as planned and as it went.

    `started_on` is the first dose day (None while planned or when skipped). `doses` may be
    empty: the analysis then assumes `dose_days` consecutive doses of growing portions from
    `started_on` (cut at `stopped_early_on`). Portions are ranked by date: the n-th of N planned
    doses counts as n/N of the full portion.
    """

    food_group: str
    started_on: date | None
    dose_days: int = 3
    washout_days: int = 4
    stopped_early_on: date | None = None
    stop_reason: str | None = None
    blinded: bool = False
    doses: tuple[Dose, ...] = ()
    status: str | None = None
    # A blinded challenge run in pairs (version 2): the planned number of pairs, each test day
    # followed by `washout_days` quiet days. None: open, or the old back-to-back design.
    pairs: int | None = None
    # What the exporting app last read (`ChallengeResult.verdict`, `.probability`): carried for
    # the reader of an export; the analysis ignores them and reads the diary again.
    verdict: str | None = None
    probability: float | None = None
    # What the patient wrote when stopping (one line per stop), for the reader of an export.
    stop_note: str | None = None
    endoscopy: EndoscopyFacts | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "doses", _tuple(self.doses))

    @property
    def started(self) -> bool:
        return self.started_on is not None and self.status != ChallengeStatus.SKIPPED

    @property
    def stopped_for_reaction(self) -> bool:
        if self.stopped_early_on is None:
            return False
        return self.stop_reason is None or self.stop_reason in REACTION_STOP_REASONS


@dataclass(frozen=True, slots=True)
class ProgramFacts:
    """A patient's program: baseline from `started_on` for `baseline_days`, then challenges."""

    started_on: date
    baseline_days: int
    symptoms: tuple[str, ...]
    challenges: tuple[ChallengeFacts, ...] = ()
    protocol: str = "custom"

    def __post_init__(self) -> None:
        object.__setattr__(self, "symptoms", _tuple(self.symptoms))
        object.__setattr__(self, "challenges", _tuple(self.challenges))


@dataclass(frozen=True, slots=True)
class DayEntry:
    """One logged day. A symptom missing from `scores` was not scored that day.

    `off_plan` lists eliminated food groups eaten that day outside a challenge.
    """

    date: date
    scores: Mapping[str, int] = field(default_factory=dict)
    confounders: tuple[str, ...] = ()
    off_plan: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "confounders", _tuple(self.confounders))
        object.__setattr__(self, "off_plan", _tuple(self.off_plan))


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One food group's long-term plan: `plan` a LONG_TERM_PLANS slug; `portion` the limit in
    words (limit only); `changed_by` who last changed it (None: as the results suggested)."""

    food_group: str
    plan: str
    portion: str | None = None
    retest_on: date | None = None
    note: str = ""
    changed_by: str | None = None


@dataclass(frozen=True, slots=True)
class Patient:
    timezone: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningAnswers:
    """The health questions the program ran with (`analysis.screening`): an answer per
    question slug; who cleared them for a program and when (None: not cleared)."""

    answers: Mapping[str, str]
    answered_at: datetime | None = None
    cleared_by: str | None = None
    cleared_at: datetime | None = None
    clearance_note: str = ""


@dataclass(frozen=True, slots=True)
class DiaryDocument:
    """One `dietplanner-diary` document: a patient's program and its entries (sorted by date)."""

    patient: Patient
    program: ProgramFacts
    entries: tuple[DayEntry, ...] = ()
    exported_at: datetime | None = None
    version: int = 2  # the version read from (exchange.VERSION when built here)
    long_term_plan: tuple[PlanItem, ...] = ()
    screening: ScreeningAnswers | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", _tuple(self.entries))
        object.__setattr__(self, "long_term_plan", _tuple(self.long_term_plan))
