"""What the analysis returns for one challenge: plain dataclasses with a JSON-ready `to_dict`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .probability import PRIOR, posterior

# SymptomEvidence.finding
RISE = "rise"  # a meaningful rise beyond the day-to-day wobble
SMALL_RISE = "small_rise"  # a rise worth a second look, not enough on its own
NO_RISE = "no_rise"
NO_DATA = "no_data"  # no usual level or no clean day in the window for this symptom

# The one threshold: the smallest change patients notice as real (DOMAIN.md). A "clear rise"
# reaches it and stands out from the day-to-day wobble (the 5% level); one that reaches it
# without standing out is "within your usual ups and downs"; from SMALL_RISE_POINTS below it,
# a "small rise" (`rise_kind`, worded by `wording.rise_words`).
SMALL_RISE_POINTS = 1.0
CLEAR_RISE_Z = 1.645


def meaningful_change(level: float) -> float:
    """Smallest rise that counts: 2 points, or 30% of the usual level, never under 1.5."""
    share = 0.3 * level
    return 1.5 if share <= 1.5 else share if share < 2.0 else 2.0


def rise_kind(change: float, level: float, strength: float | None) -> str:
    """ "clear", "uncertain" (big enough, not beyond the wobble), "small" or "none"."""
    return rise_kind_at(change, meaningful_change(level), strength)


def rise_kind_at(change: float, bar: float, strength: float | None) -> str:
    """`rise_kind` with the level's `meaningful_change` (`bar`) already worked out."""
    if change >= bar:
        return "clear" if strength is not None and strength >= CLEAR_RISE_Z else "uncertain"
    return "small" if change >= SMALL_RISE_POINTS else "none"


FINDING_OF_KIND = {"clear": RISE, "uncertain": SMALL_RISE, "small": SMALL_RISE, "none": NO_RISE}


def draft_class(cls: type) -> type:
    """A mutable class with the slots of the frozen dataclass `cls`, in the same order: a
    builder fills one in with plain stores, then makes it a `cls` (`__class__` assignment,
    allowed between classes of the same layout), never changed after. A frozen dataclass's
    own `__init__` sets each field through `object.__setattr__`, several times as long; the
    object built is the same (its fields, `repr`, equality, hash, pickling)."""
    return type(f"{cls.__name__}Draft", (), {"__slots__": cls.__slots__})


def _r1(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True, slots=True)
class SymptomEvidence:
    """One symptom in one challenge window.

    `reference_level` is the usual level (mean of the reference days) and `reference_spread`
    the day-to-day wobble (SD) the comparison allowed for. `window_level` is the mean on the
    days where a reaction was most expected (after the larger portions, allowing for delay);
    `change` is `window_level - reference_level`. `strength` is the rise in units of its own
    uncertainty (a z-score, after allowing for autocorrelation); `days` counts the clean window
    days with a score. For blinded challenges `window_level` is the active days' mean and
    `placebo_level` the placebo days' mean.
    """

    symptom: str
    finding: str
    reference_level: float | None = None
    reference_spread: float | None = None
    window_level: float | None = None
    change: float | None = None
    strength: float | None = None
    days: int = 0
    placebo_level: float | None = None

    def to_dict(self) -> dict:
        data = {
            "symptom": self.symptom,
            "finding": self.finding,
            "reference_level": _r1(self.reference_level),
            "reference_spread": _r1(self.reference_spread),
            "window_level": _r1(self.window_level),
            "change": _r1(self.change),
            "strength": _r1(self.strength),
            "days": self.days,
        }
        if self.placebo_level is not None:
            data["placebo_level"] = _r1(self.placebo_level)
        return data


_EvidenceDraft = draft_class(SymptomEvidence)


def symptom_evidence(
    symptom: str,
    finding: str,
    reference_level: float | None = None,
    reference_spread: float | None = None,
    window_level: float | None = None,
    change: float | None = None,
    strength: float | None = None,
    days: int = 0,
    placebo_level: float | None = None,
) -> SymptomEvidence:
    """`SymptomEvidence(...)` of the same fields, built by plain stores (`draft_class`): one is
    built per symptom of every result."""
    e = _EvidenceDraft()
    e.symptom, e.finding = symptom, finding
    e.reference_level, e.reference_spread = reference_level, reference_spread
    e.window_level, e.change, e.strength = window_level, change, strength
    e.days, e.placebo_level = days, placebo_level
    e.__class__ = SymptomEvidence
    return e


@dataclass(frozen=True, slots=True)
class ExcludedDay:
    """A window day that was not used, and why.

    `why` holds slugs: a confounder slug (`illness`, ...), `ate:<group>` (ate an eliminated
    group that day), `after:<group>` (in the 2 days after eating it) or `not_logged`.
    """

    date: date
    why: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"date": self.date.isoformat(), "why": list(self.why)}


