"""The chance that a challenged food is a trigger for this patient, and the verdict it implies.

    p = posterior(log_lr, prior)

`log_lr` is the calibrated log likelihood ratio of "this food is a trigger" against "it is
not", from the evidence the analysis already computes (`decide.features`): the log Bayes
factor of a 3-point reaction against none, whether a symptom rose by the meaningful change on
its own, the smaller rises, a one-day spike, a stop for a reaction. Its weights were fitted by
logistic regression (Platt scaling) on the tuning seeds of the simulator only, with the
simulator's share of triggers as the prior (`tests/analysis/fit_probability.py`), and frozen
here; the held-out seeds check them (`tests/analysis/calibration.py`, docs/analysis.md).

The prior is the share of tested food groups that turn out to be triggers (`PRIOR`, with its
source in docs/analysis.md); the verdict is a band of the posterior (`band`).
"""

from __future__ import annotations

import math
from operator import mul

from .vocabulary import Verdict

# The share of tested groups that turn out to be triggers, before the diary is read (sources in
# docs/analysis.md, "The prior"). Low-FODMAP: a blinded, placebo-controlled reintroduction of
# six FODMAP powders (Van den Houte et al., Gastroenterology 2024) found each powder called a
# trigger in 37% of patients on average and the glucose control in 26%: about 15% beyond what
# the control gives. No study fits the other protocols: 0.2.
PRIOR = 0.2
PRIORS = {"low-fodmap": 0.15}


def prior_for(protocol: str | None) -> float:
    """The stated prior for a protocol slug (PRIOR when no published figure fits)."""
    return PRIORS.get(protocol or "", PRIOR)


FEATURES = (
    "log_bayes_up",  # the log Bayes factor of a reaction against none, when above 0 (capped)
    "log_bayes_down",  # ... when below 0 (capped)
    "meaningful",  # a symptom rose on its own by the meaningful change (named in a trigger)
    "small",  # a steady rise of a point or more, beyond chance over symptoms x shapes
    "uncertain",  # a rise of 1.2 points or more, less certain
    "one_day",  # a one-day spike of 3 points or more
    "stop_confirmed",  # stopped for a reaction, and a clean day shows it
    "stop_unconfirmed",  # stopped for a reaction the diary does not show
)
LOG_BAYES_CAP = (-8.0, 12.0)
# Fitted on seeds 400-407 and 500-507 (3020 + 3000 challenges), intercept first.
WEIGHTS = (-0.247, 0.3568, 0.7175, 0.3695, 0.027, -0.1942, -0.3204, 4.6, 1.6)

# The verdict bands (`band`), chosen on the tuning seeds so that each label means what it says:
# `trigger` more likely than not; `possible` from a 1 in 4 chance, so that about 2 in 5 of
# them are real triggers; below it `tolerated`, which then hides a trigger about 1 time in 20
# at the simulator's share of triggers (0.4) and 1 in 25 at 0.2.
TRIGGER_FROM = 0.5
POSSIBLE_FROM = 0.25


_INTERCEPT, _SLOPES = WEIGHTS[0], WEIGHTS[1:]


def log_likelihood_ratio(values: tuple[float, ...]) -> float:
    """The calibrated log likelihood ratio of trigger against not, from `decide.features`."""
    if len(values) != len(_SLOPES):
        raise ValueError(f"{len(_SLOPES)} features expected, got {len(values)}")
    return _INTERCEPT + sum(map(mul, _SLOPES, values))


def posterior(log_lr: float, prior: float = PRIOR) -> float:
    """The chance of a trigger given the evidence (`log_lr`) and the share `prior` (0-1)."""
    if not 0.0 < prior < 1.0:
        raise ValueError("the prior must be strictly between 0 and 1")
    eta = log_lr + math.log(prior / (1.0 - prior))
    if eta >= 0:
        return 1.0 / (1.0 + math.exp(-eta))
    e = math.exp(eta)
    return e / (1.0 + e)


def band(
    probability: float,
    *,
    meaningful: bool,
    stopped_for_reaction: bool = False,
    too_little_data: bool = False,
) -> Verdict:
    """The verdict for a chance of a trigger `probability` (0-1).

    `trigger` from TRIGGER_FROM, when a symptom rose by the meaningful change (DOMAIN: a
    trigger is a clinically meaningful rise) or a stop for a reaction shows in the diary;
    `possible` from POSSIBLE_FROM, and for any stop for a reaction; `inconclusive` only when
    the diary holds too little usable data to read (the probability then stays near the
    prior); `tolerated` below POSSIBLE_FROM.
    """
    if probability >= TRIGGER_FROM and meaningful:
        return Verdict.TRIGGER
    if stopped_for_reaction:
        return Verdict.POSSIBLE
    if too_little_data:
        return Verdict.INCONCLUSIVE
    if probability >= POSSIBLE_FROM:
        return Verdict.POSSIBLE
    return Verdict.TOLERATED
