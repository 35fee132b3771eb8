"""Reasons in plain words for a tired patient: short sentences, whole numbers of days, one
decimal for levels, dates as "14 Feb". English only for now; every sentence is built here so a
translation layer has one place to hook in: the words here, the reasons for one challenge in
`reasons`, a blinded re-challenge's in `blinded.paired_reasons`."""

from __future__ import annotations

from datetime import date

from .daybook import AFTER_PREFIX, ATE_PREFIX
from .results import NO_DATA, rise_kind

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

SYMPTOM_NAMES = {
    "pain": "Pain",
    "fatigue": "Fatigue",
    "sleep": "Sleep trouble",
    "brain_fog": "Brain fog",
    "stiffness": "Stiffness",
    "headache": "Headache",
    "bloating": "Bloating",
    "abdominal_pain": "Tummy pain",
    "bowel": "Bowel trouble",
    "nausea": "Nausea",
    "mood": "Low mood",
    "skin": "Skin trouble",
}

# Five letters at most, for a column of numbers (the PDF's daily appendix), with its key.
SYMPTOM_CODES = {
    "pain": "Pain",
    "fatigue": "Fatig",
    "sleep": "Sleep",
    "brain_fog": "Fog",
    "stiffness": "Stiff",
    "headache": "Head",
    "bloating": "Bloat",
    "abdominal_pain": "Tummy",
    "bowel": "Bowel",
    "nausea": "Naus",
    "mood": "Mood",
    "skin": "Skin",
}

CONFOUNDER_WORDS = {
    "illness": "ill",
    "poor_sleep": "poor sleep",
    "stress": "stress",
    "menstruation": "period",
    "medication_change": "medication change",
    "travel": "travel",
    "other": "other upset",
}

# The one threshold, in words (`results.rise_kind`).
MEANINGFUL_RULE = (
    "a clear rise is 2 points, or 30% of your usual level when that is less (never under 1.5 "
    "points), and more than your usual ups and downs"
)
RISE_WORDS = {
    "clear": "a clear rise",
    "uncertain": "a rise within your usual ups and downs",
    "small": "a small rise",
    "none": "no meaningful rise",
}
FINDING_WORDS = {NO_DATA: "not enough data"}


def rise_words(change: float, level: float, strength: float | None) -> str:
    """'a clear rise', 'a small rise'...: the one threshold (MEANINGFUL_RULE) in words."""
    return RISE_WORDS[rise_kind(change, level, strength)]


def finding_words(symptom: dict) -> str:
    """A symptom's finding (`SymptomEvidence.to_dict()`) in words, from its numbers."""
    change, level = symptom.get("change"), symptom.get("reference_level")
    if symptom.get("finding") == NO_DATA or change is None or level is None:
        return FINDING_WORDS[NO_DATA]
    words = rise_words(change, level, symptom.get("strength"))
    return words.removeprefix("a ")


def chance_words(probability: float) -> str:
    """How sure, in words a tired reader takes at face value: "about 9 in 10 foods with
    results like this are real triggers for the person". The only way the app words a
    probability: never a bare number."""
    return f"{chance_share(probability)} {CHANCE_TAIL}"


CHANCE_TAIL = "foods with results like this are real triggers for the person"


def chance_share(probability: float) -> str:
    """The share part of `chance_words` ("about 9 in 10"), for a table whose header says the
    rest (CHANCE_TAIL)."""
    if probability < 0.05:
        return "fewer than 1 in 20"
    if probability > 0.95:
        return "more than 19 in 20"
    tenths = max(1, min(9, round(probability * 10)))
    return f"about {tenths} in 10"


def day_text(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"


def symptom_name(slug: str) -> str:
    return SYMPTOM_NAMES.get(slug, slug.replace("_", " ").capitalize())


def group_text(slug: str) -> str:
    return slug.replace("_", " ")


def why_text(why: tuple[str, ...]) -> str:
    words = []
    for w in why:
        if w.startswith(ATE_PREFIX):
            words.append(f"ate {group_text(w[len(ATE_PREFIX) :])}")
        elif w.startswith(AFTER_PREFIX):
            words.append(f"after eating {group_text(w[len(AFTER_PREFIX) :])}")
        else:
            words.append(CONFOUNDER_WORDS.get(w, w.replace("_", " ")))
    return ", ".join(words)
