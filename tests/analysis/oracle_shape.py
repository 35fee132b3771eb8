"""How much does not knowing a reaction's timing cost? A diagnostic, not a test.

Runs the analysis with each challenge given its one true reaction shape (the simulator's delay
and lingering, which the real method never knows) instead of searching six shapes, and prints
the false-trigger rate on clean tolerated foods and the share of 3-point triggers called
trigger, per set of seeds, for each trigger band given (probability.TRIGGER_FROM, the
probability from which a challenge is a trigger; with one shape there is nothing to average
over). Compare with `tests.analysis.quality` at the
same false-trigger rate:

    .venv/bin/python -m tests.analysis.oracle_shape 0.4 0.5 0.6
"""

from __future__ import annotations

import sys

from dietplanner.analysis import decide, probability, windows

from .quality import Tally, evaluate
from .simulator import simulate_cohort

TUNING_SEEDS = (tuple(range(400, 408)), tuple(range(500, 508)))
_true_shape: dict[tuple[str, int], tuple[int, int]] = {}
_searched = windows.ChallengeWindow.templates


def _one_true_shape(self: windows.ChallengeWindow):
    key = (self.challenge.food_group, self.first)
    if self.blinded or key not in _true_shape:
        return _searched(self)
    delay, linger = _true_shape[key]
    doses = [(day - self.first, f) for day, f in self.fractions]
    shape = windows._spread(doses, self.end - self.first + 1, delay, linger)
    return [(f"d{delay}l{linger}", shape)]


def measure(seeds, bar: float) -> Tally:
    saved = probability.TRIGGER_FROM, decide.EFFECTIVE_SHAPES
    probability.TRIGGER_FROM = bar
    decide.EFFECTIVE_SHAPES = 1.0
    windows.ChallengeWindow.templates = _one_true_shape
    pooled = Tally()
    try:
        for seed in seeds:
            diaries = simulate_cohort(seed, 50)
            _true_shape.clear()
            for diary in diaries:
                for challenge, truth in zip(diary.program.challenges, diary.truths, strict=True):
                    key = (challenge.food_group, challenge.started_on.toordinal())
                    _true_shape[key] = (truth.delay, truth.linger)
            pooled.merge(evaluate(diaries))
    finally:
        windows.ChallengeWindow.templates = _searched
        probability.TRIGGER_FROM, decide.EFFECTIVE_SHAPES = saved
    return pooled


if __name__ == "__main__":
    bars = [float(a) for a in sys.argv[1:]] or [probability.TRIGGER_FROM]
    for seeds in TUNING_SEEDS:
        for bar in bars:
            t = measure(seeds, bar)
            print(
                f"seeds {seeds[0]}-{seeds[-1]}, bar {bar}: clean tolerated called trigger "
                f"{t.rate('clean_tolerated_called_trigger'):.1%}, 3-point triggers called trigger "
                f"{t.rate('trigger_3pt_called_trigger'):.1%} "
                f"(clean windows {t.rate('clean_trigger_3pt_called_trigger'):.1%})"
            )
