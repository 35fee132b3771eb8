"""The vocabulary is defined once (`analysis.vocabulary`): the app's choices are built from it."""

from dietplanner.analysis import diary, vocabulary
from dietplanner.analysis.vocabulary import ChallengeStatus, Verdict
from dietplanner.programs.models import Challenge


def test_the_stored_challenge_statuses_are_the_vocabulary_s():
    assert set(Challenge.Status.values) == set(ChallengeStatus)
    assert diary.CHALLENGE_STATUSES == vocabulary.CHALLENGE_STATUSES == tuple(ChallengeStatus)


def test_the_stored_verdicts_are_the_vocabulary_s_plus_the_endoscopy_one():
    assert set(Challenge.Verdict.values) == set(Verdict) | {Challenge.Verdict.ENDOSCOPY}


def test_a_verdict_is_its_plain_slug():
    assert Verdict.TRIGGER == "trigger" and f"{Verdict.TRIGGER}" == "trigger"
    assert vocabulary.VERDICTS == ("trigger", "possible", "tolerated", "inconclusive")
