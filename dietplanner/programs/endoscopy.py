"""Diets judged by endoscopy (the six-food, eosinophilic-oesophagitis pathway).

Symptom scores correlate poorly with what an endoscopy shows, so such a diet's challenges get
no automatic verdict: each reads "To be assessed at your next endoscopy", with the symptom
reading kept as context, until the linked dietitian records what the endoscopy showed. That
outcome then becomes the group's result for the patient and for the long-term plan.

    verdict, detail = endoscopy_reading(detail, outcome)   # for the verdict cache
    judged_by_endoscopy(challenge.verdict_detail)           # pages: context, not the result

Recording an outcome: `endoscopy_services.endoscopy_record`.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ObjectDoesNotExist

from .models import Challenge, EndoscopyOutcome

PENDING = Challenge.Verdict.ENDOSCOPY.value
Outcome = EndoscopyOutcome.Outcome
# The group's result once the endoscopy has spoken; "not assessed" leaves it pending.
OUTCOME_VERDICT = {
    Outcome.REMISSION_KEPT: Challenge.Verdict.TOLERATED.value,
    Outcome.REACTION_FOUND: Challenge.Verdict.TRIGGER.value,
}
OUTCOME_LABEL = {
    Outcome.REMISSION_KEPT: "No reaction at endoscopy",
    Outcome.REACTION_FOUND: "Reaction found at endoscopy",
}
PENDING_SUMMARY = (
    "Your symptom scores below are context for your dietitian and specialist: on this diet, "
    "symptoms alone cannot show how your food pipe took the food."
)


def judged_by_endoscopy(detail: dict | None) -> bool:
    """Whether a cached reading (`Challenge.verdict_detail`) is one judged by endoscopy."""
    return bool(detail) and "symptom_verdict" in detail


def outcome_sentence(detail: dict | None) -> str:
    """What the recorded endoscopy showed, in a sentence ("" while none is recorded)."""
    recorded = (detail or {}).get("endoscopy") or {}
    if not recorded.get("label"):
        return ""
    on = date.fromisoformat(recorded["on"]) if recorded.get("on") else None
    when = f" on {on.day} {on:%B %Y}" if on else ""
    what = {
        Outcome.REMISSION_KEPT: "showed no reaction: this food can stay in the diet",
        Outcome.REACTION_FOUND: "showed a reaction: keep this food out",
    }[recorded["outcome"]]
    note = f" Note: {recorded['note']}" if recorded.get("note") else ""
    return f"The endoscopy{when} {what}.{note}"


def outcome_of(challenge: Challenge) -> EndoscopyOutcome | None:
    """The challenge's recorded outcome (no query when loaded with select_related)."""
    try:
        return challenge.endoscopy
    except ObjectDoesNotExist:
        return None


def endoscopy_reading(detail: dict, outcome: EndoscopyOutcome | None) -> tuple[str, dict]:
    """The verdict column and detail of a challenge judged by endoscopy.

    `detail` is the symptom reading (`ChallengeResult.to_dict()`): it stays as context, its
    verdict moved to `symptom_verdict` and its chance of a trigger dropped, so no page or
    export can present it as the result.
    """
    decided = outcome is not None and outcome.outcome in OUTCOME_VERDICT
    verdict = OUTCOME_VERDICT[outcome.outcome] if decided else PENDING
    recorded = None
    if outcome is not None:
        recorded = {
            "outcome": outcome.outcome,
            "label": OUTCOME_LABEL.get(outcome.outcome, ""),
            "on": outcome.endoscopy_on.isoformat() if outcome.endoscopy_on else None,
            "note": outcome.note,
            "recorded_by": outcome.recorded_by_name,
            "recorded_at": outcome.recorded_at.isoformat(),
        }
    reading = {
        **detail,
        "verdict": verdict,
        "symptom_verdict": detail.get("verdict"),
        "probability": None,
        "endoscopy": recorded,
    }
    return verdict, reading
