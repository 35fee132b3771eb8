"""The reading of a blinded re-challenge run as an N-of-1 trial in pairs.

Each pair holds one active and one placebo test day (`Dose.pair`, or consecutive doses in date
order when the diary does not number them). A test day's *period* is the day of the portion and
the reaction window after it: up to REACTION_DAYS more days, ending before the next portion.
Per pair and symptom the difference is the active period's mean score minus the placebo
period's. A pair with a day not logged, a dose not taken, a confounder or off-plan eating in
either period counts as missing; so does a pair cut by a stop.

The pairs are combined per symptom: their mean difference D and its standard error from this
patient's own day-to-day wobble (the SD and lag-1 correlation the open analysis estimates, so
two pairs are enough to see a clear reaction). `trigger` needs all of:
- the adapted Bayes factor of the open analysis: a REACTION_POINTS rise on one symptom against
  none, averaged over the symptoms, clearing LOG_BAYES_BAR;
- one symptom whose D is clinically meaningful and beyond its z bar (ALPHA family-wise over
  the symptoms);
- every usable pair favouring the active portion on that symptom.
`possible` is a smaller or less certain difference favoured by most pairs. Fewer than MIN_PAIRS
usable pairs is `inconclusive`, never `tolerated`. The result says how many pairs favoured the
active portion. Pure Python; measured in docs/analysis.md ("Blinded re-challenges").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from .daybook import NOT_LOGGED, DayBook
from .diary import ChallengeFacts, Dose
from .reference import Noise
from .results import NO_DATA, NO_RISE, RISE, SMALL_RISE, SymptomEvidence
from .stats import critical_z
from .vocabulary import Verdict
from .wording import day_text, symptom_name, why_text

REACTION_DAYS = 2  # days after a portion that belong to its period (reactions come 2-72 h late)
MIN_PAIRS = 2
MIN_PERIOD_DAYS = 2  # scored clean days a period needs
REACTION_POINTS = 3.0
LOG_BAYES_BAR = 2.0
ALPHA = 0.03  # family-wise over the symptoms, for the z bar of `trigger`
ALPHA_POSSIBLE = 0.3
POSSIBLE_POINTS = 1.0
_LOG_CAP = 600.0

# PairRead.missing
NOT_TAKEN = "not_taken"
STOPPED = "stopped"
NOT_YET = "not_yet"
UNBALANCED = "unbalanced"  # a pair without exactly one active and one placebo portion
TOO_CLOSE = "too_close"  # a portion within the reaction window of another


@dataclass(frozen=True, slots=True)
class PairRead:
    """One pair: its two portions' days and, when usable, the difference on the lead symptom
    (active minus placebo, points). `missing` says why it could not be used (reason slugs:
    a confounder, `ate:<group>`, `not_logged`, `not_taken`, `stopped`, `not_yet`)."""

    pair: int
    active_day: date | None
    placebo_day: date | None
    active_first: bool
    active_level: float | None = None
    placebo_level: float | None = None
    missing: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return not self.missing

    @property
    def difference(self) -> float | None:
        if self.active_level is None or self.placebo_level is None:
            return None
        return self.active_level - self.placebo_level

    def to_dict(self) -> dict:
        def r1(x):
            return None if x is None else round(x, 1)

        return {
            "pair": self.pair,
            "active_day": self.active_day.isoformat() if self.active_day else None,
            "placebo_day": self.placebo_day.isoformat() if self.placebo_day else None,
            "active_first": self.active_first,
            "active_level": r1(self.active_level),
            "placebo_level": r1(self.placebo_level),
            "difference": r1(self.difference),
            "missing": list(self.missing),
        }


@dataclass(frozen=True, slots=True)
class PairedReading:
    verdict: Verdict
    pairs: tuple[PairRead, ...]
    symptoms: tuple[SymptomEvidence, ...]
    lead: str | None  # the symptom the pairs are counted on (None: all symptoms together)
    favoured: int  # usable pairs whose active period scored higher
    usable: int
    active_label: str | None
    log_bayes: float | None
    complete: bool
    stopped_after_active: bool | None  # None: not stopped, or no portion before the stop


@dataclass(frozen=True, slots=True)
class _Period:
    dose: Dose
    days: tuple[int, ...]
    # Another portion within REACTION_DAYS before or after: its reaction may spill over (the
    # back-to-back days of version 1 diaries).
    too_close: bool = False


def pair_doses(challenge: ChallengeFacts) -> list[tuple[int, list[Dose]]]:
    """The challenge's doses grouped into pairs: by `Dose.pair` when every dose has one, else
    two by two in date order."""
    doses = sorted(challenge.doses, key=lambda d: d.date)
    if doses and all(d.pair is not None for d in doses):
        groups: dict[int, list[Dose]] = {}
        for d in doses:
            groups.setdefault(d.pair, []).append(d)
        return sorted(groups.items())
    return [(k // 2 + 1, doses[k : k + 2]) for k in range(0, len(doses), 2)]


def _periods(challenge: ChallengeFacts, last_day: int) -> dict[date, _Period]:
    doses = sorted(challenge.doses, key=lambda d: d.date)
    out = {}
    days = [d.date.toordinal() for d in doses]
    for i, dose in enumerate(doses):
        start = days[i]
        end = start + REACTION_DAYS
        close = i > 0 and start - days[i - 1] <= REACTION_DAYS
        if i + 1 < len(doses):
            close = close or days[i + 1] - start <= REACTION_DAYS
            end = min(end, days[i + 1] - 1)
        out[dose.date] = _Period(dose, tuple(range(start, min(end, last_day) + 1)), close)
    return out


def mean_variance_factor(n: int, phi: float) -> float:
    """Variance of the mean of n consecutive AR(1) days, in units of the day's variance."""
    if n <= 0:
        return math.inf
    total = 1.0 + 2.0 * sum((1.0 - k / n) * phi**k for k in range(1, n))
    return total / n