@dataclass(frozen=True, slots=True)
class ChallengeResult:
    """The reading of one started challenge. `verdict` is a VERDICTS slug.

    `probability` (0-1) is the chance that this food is a trigger for this patient, given the
    diary and `prior`, the share of tested groups taken to be triggers before it was read
    (`analysis.probability`); the verdict is a band of it. `complete` is False while the
    window is still running (the verdict is then provisional and the reasons say so).
    """

    food_group: str
    started_on: date
    verdict: str
    symptoms: tuple[SymptomEvidence, ...]
    excluded_days: tuple[ExcludedDay, ...]
    reasons: tuple[str, ...]
    complete: bool
    window_start: date
    window_end: date
    reference_days: int = 0
    blinded: bool = False
    stopped_early_on: date | None = None
    stop_reason: str | None = None
    challenge_index: int = 0
    # Inconclusive only because the window has just begun (not for want of calm days).
    too_early: bool = False
    # Blinded re-challenges: the pairs (`blinded.PairRead`), how many of the usable ones
    # favoured the active portion, and the active portion's letter.
    pairs: tuple = ()
    pairs_favouring_active: int | None = None
    pairs_usable: int | None = None
    active_label: str | None = None
    # The calibrated log likelihood ratio of "trigger" against "not" (`probability`), the prior
    # it was combined with, and the result: the chance (0-1) that this food is a trigger.
    log_lr: float = 0.0
    prior: float = PRIOR

    def __post_init__(self) -> None:
        # A `Verdict` member is stored as its plain slug: results compare, print and pickle
        # the same whoever built them.
        object.__setattr__(self, "verdict", str(self.verdict))

    @property
    def probability(self) -> float:
        return posterior(self.log_lr, self.prior)

    def probability_at(self, prior: float) -> float:
        """The chance of a trigger had the share of triggers before the diary been `prior`."""
        return posterior(self.log_lr, prior)

    def to_dict(self) -> dict:
        data = {
            "food_group": self.food_group,
            "started_on": self.started_on.isoformat(),
            "verdict": self.verdict,
            "probability": round(self.probability, 3),
            "prior": self.prior,
            "symptoms": [s.to_dict() for s in self.symptoms],
            "excluded_days": [d.to_dict() for d in self.excluded_days],
            "reasons": list(self.reasons),
            "complete": self.complete,
            "window": {"start": self.window_start.isoformat(), "end": self.window_end.isoformat()},
            "reference_days": self.reference_days,
            "blinded": self.blinded,
            "stopped_early_on": (
                self.stopped_early_on.isoformat() if self.stopped_early_on else None
            ),
            "stop_reason": self.stop_reason,
            "too_early": self.too_early,
        }
        if self.pairs:
            data["pairs"] = [p.to_dict() for p in self.pairs]
            data["pairs_favouring_active"] = self.pairs_favouring_active
            data["pairs_usable"] = self.pairs_usable
            data["active_label"] = self.active_label
        return data


_ResultDraft = draft_class(ChallengeResult)


def challenge_result(
    *,
    food_group: str,
    started_on: date,
    verdict: str,
    symptoms: tuple[SymptomEvidence, ...],
    excluded_days: tuple[ExcludedDay, ...],
    reasons: tuple[str, ...],
    complete: bool,
    window_start: date,
    window_end: date,
    reference_days: int = 0,
    blinded: bool = False,
    stopped_early_on: date | None = None,
    stop_reason: str | None = None,
    challenge_index: int = 0,
    too_early: bool = False,
    log_lr: float = 0.0,
    prior: float = PRIOR,
) -> ChallengeResult:
    """`ChallengeResult(...)` of an open or unblinded reading (no pairs), built by plain
    stores (`draft_class`), its verdict stored as its plain slug as `__post_init__` does."""
    r = _ResultDraft()
    r.food_group, r.started_on, r.verdict = food_group, started_on, str(verdict)
    r.symptoms, r.excluded_days, r.reasons = symptoms, excluded_days, reasons
    r.complete, r.window_start, r.window_end = complete, window_start, window_end
    r.reference_days, r.blinded = reference_days, blinded
    r.stopped_early_on, r.stop_reason = stopped_early_on, stop_reason
    r.challenge_index, r.too_early = challenge_index, too_early
    r.pairs, r.pairs_favouring_active, r.pairs_usable, r.active_label = (), None, None, None
    r.log_lr, r.prior = log_lr, prior
    r.__class__ = ChallengeResult
    return r
