"""How much does measuring the wobble from the diary itself cost? A diagnostic, not a test.

Runs the analysis with each patient's true day-to-day noise (the simulator's SD per symptom,
plus the variance whole-point rounding adds, and the mean of its lag-1 correlations), which the
real method never knows and has to estimate from 60-100 logged days, and prints, for each
trigger band given (probability.TRIGGER_FROM), the false-trigger rate on clean
tolerated foods and the share of 3-point triggers called trigger, with the noise estimated
(the real method) and known. Compare the two at the same false-trigger rate:

    .venv/bin/python -m tests.analysis.oracle_noise 0.4 0.5 0.6
"""

from __future__ import annotations

import sys

from dietplanner.analysis import probability, verdicts
from dietplanner.analysis.reference import Noise, NoiseEstimator

from .quality import Tally, evaluate
from .simulator import simulate_cohort

TUNING_SEEDS = (tuple(range(400, 408)), tuple(range(500, 508)))
ROUNDING_VARIANCE = 1.0 / 12.0
_truth: dict[str, object] = {}


class _TrueNoise(NoiseEstimator):
    """The simulator's noise in place of the estimate (its dof and correlations kept)."""

    def estimate(self, busy) -> Noise:
        estimate = super().estimate(busy)
        phis = _truth["phi"]
        return Noise(
            phi=sum(phis.values()) / len(phis),
            sigma={s: self.sigma(busy, s) for s in estimate.sigma},
            dof=estimate.dof,
            corr=estimate.corr,
        )

    def sigma(self, busy, symptom: str) -> float:
        return (_truth["sd"][symptom] ** 2 + ROUNDING_VARIANCE) ** 0.5


def measure(seeds, bar: float, known: bool) -> Tally:
    saved = probability.TRIGGER_FROM
    probability.TRIGGER_FROM = bar
    if known:
        verdicts.NoiseEstimator = _TrueNoise
    pooled = Tally()
    try:
        for seed in seeds:
            for diary in simulate_cohort(seed, 50):
                _truth["sd"], _truth["phi"] = diary.noise_sd, diary.phi
                pooled.merge(evaluate([diary]))
    finally:
        verdicts.NoiseEstimator = NoiseEstimator
        probability.TRIGGER_FROM = saved
    return pooled


if __name__ == "__main__":
    bars = [float(a) for a in sys.argv[1:]] or [probability.TRIGGER_FROM]
    for seeds in TUNING_SEEDS:
        for bar in bars:
            for known in (False, True):
                t = measure(seeds, bar, known)
                print(
                    f"seeds {seeds[0]}-{seeds[-1]}, bar {bar}, noise "
                    f"{'known    ' if known else 'estimated'}: clean tolerated called trigger "
                    f"{t.rate('clean_tolerated_called_trigger'):.1%}, 3-point triggers called "
                    f"trigger {t.rate('trigger_3pt_called_trigger'):.1%}"
                )