def read_pairs(
    challenge: ChallengeFacts,
    symptoms: Sequence[str],
    book: DayBook,
    noise: Noise,
    *,
    window_end: int,
    now: int,
    bar: Callable[[float], float],
) -> PairedReading:
    """Read a blinded challenge pair by pair (see the module docstring).

    `window_end` is the last day the challenge's window may use (the next challenge cuts it),
    `now` the last day known, `bar(level)` the smallest meaningful rise at a usual level.
    """
    stop = challenge.stopped_early_on.toordinal() if challenge.stopped_early_on else None
    periods = _periods(challenge, window_end)
    labels = {d.label for d in challenge.doses if d.arm == "active" and d.label}
    active_label = labels.pop() if len(labels) == 1 else None
    # Per symptom: (pair number, active mean, active n, placebo mean, placebo n)
    diffs: dict[str, list[tuple[int, float, int, float, int]]] = {s: [] for s in symptoms}
    pairs: list[tuple[int, Dose | None, Dose | None, tuple[str, ...], dict]] = []
    for number, doses in pair_doses(challenge):
        active = [d for d in doses if d.arm == "active"]
        placebo = [d for d in doses if d.arm == "placebo"]
        if len(active) != 1 or len(placebo) != 1:
            a = active[0] if active else None
            p = placebo[0] if placebo else None
            pairs.append((number, a, p, (UNBALANCED,), {}))
            continue
        a, p = active[0], placebo[0]
        why: list[str] = []
        means = {}
        for dose in (a, p):
            why += _period_problems(periods[dose.date], book, challenge.food_group, stop, now)
        if not why:
            for s in symptoms:
                am = _mean(book, periods[a.date].days, s)
                pm = _mean(book, periods[p.date].days, s)
                if am is not None and pm is not None:
                    means[s] = (am, pm)
                    diffs[s].append((number, am[0], am[1], pm[0], pm[1]))
            if not means:
                why.append(NOT_LOGGED)
        pairs.append((number, a, p, tuple(dict.fromkeys(why)), means))
    usable = sum(1 for *_, why, _ in pairs if not why)

    stats = {}
    for s in symptoms:
        rows = diffs[s]
        sigma = noise.sigma.get(s)
        if len(rows) < MIN_PAIRS or sigma is None:
            continue
        k = len(rows)
        d_mean = sum(a - p for _, a, _, p, _ in rows) / k
        var = sum(
            sigma
            * sigma
            * (mean_variance_factor(na, noise.phi) + mean_variance_factor(np, noise.phi))
            for _, _, na, _, np in rows
        )
        se = math.sqrt(var) / k
        level = sum(p for _, _, _, p, _ in rows) / k
        favour = sum(1 for _, a, _, p, _ in rows if a > p)
        stats[s] = (d_mean, se, d_mean / se, level, favour, k)

    n_sym = max(len(stats), 1)
    z_trigger = critical_z(ALPHA, n_sym)
    z_possible = critical_z(ALPHA_POSSIBLE, n_sym)
    log_bayes = _log_bayes([(d, se) for d, se, *_ in stats.values()]) if stats else None
    rise, small = [], []
    for s, (d, _, z, level, favour, k) in stats.items():
        if z >= z_trigger and d >= bar(level) and favour == k:
            rise.append(s)
        elif z >= z_possible and d >= POSSIBLE_POINTS and 2 * favour > k:
            small.append(s)

    stopped_after_active = _stopped_after(challenge, stop)
    complete = now >= window_end
    if usable < MIN_PAIRS:
        verdict = (
            Verdict.POSSIBLE
            if stopped_after_active and challenge.stopped_for_reaction
            else Verdict.INCONCLUSIVE
        )
    elif rise and log_bayes is not None and log_bayes >= LOG_BAYES_BAR:
        verdict = Verdict.TRIGGER
    elif rise or small or stopped_after_active and challenge.stopped_for_reaction:
        verdict = Verdict.POSSIBLE
    else:
        verdict = Verdict.TOLERATED
    if verdict != Verdict.TRIGGER:
        small, rise = small + rise, []
    lead = None
    if stats:
        named = rise or small or list(stats)
        lead = max(named, key=lambda s: stats[s][2])
        if not (rise or small):
            lead = None
    evidence = []
    for s in symptoms:
        if s not in stats:
            evidence.append(SymptomEvidence(symptom=s, finding=NO_DATA))
            continue
        d, se, z, level, favour, k = stats[s]
        finding = RISE if s in rise else SMALL_RISE if s in small else NO_RISE
        evidence.append(
            SymptomEvidence(
                symptom=s,
                finding=finding,
                reference_level=level,
                reference_spread=noise.sigma.get(s),
                window_level=level + d,
                change=d,
                strength=z,
                days=k,
                placebo_level=level,
            )
        )
    pair_reads, favoured = _pair_reads(pairs, lead)
    return PairedReading(
        verdict=verdict,
        pairs=tuple(pair_reads),
        symptoms=tuple(evidence),
        lead=lead,
        favoured=favoured,
        usable=usable,
        active_label=active_label,
        log_bayes=log_bayes,
        complete=complete,
        stopped_after_active=stopped_after_active,
    )


