"""The decision on one challenge from its per-symptom fits: which symptoms rose and how much,
the Bayes factor of a reaction against none, a one-day spike, a stop for a reaction, whether
the data are too thin, and the verdict (a band of the chance of a trigger; blinded
challenges keep their own bars)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import mul
from typing import NamedTuple

from . import probability
from .evidence import SymptomRead
from .reading import Reading
from .reference import Noise
from .results import CLEAR_RISE_Z, SMALL_RISE_POINTS, meaningful_change, rise_kind_at
from .stats import critical_z
from .vocabulary import Verdict
from .windows import ChallengeWindow

ALPHA = 0.03  # family-wise false-alarm rate per challenge for `trigger` (blinded challenges)
# Open challenges: the main evidence is a Bayes factor (Neyman-Pearson over the mixture of
# windows): how much better "a reaction of REACTION_POINTS at the full portion, on one symptom
# or on two at once, under one of the reaction shapes" explains the fitted rises than "no
# reaction", each symptom, pair and shape equally likely within its kind, "two or more
# symptoms" weighed TWO_SYMPTOM_SHARE and "one" the rest (a reaction hits 1, 2 or 3 symptoms).
# `probability` turns it, with the other evidence, into the chance of a trigger.
REACTION_POINTS = 3.0
TWO_SYMPTOM_SHARE = 2.0 / 3.0
MEMBER_Z = CLEAR_RISE_Z  # a symptom named in a trigger must rise on its own (5% level)
# `possible` keeps z bars: a Bonferroni split over symptoms x shapes of these rates.
ALPHA_ONE = 0.015  # a clear but small rise
ALPHA_POSSIBLE = 0.5  # a less certain one
EFFECTIVE_SHAPES = 4.5  # the 6 shapes act like ~4.5 independent tests (Monte Carlo, any phi)
POSSIBLE_RISE_POINTS = 1.2  # a less certain rise counts as possible from this size on
ONE_DAY_RISE_POINTS = 3.0
MIN_WINDOW_DAYS = 3
STOP_CONFIRM_Z = 1.645
# The data problem of a test stopped for a cause that is not a reaction: it is repeated.
INTERRUPTED = "interrupted"
TOO_EARLY = "too_early"  # the data problem of a window just begun
MIN_LATE_DAYS = 2  # clean days from the last dose on: delayed reactions show there
LOG_CAP = 600.0  # log ratios beyond this are capped (far past any bar; no overflow)


class Decision(NamedTuple):
    """The decision on one challenge: the fields of `Reading` after its observations."""

    verdict: str
    triggered: tuple[SymptomRead, ...]
    possible: tuple[tuple[SymptomRead, str], ...]
    meaningful: tuple[SymptomRead, ...]
    placebo_reacted: tuple[SymptomRead, ...]
    stop_confirmed: bool
    problem: str | None
    log_bayes: float | None
    log_lr: float
    pair: tuple[str, str] | None


def decide(
    cw: ChallengeWindow,
    reads: Sequence[SymptomRead],
    complete: bool,
    counted: list[int],
    n_shapes: int,
    noise: Noise,
    prior: float,
) -> Decision:
    """The decision on a challenge window from its symptoms' fits (`reads`); `complete`: the
    window is over; `counted` are the window days that count toward enough data, `n_shapes`
    the reaction shapes tried."""
    blinded = cw.blinded
    usable = [r for r in reads if r.z is not None]  # (`SymptomRead.usable`, read directly)
    tests = max(len(usable), 1) * (1.0 if blinded else min(EFFECTIVE_SHAPES, n_shapes))
    z_trigger = critical_z(ALPHA if blinded else ALPHA_ONE, tests)
    z_possible = critical_z(ALPHA_POSSIBLE, tests)
    triggered: list[SymptomRead] = []
    placebo_reacted: list[SymptomRead] = []
    bars = {r.symptom: meaningful_change(r.ref_level) for r in reads}
    if blinded:
        gaps: dict[str, float] = {}
        for r in usable:
            bar = bars[r.symptom]
            # The gap that counts is active minus placebo, and active must also be up.
            gap = r.window_level - r.placebo_level
            if r.placebo_change >= bar and r.placebo_z >= z_possible:
                placebo_reacted.append(r)
            if r.change < bar:
                gap = min(gap, r.change)
            gaps[r.symptom] = gap
            if r.z >= z_trigger and r.rise >= bar and gap >= bar:
                triggered.append(r)
    else:
        gaps = {r.symptom: r.change for r in usable}
    meaningful: list[SymptomRead] = []
    log_bayes = pair = None
    if not blinded:
        # Only symptoms that rose on their own, by a meaningful amount, can be named.
        for r in usable:
            bar = bars[r.symptom]
            if r.z >= MEMBER_Z and r.rise >= bar and r.change >= bar:
                meaningful.append(r)
        if usable:
            log_bayes, heaviest = reaction_evidence(usable, noise)
            pair = pair_to_mention(heaviest, usable)
    # Smaller rises, on the symptoms that did not rise by the meaningful change.
    named = {r.symptom for r in triggered} | {r.symptom for r in meaningful}
    possible: list[tuple[SymptomRead, str]] = []
    for r in usable:
        if r.symptom in named:
            continue
        bar = bars[r.symptom]
        gap = gaps[r.symptom]
        if r.z >= z_trigger and gap >= SMALL_RISE_POINTS:
            possible.append((r, "small"))
        elif r.z >= z_possible and gap >= min(bar, POSSIBLE_RISE_POINTS):
            possible.append((r, "uncertain"))
    if not blinded:
        named |= {r.symptom for r, _ in possible}
        possible += [(r, "one_day") for r in _one_day_spikes(usable, named, bars)]
    stop_confirmed = cw.challenge.stopped_for_reaction and any(
        # The diary must show it: one clean day clearly up (beyond one-day wobble, 5% level).
        r.peak_rise is not None
        and r.peak_rise >= bars[r.symptom]
        and r.peak_rise >= STOP_CONFIRM_Z * r.sigma * math.sqrt(1.0 + 1.0 / len(r.ref_days))
        for r in reads
    )
    problem = _data_problem(cw, reads, complete, counted)
    stopped = cw.challenge.stopped_for_reaction
    log_lr = probability.log_likelihood_ratio(
        _features(log_bayes, possible, meaningful or triggered, stopped, stop_confirmed)
    )
    if blinded:
        # Blinded challenges keep their own bars (the contrast with placebo); their
        # probability is reported beside the verdict.
        if triggered or stop_confirmed:
            verdict = Verdict.TRIGGER
        elif stopped:
            verdict = Verdict.POSSIBLE
        elif problem:
            verdict = Verdict.INCONCLUSIVE
        elif possible:
            verdict = Verdict.POSSIBLE
        else:
            verdict = Verdict.TOLERATED
    else:
        # A trigger needs a clear rise: the one threshold the pages show (`rise_kind`).
        clear = meaningful or clear_rises(usable, bars)
        verdict = probability.band(
            probability.posterior(log_lr, prior),
            meaningful=bool(clear) or stop_confirmed,
            stopped_for_reaction=stopped,
            too_little_data=problem is not None,
        )
        if verdict == Verdict.TRIGGER:
            triggered = clear
        else:
            pair = None
    if cw.challenge.stopped_early_on is not None and not stopped:
        # Stopped for illness, travel or choice: the test is repeated, never read (a rise
        # may be the illness, a calm may be the missing portions).
        verdict, problem = Verdict.INCONCLUSIVE, INTERRUPTED
        triggered, pair = [], None
    return Decision(
        verdict,
        tuple(triggered),
        tuple(possible),
        tuple(meaningful),
        tuple(placebo_reacted),
        stop_confirmed,
        problem,
        log_bayes,
        log_lr,
        pair,
    )


def features(reading: Reading) -> tuple[float, ...]:
    """The evidence of one read challenge, in the order of `probability.FEATURES`."""
    return _features(
        reading.log_bayes,
        reading.possible,
        reading.meaningful or reading.triggered,
        reading.cw.challenge.stopped_for_reaction,
        reading.stop_confirmed,
    )


def _features(log_bayes, possible, named, stopped: bool, stop_confirmed: bool):
    lo, hi = probability.LOG_BAYES_CAP
    log_bayes = min(max(log_bayes or 0.0, lo), hi)
    kinds = {kind for _, kind in possible}
    return (
        max(log_bayes, 0.0),
        min(log_bayes, 0.0),
        float(bool(named)),
        float("small" in kinds),
        float("uncertain" in kinds),
        float("one_day" in kinds),
        float(stopped and stop_confirmed),
        float(stopped and not stop_confirmed),
    )


def reaction_evidence(usable: list[SymptomRead], noise: Noise) -> tuple[float, tuple | None]:
    """The log Bayes factor of a reaction against none, from the fitted rises (points at the
    full portion) and their standard errors, per symptom and shape: a REACTION_POINTS rise on
    one symptom (log ratio d t - d^2 info / 2 with t = rise / se^2, info = 1 / se^2), or on two
    at once, allowing for their same-day correlation r (with S the covariance of the two rises
    and 1 = (1, 1): t = 1'S^-1 rises, info = 1'S^-1 1). The ratios are averaged over the
    symptoms (or pairs) and shapes tried, then weighted 1 - TWO_SYMPTOM_SHARE (one symptom)
    and TWO_SYMPTOM_SHARE (two). Also returns the pair that weighed most, when pairs weighed
    more than single symptoms."""
    d = REACTION_POINTS
    half = 0.5 * d * d
    exp, cap = math.exp, LOG_CAP  # (local names: the pair loop below runs thousands of times)
    exp_cap = exp(cap)
    k = len(usable)
    fits = [r.fits for r in usable]
    names = sorted(set(fits[0].names).intersection(*[f.names for f in fits[1:]]))
    one = 0.0
    n_one = 0
    # Per symptom, under each shape of `names`: the one-symptom ratio, and the rise, its
    # standard error and its square (the terms of every pair the symptom is in).
    ratios, rises, ses, variances = [], [], [], []
    for f in fits:
        f_rise, f_se = f.rise, f.se
        f_variances = [se * se for se in f_se]
        # exp of the log ratio (d rise - d^2 / 2) / se^2, capped at LOG_CAP
        shape_ratios = [
            exp(x) if (x := (d * rise - half) / v) < cap else exp_cap
            for rise, v in zip(f_rise, f_variances, strict=True)
        ]
        one += sum(shape_ratios)
        n_one += len(shape_ratios)
        if f.names == names:  # (nearly always: every symptom fitted under every shape)
            ratios.append(shape_ratios)
            rises.append(f_rise)
            ses.append(f_se)
            variances.append(f_variances)
        else:
            at = list(map(f.names.index, names))
            ratios.append([shape_ratios[i] for i in at])
            rises.append([f_rise[i] for i in at])
            ses.append([f_se[i] for i in at])
            variances.append([f_variances[i] for i in at])
    one *= (1.0 - TWO_SYMPTOM_SHARE) / n_one
    if k < 2 or not names:
        return _log(one), None
    two = 0.0
    best, best_pair = -1.0, None
    corr = noise.corr
    for i in range(k - 1):
        symptom_a, ratios_a = usable[i].symptom, ratios[i]
        rises_a, ses_a, variances_a = rises[i], ses[i], variances[i]
        for j in range(i + 1, k):
            rho = corr.get((symptom_a, usable[j].symptom), 0.0)  # `Noise.pair_corr`
            if rho == 0.0:  # independent: the pair's ratio is the product of the two
                pair = sum(map(mul, ratios_a, ratios[j]))
            else:
                pair = 0.0
                for ra, sa, va, rb, sb, vb in zip(
                    rises_a, ses_a, variances_a, rises[j], ses[j], variances[j], strict=True
                ):
                    cab = rho * sa * sb
                    det = va * vb - cab * cab
                    wa, wb = (vb - cab) / det, (va - cab) / det
                    log_ratio = d * (wa * ra + wb * rb) - half * (wa + wb)
                    pair += exp(log_ratio if log_ratio < cap else cap)
            two += pair
            if pair > best:
                best, best_pair = pair, (symptom_a, usable[j].symptom)
    two *= TWO_SYMPTOM_SHARE / (len(names) * k * (k - 1) / 2)
    return _log(one + two), best_pair if two > one else None


def pair_to_mention(pair: tuple[str, str] | None, usable: list[SymptomRead]):
    """The pair that weighed most, when both of its symptoms visibly rose (by a point or more,
    beyond their usual wobble): a noisy symptom that stayed flat can still lend a pair weight,
    and must not be said to have risen."""
    if pair is None:
        return None
    reads = {r.symptom: r for r in usable}
    rose = all(reads[s].z >= 1.0 and reads[s].change >= SMALL_RISE_POINTS for s in pair)
    return pair if rose else None


def clear_rises(usable: Sequence[SymptomRead], bars: dict[str, float]) -> list[SymptomRead]:
    """The symptoms whose rise `rise_kind` calls "clear", from each symptom's meaningful
    change (`bars`) already worked out."""
    return [r for r in usable if rise_kind_at(r.change, bars[r.symptom], r.z) == "clear"]


def _log(x: float) -> float:
    return math.log(x) if x > 0.0 else -LOG_CAP


def _one_day_spikes(
    usable: list[SymptomRead], flagged: set[str], bars: dict[str, float]
) -> list[SymptomRead]:
    """The symptoms not `flagged` already whose highest clean window day stood out; `bars`
    holds each symptom's `meaningful_change`."""
    n_days = max([len(r.window) for r in usable]) if usable else 0
    z_day = critical_z(ALPHA, max(len(usable), 1) * max(n_days, 1))
    spikes = []
    for r in usable:
        if r.symptom in flagged or r.peak_rise is None:
            continue
        # (the spread of one day against the usual level, worked out only for a big rise)
        peak = r.peak_rise
        if (
            peak >= max(ONE_DAY_RISE_POINTS, bars[r.symptom])
            and peak / (r.sigma * math.sqrt(1.0 + 1.0 / len(r.ref_days))) >= z_day
        ):
            spikes.append(r)
    return spikes


def _data_problem(
    cw: ChallengeWindow, reads: Sequence[SymptomRead], complete: bool, counted: list[int]
) -> str | None:
    if not reads:
        return "no_reference"
    if not any(r.window for r in reads):
        return "no_window_days" if complete else TOO_EARLY
    late = [d for d in counted if d >= cw.last_dose]
    needed_late = min(MIN_LATE_DAYS, cw.end - cw.last_dose + 1)
    if len(counted) < MIN_WINDOW_DAYS or len(late) < needed_late:
        return "few_window_days" if complete else TOO_EARLY
    return None
