"""The health questions asked before a diet starts, and which answers need a clinician first.

One home for the intake (issue 10, docs/safety.md): the wizard's form, the dietitian's report,
the diary export and its schema all read the questions and answers from here.

    assessment = assess(answers, removes_gluten=True)
    assessment.clear        # False: a home program does not start
    assessment.concerns     # why, in one sentence each, and what to do

A restrictive diet can harm children, pregnancy, people at risk of an eating disorder and
people with a food allergy, and it can hide coeliac disease or a bowel illness that needs a
doctor. The answers that point there are listed as data below, not spread through the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

YES, NO, NOT_SURE = "yes", "no", "not_sure"
YES_NO: tuple[tuple[str, str], ...] = ((YES, "Yes"), (NO, "No"))

# What the patient is told to do; the strongest advice of all concerns is shown first.
SEE_DOCTOR = "see_doctor"
ASK_DIETITIAN = "ask_dietitian"
ADVICE: dict[str, str] = {
    SEE_DOCTOR: "Please see your doctor before you start a diet.",
    ASK_DIETITIAN: "Please talk to your dietitian before you start a diet.",
}

# SCOFF: two or more "yes" answers of its five questions point to a possible eating disorder
# (Morgan, Reid & Lacey, BMJ 1999; the validated cut-off).
SCOFF_THRESHOLD = 2

# Food groups whose removal takes gluten out of the diet: a coeliac test done after leaving
# them out can be falsely negative (NICE NG20 1.1.3).
GLUTEN_GROUPS: frozenset[str] = frozenset({"gluten", "wheat"})


@dataclass(frozen=True, slots=True)
class Question:
    """One question. `worrying` lists the answers that need a clinician; `reason` says why.

    A question in the `scoff` section counts towards the SCOFF score instead of raising a
    concern alone. `gluten_only` questions raise a concern only for a diet without gluten.
    """

    slug: str
    section: str
    text: str
    worrying: frozenset[str] = frozenset({YES})
    reason: str = ""
    advice: str = ASK_DIETITIAN
    choices: tuple[tuple[str, str], ...] = YES_NO
    help: str = ""
    gluten_only: bool = False

    def label_of(self, answer: str) -> str:
        return dict(self.choices).get(answer, "Not answered")


SECTIONS: tuple[tuple[str, str], ...] = (
    ("about_you", "About you"),
    ("scoff", "Eating and weight"),
    ("allergy", "Allergy"),
    ("coeliac", "Coeliac disease"),
    ("alarm", "Signs to check with a doctor"),
)

_ALARM = "This can be a sign of an illness a doctor should check before you change your diet."
_ALLERGY = (
    "This can mean a food allergy, and bringing a food back at home after leaving it out "
    "could cause a serious reaction."
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        "under_18",
        "about_you",
        "Are you under 18?",
        reason="A child's diet must support growth, so a doctor or dietitian plans it.",
    ),
    Question(
        "pregnant_or_breastfeeding",
        "about_you",
        "Are you pregnant or breastfeeding?",
        reason="A strict diet in pregnancy or while breastfeeding can leave you or your baby "
        "short of nutrients.",
    ),
    Question(
        "scoff_sick",
        "scoff",
        "Do you make yourself sick because you feel uncomfortably full?",
    ),
    Question(
        "scoff_control",
        "scoff",
        "Do you worry that you have lost control over how much you eat?",
    ),
    Question(
        "scoff_one_stone",
        "scoff",
        "Have you recently lost more than 6 kg (one stone) in three months?",
    ),
    Question(
        "scoff_fat",
        "scoff",
        "Do you believe yourself to be fat when others say you are too thin?",
    ),
    Question(
        "scoff_food",
        "scoff",
        "Would you say that food dominates your life?",
    ),
    Question(
        "low_weight",
        "scoff",
        "Is your weight low, or has a doctor or nurse said it is too low?",
        reason="Leaving foods out when your weight is low can make you lose more.",
    ),
    Question(
        "reaction_after_food",
        "allergy",
        "Have you ever had hives, swelling of the lips, tongue or throat, wheeze, or felt "
        "faint soon after eating?",
        reason=_ALLERGY,
        advice=SEE_DOCTOR,
    ),
    Question(
        "known_food_allergy",
        "allergy",
        "Has a doctor told you that you have a food allergy?",
        reason=_ALLERGY,
    ),
    Question(
        "eosinophilic_oesophagitis",
        "allergy",
        "Have you been told you have eosinophilic oesophagitis (EoE)?",
        help="A condition of the food pipe, found with a camera test (endoscopy).",
        reason="Diets for eosinophilic oesophagitis are checked by endoscopy, so your "
        "dietitian and specialist run them with you.",
    ),
    Question(
        "eczema_child",
        "allergy",
        "Is the diet for a child with eczema, or did you have eczema as a young child?",
        reason="Leaving foods out with eczema in childhood can make a food allergy more "
        "likely, so an allergy doctor or dietitian should guide it.",
    ),
    Question(
        "coeliac_tested",
        "coeliac",
        "Have you been tested for coeliac disease while eating gluten?",
        help="This matters for diets that leave out gluten or wheat: a test done after leaving "
        "gluten out can miss coeliac disease.",
        choices=((YES, "Yes"), (NO, "No"), (NOT_SURE, "I am not sure")),
        worrying=frozenset({NO, NOT_SURE}),
        reason="Leaving out gluten before a coeliac test can make the test wrongly normal, so "
        "get tested first while you still eat gluten.",
        advice=SEE_DOCTOR,
        gluten_only=True,
    ),
    Question(
        "blood_in_stools",
        "alarm",
        "Have you seen blood in your stools (poo)?",
        reason=_ALARM,
        advice=SEE_DOCTOR,
    ),
    Question(
        "weight_loss",
        "alarm",
        "Have you lost weight without trying?",
        reason=_ALARM,
        advice=SEE_DOCTOR,
    ),
    Question(
        "anaemia",
        "alarm",
        "Have you been told you have anaemia (low iron or a low blood count)?",
        reason=_ALARM,
        advice=SEE_DOCTOR,
    ),
    Question(
        "new_after_50",
        "alarm",
        "Did your bowel symptoms start after the age of 50?",
        reason=_ALARM,
        advice=SEE_DOCTOR,
    ),
    Question(
        "family_history",
        "alarm",
        "Has a parent, brother, sister or child had bowel cancer or coeliac disease?",
        reason=_ALARM,
        advice=SEE_DOCTOR,
    ),
    Question(
        "night_symptoms",
        "alarm",
        "Do your symptoms wake you up at night?",
        reason=_ALARM,
        advice=SEE_DOCTOR,
    ),
)
QUESTIONS_BY_SLUG: dict[str, Question] = {q.slug: q for q in QUESTIONS}
SCOFF_QUESTIONS: tuple[str, ...] = tuple(q.slug for q in QUESTIONS if q.slug.startswith("scoff_"))
SCOFF_REASON = (
    "Your answers about eating and weight suggest that a strict diet could harm you, so it "
    "needs a clinician's support."
)


@dataclass(frozen=True, slots=True)
class Concern:
    """One reason a home program does not start: the questions behind it, why, what to do."""

    questions: tuple[str, ...]
    reason: str
    advice: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome of an intake: clear, or the concerns that need a clinician first."""

    concerns: tuple[Concern, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def clear(self) -> bool:
        return not self.concerns and not self.missing

    @property
    def advice(self) -> str:
        """The strongest advice among the concerns ("see a doctor" before "ask a dietitian")."""
        kinds = {c.advice for c in self.concerns}
        return ADVICE[SEE_DOCTOR if SEE_DOCTOR in kinds else ASK_DIETITIAN] if kinds else ""

    @property
    def worrying_questions(self) -> frozenset[str]:
        return frozenset(slug for c in self.concerns for slug in c.questions)


def answer_errors(answers: Mapping[str, object]) -> list[str]:
    """Why these answers are incomplete or unknown, as "question: reason" (empty when fine)."""
    errors = []
    for question in QUESTIONS:
        answer = answers.get(question.slug)
        if answer is None:
            errors.append(f"{question.slug}: required")
        elif answer not in dict(question.choices):
            errors.append(f"{question.slug}: unknown answer {answer!r}")
    errors.extend(f"{slug}: unknown question" for slug in answers if slug not in QUESTIONS_BY_SLUG)
    return errors


def assess(answers: Mapping[str, str], *, removes_gluten: bool) -> Assessment:
    """Decide whether these answers let a home program start, and if not, why.

    `removes_gluten` says whether the diet leaves out gluten (see `GLUTEN_GROUPS`); the coeliac
    question matters only then. A missing answer is never read as "no": it makes the outcome
    not clear. Concerns come in question order, one per shared reason.
    """
    missing = tuple(q.slug for q in QUESTIONS if answers.get(q.slug) not in dict(q.choices))
    scoff_yes = tuple(s for s in SCOFF_QUESTIONS if answers.get(s) == YES)
    concerns: list[Concern] = []
    by_reason: dict[str, list[str]] = {}
    for question in QUESTIONS:
        if question.slug in SCOFF_QUESTIONS:
            if question.slug == SCOFF_QUESTIONS[-1] and len(scoff_yes) >= SCOFF_THRESHOLD:
                concerns.append(Concern(scoff_yes, SCOFF_REASON, ASK_DIETITIAN))
            continue
        if question.gluten_only and not removes_gluten:
            continue
        if answers.get(question.slug) not in question.worrying:
            continue
        if question.reason in by_reason:  # e.g. two alarm signs: one sentence, both questions
            by_reason[question.reason].append(question.slug)
            continue
        by_reason[question.reason] = [question.slug]
        concerns.append(Concern((), question.reason, question.advice))
    concerns = [
        c if c.questions else Concern(tuple(by_reason[c.reason]), c.reason, c.advice)
        for c in concerns
    ]
    return Assessment(concerns=tuple(concerns), missing=missing)


def removes_gluten(group_slugs) -> bool:
    """Whether a diet leaving out these food groups leaves out gluten."""
    return not GLUTEN_GROUPS.isdisjoint(group_slugs)