def _period_problems(
    period: _Period, book: DayBook, group: str, stop: int | None, now: int
) -> list[str]:
    """Why a period cannot be used (empty: it can)."""
    start = period.dose.date.toordinal()
    if stop is not None and start > stop:
        return [STOPPED]
    if not period.dose.taken:
        return [NOT_TAKEN]
    if period.too_close:
        return [TOO_CLOSE]
    if period.days and period.days[-1] > now:
        return [NOT_YET]
    why: list[str] = []
    logged = 0
    for day in period.days:
        if not book.logged(day):
            continue
        upsets = book.window_why(day, group)
        if upsets:
            why += upsets
        else:
            logged += 1
    if not book.logged(start) or logged < min(MIN_PERIOD_DAYS, len(period.days)):
        why.append(NOT_LOGGED)
    return why


def _mean(book: DayBook, days: Sequence[int], symptom: str) -> tuple[float, int] | None:
    values = [v for d in days if (v := book.score(d, symptom)) is not None]
    if len(values) < min(MIN_PERIOD_DAYS, len(days)):
        return None
    return sum(values) / len(values), len(values)


def _log_bayes(rises: list[tuple[float, float]]) -> float:
    """Log Bayes factor of a REACTION_POINTS rise on one symptom (each equally likely)
    against none, from each symptom's mean difference and its standard error."""
    d = REACTION_POINTS
    total = 0.0
    for mean, se in rises:
        log_ratio = (d * mean - 0.5 * d * d) / (se * se)
        total += math.exp(min(log_ratio, _LOG_CAP))
    total /= len(rises)
    return math.log(total) if total > 0.0 else -_LOG_CAP


