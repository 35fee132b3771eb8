"""The chance that a food is a trigger, its bands, and the words that carry it."""

import math
from dataclasses import replace

import pytest

from dietplanner.analysis import probability
from dietplanner.analysis.probability import POSSIBLE_FROM, TRIGGER_FROM, band, posterior
from dietplanner.analysis.results import meaningful_change, rise_kind
from dietplanner.analysis.verdicts import analyze_program
from dietplanner.analysis.wording import chance_words, rise_words

from .builders import challenge, diary, reaction

CALM = 3


def only(program, entries, **kwargs):
    (result,) = analyze_program(program, entries, **kwargs)
    return result


def test_with_no_evidence_the_probability_is_the_prior():
    assert posterior(0.0, 0.2) == pytest.approx(0.2)
    assert posterior(0.0, 0.4) == pytest.approx(0.4)


def test_evidence_moves_the_odds_by_its_likelihood_ratio():
    # Odds 1:4 times a likelihood ratio of 4 gives even odds.
    assert posterior(math.log(4.0), 0.2) == pytest.approx(0.5)
    assert posterior(-50.0, 0.2) > 0.0 and posterior(50.0, 0.2) < 1.0 + 1e-12


@pytest.mark.parametrize("prior", [0.0, 1.0, -0.1, 1.5])
def test_a_prior_of_0_or_1_or_outside_is_refused(prior):
    with pytest.raises(ValueError):
        posterior(0.0, prior)


def test_a_trigger_needs_the_band_and_a_meaningful_rise():
    assert band(TRIGGER_FROM, meaningful=True) == "trigger"
    assert band(0.99, meaningful=False) == "possible"
    assert band(TRIGGER_FROM - 0.01, meaningful=True) == "possible"


def test_below_the_possible_band_is_tolerated_and_too_little_data_is_inconclusive():
    assert band(POSSIBLE_FROM, meaningful=False) == "possible"
    assert band(POSSIBLE_FROM - 0.01, meaningful=False) == "tolerated"
    assert band(0.4, meaningful=False, too_little_data=True) == "inconclusive"
    assert band(0.9, meaningful=True, too_little_data=True) == "trigger"


def test_a_stop_for_a_reaction_is_never_read_as_tolerated():
    assert band(0.01, meaningful=False, stopped_for_reaction=True) == "possible"


def test_the_band_edges_give_each_label_its_meaning():
    # Likely trigger: more likely than not; possible: at least a 1 in 4 chance.
    assert TRIGGER_FROM == 0.5
    assert 0.2 <= POSSIBLE_FROM <= 0.3


def test_a_larger_bayes_factor_never_lowers_the_probability():
    base = [0.0] * len(probability.FEATURES)
    lrs = []
    for log_bayes in (-8.0, -2.0, 0.0, 2.0, 6.0, 12.0):
        values = list(base)
        values[0], values[1] = max(log_bayes, 0.0), min(log_bayes, 0.0)
        lrs.append(probability.log_likelihood_ratio(tuple(values)))
    assert lrs == sorted(lrs)


def test_a_clear_reaction_is_very_likely_a_trigger_and_calm_days_very_unlikely():
    program, entries = diary([challenge("dairy", 30)], rise=reaction(30, "pain", 3.5), seed=CALM)
    reacting = only(program, entries)
    program, entries = diary([challenge("dairy", 30)], seed=CALM)
    calm = only(program, entries)
    assert reacting.verdict == "trigger" and reacting.probability >= 0.9
    assert calm.verdict == "tolerated" and calm.probability < POSSIBLE_FROM
    assert reacting.to_dict()["probability"] == round(reacting.probability, 3)
    assert reacting.to_dict()["prior"] == probability.PRIOR


def test_the_same_diary_reads_likelier_with_a_larger_prior():
    program, entries = diary([challenge("dairy", 30)], rise=reaction(30, "pain", 2.5), seed=CALM)
    low = only(program, entries, prior=0.1)
    high = only(program, entries, prior=0.5)
    assert low.log_lr == pytest.approx(high.log_lr)
    assert low.probability < high.probability
    assert low.probability_at(0.5) == pytest.approx(high.probability)


