"""The two small objects one analysis run passes around, both frozen:

- `RunContext`: what a pass of the analysis knows about the whole program (the diary, the
  noise, the confounder offsets, what each food's own challenge showed, `now`...), built once
  per pass by `verdicts.analyze_program` and handed to every challenge;
- `Reading`: everything decided about one challenge, before it is worded (`reasons.reasons`)
  and turned into a `ChallengeResult` (`outcome`). `challenge.read_challenge` builds it once,
  complete: what the window's days hold and the decision on them (`decide.Decision`); later
  steps change it only through `dataclasses.replace` (a blinded test's pairs, what a food
  eaten off-plan showed).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

from .blinded import PairedReading
from .daybook import DayBook
from .diary import ProgramFacts
from .evidence import SymptomRead
from .reference import Noise, Offset
from .results import ExcludedDay, draft_class
from .vocabulary import Verdict
from .windows import ChallengeWindow

# (day, the confounders / `ate:<group>` exposures on it)
DayWhy = tuple[int, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class FoodRead:
    """What this patient's own challenge of a food group showed: its verdict and, per symptom,
    the fitted rise at the full portion and its uncertainty (points)."""

    verdict: str
    rises: Mapping[str, tuple[float, float]]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunContext:
    """One pass of the analysis over a program. `earliest` is the first day that may serve
    as a reference, `now` the last day seen (ordinals); `later_blocked` the days follow-up
    days may not come from; `offsets` what this patient's own confounder days show
    (`reference.confounder_offsets`); `foods` what each food's challenge showed in the
    previous reading (empty on the first); `templates` the reaction shapes of each window
    (`ChallengeWindow.templates`, by its index: shared tuples), the same in every pass;
    `symptom_days` the days each window's symptoms were read on, kept for the whole run by
    what chose them, and under `(index,)` the window's days sorted into left out, clean and
    allowed (`challenge.read_challenge`, `challenge._WindowDays`), and `fit_candidates` the
    shapes each window's fits may use on the days they read (`evidence.FitSetting.candidates`),
    kept for the run likewise."""

    program: ProgramFacts
    book: DayBook
    noise: Noise
    earliest: int
    now: int
    prior: float
    later_blocked: Container[int]
    offsets: Mapping[tuple[str, str], Offset] = field(default_factory=dict)
    foods: Mapping[str, FoodRead] = field(default_factory=dict)
    templates: Mapping[int, Sequence[tuple[str, Sequence[float]]]] = field(default_factory=dict)
    symptom_days: MutableMapping[tuple, object] = field(default_factory=dict)
    fit_candidates: MutableMapping[tuple, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class Reading:
    """Everything decided about one challenge, before it is worded. Built per challenge and
    pass by `__new__` with plain stores (`results.draft_class`), not by a frozen dataclass's
    `__init__` (23 calls of `object.__setattr__`); frozen all the same, and
    `dataclasses.replace` copies it through `__new__`."""

    cw: ChallengeWindow
    verdict: str = Verdict.INCONCLUSIVE
    reads: tuple[SymptomRead, ...] = ()
    symptoms: tuple[str, ...] = ()
    excluded: tuple[ExcludedDay, ...] = ()
    window_days: int = 0
    clean_days: int = 0
    counted_days: int = 0  # clean days plus confounded days whose episode could be measured
    # Confounded days not counted, with the upsets on them whose shift could not be measured.
    uncounted: tuple[DayWhy, ...] = ()
    complete: bool = True
    # Window days with a confounder, counted after allowing for its episode's own shift, and
    # that episode's days around the window that helped measure the shift.
    allowed: tuple[DayWhy, ...] = ()
    allowed_around: tuple[DayWhy, ...] = ()
    # Groups eaten off-plan whose exposure was allowed for, with what their own challenge was
    # taken to show while reading ("tolerated", "reacted", or None: not known); the last pass
    # turns it into what the reasons say ("tolerated", "possible", "reacted", "unsettled").
    eaten: tuple[tuple[str, str | None], ...] = ()
    # --- the decision (`decide.decide`) ---
    triggered: tuple[SymptomRead, ...] = ()
    possible: tuple[tuple[SymptomRead, str], ...] = ()
    # Open challenges: the symptoms that rose on their own by a meaningful amount.
    meaningful: tuple[SymptomRead, ...] = ()
    placebo_reacted: tuple[SymptomRead, ...] = ()
    stop_confirmed: bool = False
    problem: str | None = None  # why the data are too thin, when they are
    # Open challenges: the log Bayes factor of a reaction against none (`decide`), and the
    # two symptoms whose rising together weighed most in it, when pairs weighed more than
    # single symptoms.
    log_bayes: float | None = None
    log_lr: float = 0.0  # calibrated log likelihood ratio of trigger against not (`probability`)
    pair: tuple[str, str] | None = None
    # A blinded re-challenge: its reading pair by pair, which gives the verdict (`blinded.py`).
    paired: PairedReading | None = None

    def __new__(
        cls,
        *,
        cw: ChallengeWindow,
        verdict: str = Verdict.INCONCLUSIVE,
        reads: tuple[SymptomRead, ...] = (),
        symptoms: tuple[str, ...] = (),
        excluded: tuple[ExcludedDay, ...] = (),
        window_days: int = 0,
        clean_days: int = 0,
        counted_days: int = 0,
        uncounted: tuple[DayWhy, ...] = (),
        complete: bool = True,
        allowed: tuple[DayWhy, ...] = (),
        allowed_around: tuple[DayWhy, ...] = (),
        eaten: tuple[tuple[str, str | None], ...] = (),
        triggered: tuple[SymptomRead, ...] = (),
        possible: tuple[tuple[SymptomRead, str], ...] = (),
        meaningful: tuple[SymptomRead, ...] = (),
        placebo_reacted: tuple[SymptomRead, ...] = (),
        stop_confirmed: bool = False,
        problem: str | None = None,
        log_bayes: float | None = None,
        log_lr: float = 0.0,
        pair: tuple[str, str] | None = None,
        paired: PairedReading | None = None,
    ) -> Reading:
        r = _ReadingDraft()
        r.cw, r.verdict, r.reads, r.symptoms, r.excluded = cw, verdict, reads, symptoms, excluded
        r.window_days, r.clean_days, r.counted_days = window_days, clean_days, counted_days
        r.uncounted, r.complete, r.allowed = uncounted, complete, allowed
        r.allowed_around, r.eaten, r.triggered = allowed_around, eaten, triggered
        r.possible, r.meaningful, r.placebo_reacted = possible, meaningful, placebo_reacted
        r.stop_confirmed, r.problem, r.log_bayes = stop_confirmed, problem, log_bayes
        r.log_lr, r.pair, r.paired = log_lr, pair, paired
        r.__class__ = cls
        return r

    def __reduce__(self) -> tuple:
        # (copied and pickled by its fields: `__new__` takes them by name)
        return _reading_of, ({name: getattr(self, name) for name in self.__slots__},)


def _reading_of(fields: dict) -> Reading:
    return Reading(**fields)


_ReadingDraft = draft_class(Reading)