def _stopped_after(challenge: ChallengeFacts, stop: int | None) -> bool | None:
    if stop is None:
        return None
    before = [d for d in challenge.doses if d.date.toordinal() <= stop and d.taken]
    if not before:
        return None
    return max(before, key=lambda d: d.date).arm == "active"


def _pair_reads(pairs, lead: str | None) -> tuple[list[PairRead], int]:
    """The pairs as shown: levels on the lead symptom, or the mean of all symptoms when none
    stands out; and how many usable pairs favoured the active portion."""
    out = []
    favoured = 0
    for number, a, p, why, means in pairs:
        active_level = placebo_level = None
        if not why:
            chosen = [means[lead]] if lead in means else list(means.values())
            active_level = sum(am[0] for am, _ in chosen) / len(chosen)
            placebo_level = sum(pm[0] for _, pm in chosen) / len(chosen)
            favoured += active_level > placebo_level
        out.append(
            PairRead(
                pair=number,
                active_day=a.date if a else None,
                placebo_day=p.date if p else None,
                active_first=bool(a and p and a.date < p.date),
                active_level=active_level,
                placebo_level=placebo_level,
                missing=why,
            )
        )
    return out, favoured


def paired_reasons(reading: PairedReading, challenge: ChallengeFacts) -> tuple[str, ...]:
    """The reasons of a blinded result in plain words: how many pairs favoured the food, which
    pairs were left out and why, the stop, and the key."""
    group = challenge.food_group.replace("_", " ")
    active = f"portion {reading.active_label}" if reading.active_label else "the active portion"
    placebo_letter = {"A": "B", "B": "A"}.get(reading.active_label or "")
    placebo = f"portion {placebo_letter}" if placebo_letter else "the placebo portion"
    k, f = reading.usable, reading.favoured
    n = max(len(reading.pairs), challenge.dose_days // 2)  # pairs cut by a stop count too
    out: list[str] = []
    if reading.usable < MIN_PAIRS:
        out.append(
            f"Only {k} of {n} pairs could be read ({MIN_PAIRS} are needed), so this test cannot "
            f"say whether {group} affects you: it is worth repeating."
        )
    elif reading.lead is not None:
        lead = next(s for s in reading.symptoms if s.symptom == reading.lead)
        out.append(
            f"In {f} of {k} pairs your {symptom_name(reading.lead).lower()} scores were higher "
            f"after {active}, which contained {group}: on average {lead.change:.1f} points more "
            f"than after {placebo}, the placebo."
        )
    else:
        out.append(
            f"In {f} of {k} pairs your scores were higher after {active}, which contained "
            f"{group}, and in {k - f} after {placebo}, the placebo: no symptom was meaningfully "
            "worse with the food than with the placebo."
        )
    if reading.verdict == Verdict.TRIGGER:
        out.append("Every pair pointed the same way, by a clear margin.")
    elif reading.verdict == Verdict.POSSIBLE and reading.usable >= MIN_PAIRS:
        out.append("The difference was small or not consistent in every pair: worth another test.")
    for p in reading.pairs:
        if p.missing:
            out.append(f"Pair {p.pair} was left out ({missing_text(p.missing)}).")
    if challenge.stopped_early_on is not None:
        after = {True: f"after {active} (the food)", False: f"after {placebo} (the placebo)"}
        when = after.get(reading.stopped_after_active, "before any portion")
        out.append(f"The test was stopped on {day_text(challenge.stopped_early_on)}, {when}.")
    if reading.active_label:
        out.append(f"Portion {reading.active_label} contained {group}; {placebo} was the placebo.")
    if not reading.complete and challenge.stopped_early_on is not None:
        out.append("The days after the stop are still being watched: this reading may change.")
    elif not reading.complete:
        out.append("The test is still running: this reading is provisional.")
    return tuple(out)


MISSING_WORDS = {
    NOT_TAKEN: "a portion not taken",
    STOPPED: "the test was stopped first",
    NOT_YET: "not over yet",
    UNBALANCED: "not one portion of each",
    TOO_CLOSE: "portions too close together to tell their reactions apart",
    NOT_LOGGED: "days not logged",
}


def missing_text(missing: tuple[str, ...]) -> str:
    known = [MISSING_WORDS[m] for m in missing if m in MISSING_WORDS]
    other = tuple(m for m in missing if m not in MISSING_WORDS)
    return ", ".join(known + ([why_text(other)] if other else []))