@pytest.mark.parametrize(
    ("probability", "words"),
    [
        (0.93, "about 9 in 10 foods with results like this are real triggers for the person"),
        (0.5, "about 5 in 10 foods"),
        (0.11, "about 1 in 10 foods"),
        (0.02, "fewer than 1 in 20 foods"),
        (0.99, "more than 19 in 20 foods"),
    ],
)
def test_how_sure_is_said_in_plain_words_never_as_a_bare_number(probability, words):
    text = chance_words(probability)
    assert text.startswith(words)
    assert str(probability) not in text


def test_one_threshold_defines_a_clear_and_a_small_rise():
    # At a usual level of 8 a clear rise is 2 points; at 5, 30% of it (1.5).
    assert meaningful_change(8.0) == 2.0
    assert rise_kind(2.0, 8.0, 3.0) == "clear"
    assert rise_kind(1.7, 8.0, 3.0) == "small"  # +1.7 is no clear rise when 2 points are due
    assert rise_kind(1.7, 5.0, 3.0) == "clear"  # 30% of 5 is 1.5
    assert rise_kind(2.5, 4.0, 1.0) == "uncertain"  # big enough, within the usual wobble
    assert rise_kind(0.8, 4.0, 3.0) == "none"
    assert rise_words(1.7, 8.0, 3.0) == "a small rise"
    assert rise_words(2.5, 4.0, 1.0) == "a rise within your usual ups and downs"


def test_a_staple_trigger_and_any_possible_suggest_a_blinded_re_challenge():
    rise = reaction(30, "pain", 3.5)
    program, entries = diary([challenge("dairy", 30)], rise=rise, seed=CALM)
    dairy = only(program, entries)
    program, entries = diary([challenge("citrus", 30)], rise=rise, seed=CALM)
    citrus = only(program, entries)
    assert dairy.verdict == citrus.verdict == "trigger"
    assert any("ask your dietitian about a blinded re-challenge" in r for r in dairy.reasons)
    assert any("Before leaving dairy out for the long term" in r for r in dairy.reasons)
    assert not any("blinded re-challenge" in r for r in citrus.reasons)
    assert "That can be the food, but also chance or expecting a reaction." in citrus.reasons


def test_a_possible_trigger_says_it_may_be_chance_and_suggests_a_blinded_re_challenge():
    program, entries = diary(
        [challenge("eggs", 30)], rise=reaction(30, "pain", 2.5), seed=3, sd=1.1
    )
    result = only(program, entries)
    assert result.verdict == "possible"
    assert POSSIBLE_FROM <= result.probability < TRIGGER_FROM
    assert "That can be the food, but also chance or expecting a reaction." in result.reasons
    assert any("Before leaving eggs out for the long term" in r for r in result.reasons)
    assert not any("rose clearly" in r or "caused" in r for r in result.reasons)


def test_the_prior_is_the_stated_share_for_the_protocol():
    assert probability.prior_for("low-fodmap") == 0.15
    assert probability.prior_for("anti-inflammatory") == probability.PRIOR == 0.2
    assert probability.prior_for(None) == 0.2
    program, entries = diary([challenge("lactose", 30)], seed=CALM)
    low_fodmap = only(replace(program, protocol="low-fodmap"), entries)
    assert low_fodmap.prior == 0.15
    assert only(program, entries).prior == 0.2


def test_the_log_likelihood_ratio_is_the_intercept_plus_the_weighted_features_in_order():
    values = (2.5, -1.25, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0)
    intercept, *weights = probability.WEIGHTS
    total = 0
    for w, x in zip(weights, values, strict=True):
        total += w * x
    assert probability.log_likelihood_ratio(values) == intercept + total  # to the last bit


@pytest.mark.parametrize("count", [7, 9])
def test_a_log_likelihood_ratio_of_the_wrong_number_of_features_is_refused(count):
    with pytest.raises(ValueError):
        probability.log_likelihood_ratio((1.0,) * count)
