"""A decided `Reading` (or a blinded pairs reading) as the `ChallengeResult` the pages show."""

from __future__ import annotations

from datetime import date

from . import probability
from .blinded import PairedReading, paired_reasons
from .decide import TOO_EARLY
from .diary import ChallengeFacts
from .reading import Reading
from .reasons import NO_DOSE, reasons
from .results import (
    FINDING_OF_KIND,
    NO_DATA,
    NO_RISE,
    RISE,
    SMALL_RISE,
    ChallengeResult,
    challenge_result,
    rise_kind,
    symptom_evidence,
)
from .results import SymptomEvidence as Evidence
from .vocabulary import Verdict
from .windows import ChallengeWindow


def _evidence(reading: Reading) -> tuple[Evidence, ...]:
    out = []
    read_by_symptom = {r.symptom: r for r in reading.reads}
    for symptom in reading.symptoms:
        r = read_by_symptom.get(symptom)
        if r is None or not r.window:
            out.append(
                symptom_evidence(
                    symptom,
                    NO_DATA,
                    None if r is None else r.ref_level,
                    None if r is None else r.sigma,
                )
            )
            continue
        # The one threshold (`results.rise_kind`), whatever the verdict.
        finding = (
            FINDING_OF_KIND[rise_kind(r.change, r.ref_level, r.z)]
            if r.change is not None
            else NO_RISE
        )
        if not r.usable:
            finding = NO_DATA
        # (symptom, finding, reference_level, reference_spread, window_level, change,
        # strength, days, placebo_level: given by place, one call per symptom)
        out.append(
            symptom_evidence(
                symptom,
                finding,
                r.ref_level,
                r.sigma,
                r.window_level,
                r.change,
                r.z,
                len(r.window),
                r.placebo_level,
            )
        )
    return tuple(out)


def result(reading: Reading, prior: float) -> ChallengeResult:
    cw = reading.cw
    c = cw.challenge
    if reading.paired is not None:
        return _paired_result(reading.paired, cw, prior)
    return challenge_result(
        food_group=c.food_group,
        started_on=c.started_on,
        verdict=reading.verdict,
        symptoms=_evidence(reading),
        excluded_days=tuple(reading.excluded),
        reasons=reasons(reading),
        complete=reading.complete,
        window_start=date.fromordinal(cw.first),
        window_end=date.fromordinal(cw.end),
        reference_days=max((len(r.ref_days) for r in reading.reads), default=0),
        blinded=cw.blinded,
        stopped_early_on=c.stopped_early_on,
        stop_reason=c.stop_reason,
        challenge_index=cw.index,
        too_early=reading.verdict == Verdict.INCONCLUSIVE and reading.problem == TOO_EARLY,
        log_lr=reading.log_lr,
        prior=prior,
    )


def _paired_result(paired: PairedReading, cw: ChallengeWindow, prior: float) -> ChallengeResult:
    c = cw.challenge
    return ChallengeResult(
        food_group=c.food_group,
        started_on=c.started_on,
        verdict=paired.verdict,
        symptoms=paired.symptoms,
        excluded_days=(),
        reasons=paired_reasons(paired, c),
        complete=paired.complete,
        window_start=date.fromordinal(cw.first),
        window_end=date.fromordinal(cw.end),
        blinded=True,
        stopped_early_on=c.stopped_early_on,
        stop_reason=c.stop_reason,
        challenge_index=cw.index,
        pairs=paired.pairs,
        pairs_favouring_active=paired.favoured,
        pairs_usable=paired.usable,
        active_label=paired.active_label,
        log_lr=_paired_log_lr(paired, c),
        prior=prior,
    )


def _paired_log_lr(paired: PairedReading, c: ChallengeFacts) -> float:
    """The chance of a trigger is reported beside a blinded verdict (which keeps its own bars,
    `blinded.py`): the open calibration applied to the pairs' evidence, in the order of
    `probability.FEATURES`. It was not fitted on blinded diaries."""
    lo, hi = probability.LOG_BAYES_CAP
    log_bayes = min(max(paired.log_bayes or 0.0, lo), hi)
    findings = {s.finding for s in paired.symptoms}
    stopped = c.stopped_for_reaction
    return probability.log_likelihood_ratio(
        (
            max(log_bayes, 0.0),
            min(log_bayes, 0.0),
            float(RISE in findings),
            float(SMALL_RISE in findings),
            0.0,
            0.0,
            0.0,
            float(stopped),
        )
    )


def no_dose_result(index: int, challenge: ChallengeFacts, prior: float) -> ChallengeResult:
    return ChallengeResult(
        food_group=challenge.food_group,
        started_on=challenge.started_on,
        verdict=Verdict.INCONCLUSIVE,
        symptoms=(),
        excluded_days=(),
        reasons=(NO_DOSE,),
        complete=True,
        window_start=challenge.started_on,
        window_end=challenge.started_on,
        stopped_early_on=challenge.stopped_early_on,
        stop_reason=challenge.stop_reason,
        challenge_index=index,
        prior=prior,
    )
