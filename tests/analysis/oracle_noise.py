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
from dietplanner.analysis.reference import Noise

from .quality import Tally, evaluate
from .simulator import simulate_cohort

TUNING_SEEDS = (tuple(range(400, 408)), tuple(range(500, 508)))
ROUNDING_VARIANCE = 1.0 / 12.0
_truth: dict[str, object] = {}
_estimated = verdicts.estimate_noise


def _true_noise(book, symptoms, earliest, busy) -> Noise:
    estimate = _estimated(book, symptoms, earliest, busy)
    sd, phis = _truth["sd"], _truth["phi"]
    return Noise(
        phi=sum(phis.values()) / len(phis),
        sigma={s: (sd[s] ** 2 + ROUNDING_VARIANCE) ** 0.5 for s in estimate.sigma},
        dof=estimate.dof,
        corr=estimate.corr,
    )


def measure(seeds, bar: float, known: bool) -> Tally:
    saved = probability.TRIGGER_FROM
    probability.TRIGGER_FROM = bar
    if known:
        verdicts.estimate_noise = _true_noise
    pooled = Tally()
    try:
        for seed in seeds:
            for diary in simulate_cohort(seed, 50):
                _truth["sd"], _truth["phi"] = diary.noise_sd, diary.phi
                pooled.merge(evaluate([diary]))
    finally:
        verdicts.estimate_noise = _estimated
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
