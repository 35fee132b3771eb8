"""Fit the constants of `analysis.probability` on the tuning seeds. A tool, not a test.

    .venv/bin/python -m tests.analysis.fit_probability

Reads every challenge of the tuning seeds (400-407, 500-507; the simulator's share of trigger
groups, 0.4, as the prior), and fits by logistic regression (Platt scaling) the log likelihood
ratio of "trigger" against "not a trigger" from the evidence the analysis computes
(`probability.FEATURES`), with the prior log odds as a fixed offset. Prints the constants to
freeze in `analysis/probability.py`; the held-out seeds are checked by `tests.analysis.calibration`.
"""

from __future__ import annotations

import math
import sys

from dietplanner.analysis import decide, probability, verdicts

from .simulator import simulate_cohort

TUNING_SEEDS = tuple(range(400, 408)) + tuple(range(500, 508))
SHARE = 0.4
PATIENTS = 50


def rows(seeds, share=SHARE):
    captured = {}
    original = verdicts.result

    def keep(reading, prior):
        captured[reading.cw.index] = decide.features(reading)
        return original(reading, prior)

    verdicts.result = keep
    try:
        out = []
        for seed in seeds:
            for diary in simulate_cohort(seed, PATIENTS, trigger_share=share):
                captured.clear()
                verdicts.analyze_program(diary.program, diary.entries, prior=share)
                for index, truth in enumerate(diary.truths):
                    if index in captured:
                        out.append((captured[index], truth.trigger))
        return out
    finally:
        verdicts.result = original


def fit(data, offset, ridge=1e-3, steps=50):
    k = len(data[0][0]) + 1
    w = [0.0] * k
    for _ in range(steps):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y in data:
            xs = (1.0, *x)
            eta = offset + sum(a * b for a, b in zip(w, xs, strict=True))
            p = 1.0 / (1.0 + math.exp(-eta))
            for i in range(k):
                grad[i] += (y - p) * xs[i]
                for j in range(k):
                    hess[i][j] += p * (1 - p) * xs[i] * xs[j]
        for i in range(k):
            grad[i] -= ridge * w[i]
            hess[i][i] += ridge
        step = _solve(hess, grad)
        w = [a + b for a, b in zip(w, step, strict=True)]
        if max(abs(b) for b in step) < 1e-9:
            break
    return w


def _solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


if __name__ == "__main__":
    seeds = tuple(int(a) for a in sys.argv[1:]) or TUNING_SEEDS
    data = rows(seeds)
    offset = math.log(SHARE / (1 - SHARE))
    w = fit(data, offset)
    print("features:", probability.FEATURES)
    print("weights:", [round(v, 4) for v in w])
