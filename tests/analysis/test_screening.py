"""The health questions and which answers need a clinician (analysis.screening, pure)."""

import pytest

from dietplanner.analysis import screening as intake
from tests.conftest import CLEAR_ANSWERS


def answers(**changes) -> dict[str, str]:
    return {**CLEAR_ANSWERS, **changes}


def test_clear_answers_let_any_diet_start():
    assessment = intake.assess(answers(), removes_gluten=True)

    assert assessment.clear
    assert assessment.concerns == ()
    assert assessment.advice == ""


@pytest.mark.parametrize(
    "question",
    [
        q.slug
        for q in intake.QUESTIONS
        if q.section != "scoff" or q.slug == "low_weight"
        if not q.gluten_only
    ],
)
def test_each_worrying_answer_alone_needs_a_clinician(question):
    assessment = intake.assess(answers(**{question: "yes"}), removes_gluten=False)

    assert not assessment.clear
    assert [c.questions for c in assessment.concerns] == [(question,)]
    assert assessment.concerns[0].reason == intake.QUESTIONS_BY_SLUG[question].reason


def test_one_scoff_yes_is_below_the_validated_cut_off():
    assert intake.assess(answers(scoff_food="yes"), removes_gluten=False).clear


def test_two_scoff_yes_answers_point_to_an_eating_disorder_risk():
    assessment = intake.assess(answers(scoff_food="yes", scoff_fat="yes"), removes_gluten=False)

    assert [c.questions for c in assessment.concerns] == [("scoff_fat", "scoff_food")]
    assert assessment.concerns[0].reason == intake.SCOFF_REASON
    assert assessment.advice == intake.ADVICE[intake.ASK_DIETITIAN]


@pytest.mark.parametrize("answer", ["no", "not_sure"])
def test_no_coeliac_test_matters_only_for_a_diet_without_gluten(answer):
    given = answers(coeliac_tested=answer)

    assert intake.assess(given, removes_gluten=False).clear
    gluten_free = intake.assess(given, removes_gluten=True)
    assert [c.questions for c in gluten_free.concerns] == [("coeliac_tested",)]
    assert gluten_free.advice == intake.ADVICE[intake.SEE_DOCTOR]


def test_two_alarm_signs_share_one_sentence_and_say_see_a_doctor():
    assessment = intake.assess(
        answers(blood_in_stools="yes", night_symptoms="yes", pregnant_or_breastfeeding="yes"),
        removes_gluten=False,
    )

    assert [c.questions for c in assessment.concerns] == [
        ("pregnant_or_breastfeeding",),
        ("blood_in_stools", "night_symptoms"),
    ]
    assert assessment.advice == intake.ADVICE[intake.SEE_DOCTOR]
    assert assessment.worrying_questions == {
        "pregnant_or_breastfeeding",
        "blood_in_stools",
        "night_symptoms",
    }


def test_a_missing_answer_is_never_read_as_no():
    given = answers()
    del given["anaemia"]

    assessment = intake.assess(given, removes_gluten=False)

    assert not assessment.clear
    assert assessment.missing == ("anaemia",)


def test_answer_errors_name_missing_unknown_and_invented_answers():
    given = answers(anaemia="maybe", shoe_size="no")
    del given["under_18"]

    assert intake.answer_errors(given) == [
        "under_18: required",
        "anaemia: unknown answer 'maybe'",
        "shoe_size: unknown question",
    ]
    assert intake.answer_errors(answers()) == []


def test_gluten_is_left_out_by_diets_that_remove_gluten_or_wheat():
    assert intake.removes_gluten(["dairy", "wheat"])
    assert intake.removes_gluten(["gluten"])
    assert not intake.removes_gluten(["lactose", "fructans_wheat"])


def test_every_question_is_required_and_has_a_reason_when_it_can_worry():
    for question in intake.QUESTIONS:
        assert question.text.endswith("?")
        assert question.worrying <= set(dict(question.choices))
        if question.section != "scoff" or question.slug == "low_weight":
            assert question.reason
