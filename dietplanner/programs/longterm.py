"""The long-term plan per food group after reintroduction: portions, not bans (pure, no Django).

Monash's step 3 (personalisation): a tolerated group comes back freely; a group that raised
symptoms comes back up to the largest portion taken without a rise, or stays out for now with a
retest date; a doubtful or untested group is tested again rather than left out for ever.
`default_advice` derives that from one group's verdict, doses and diary; the dietitian may then
change it (`GroupPlan` stores both and who changed what).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dietplanner.analysis.vocabulary import LONG_TERM_PLANS, Verdict

FREE, LIMIT, AVOID, TEST_AGAIN = LONG_TERM_PLANS
STATUSES = LONG_TERM_PLANS

RETEST_AFTER = timedelta(days=91)  # "avoid for now": retest after about 3 months
# A reaction can show on the day of a dose or the day after; a rise on day d therefore makes
# the doses of d and d - 1 suspect, as well as the last dose before it.
LATE_BY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DoseTaken:
    day: date
    step: int  # ladder rung, 1-3
    taken: bool = True  # unrecorded intake counts as taken, as in the verdicts


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """One group's reintroduction as the plan reads it.

    `verdict` is a VERDICTS slug or None (never tested); `finished` says the challenge is over
    (done, stopped or skipped) or the program has ended. `usual` is each symptom's usual level
    (the verdict's reference), `scores` the diary of the window days.
    """

    food_group: str
    verdict: str | None
    finished: bool
    last_day: date | None = None
    stopped_on: date | None = None
    red_flag: bool = False
    blinded: bool = False
    doses: tuple[DoseTaken, ...] = ()
    usual: Mapping[str, float] | None = None
    scores: Mapping[date, Mapping[str, int]] | None = None
    # A diet judged by endoscopy: `verdict` is the recorded endoscopy outcome (tolerated or
    # trigger), or "endoscopy" while it is awaited; the scores never decide.
    by_endoscopy: bool = False


@dataclass(frozen=True, slots=True)
class Advice:
    food_group: str
    status: str
    limit_step: int | None = None
    retest_on: date | None = None
    reason: str = ""
    no_home_retest: bool = False


def first_rise(
    outcome: GroupOutcome, meaningful: Callable[[float], float], *, since: date
) -> date | None:
    """The first day from `since` on which a symptom rose meaningfully over its usual level."""
    usual = outcome.usual or {}
    for day in sorted(d for d in (outcome.scores or {}) if d >= since):
        for symptom, score in outcome.scores[day].items():
            level = usual.get(symptom)
            if level is not None and score >= level + meaningful(level):
                return day
    return None


def largest_step_before(doses: tuple[DoseTaken, ...], rise: date) -> int | None:
    """The largest rung taken without a rise: before `rise`, excluding the last dose before it
    and any dose on the rise day or the day before (a late reaction)."""
    before = sorted((d for d in doses if d.taken and d.day <= rise), key=lambda d: d.day)
    if not before:
        return None
    clear = [d for d in before[:-1] if d.day < rise - LATE_BY]
    return max((d.step for d in clear), default=None)


def _endoscopy_advice(group: str, verdict: str | None) -> Advice | None:
    """The plan of a group judged by endoscopy: none until the outcome is recorded."""
    if verdict == Verdict.TOLERATED:
        return Advice(group, FREE, reason="No reaction at the endoscopy after it came back.")
    if verdict == Verdict.TRIGGER:
        return Advice(
            group,
            AVOID,
            reason="A reaction was found at the endoscopy: keep it out; the specialist "
            "decides about any retest.",
        )
    return None


def default_advice(outcome: GroupOutcome, meaningful: Callable[[float], float]) -> Advice | None:
    """The plan a group gets by default, or None while its challenge is still running."""
    group, verdict = outcome.food_group, outcome.verdict
    retest = (outcome.last_day + RETEST_AFTER) if outcome.last_day else None
    if not outcome.finished:
        return None
    if outcome.red_flag:
        return Advice(
            group,
            AVOID,
            reason="Stopped for a severe reaction: do not test it again at home; a clinician "
            "decides when and how.",
            no_home_retest=True,
        )
    if outcome.by_endoscopy:
        return _endoscopy_advice(group, verdict)
    if verdict == Verdict.TOLERATED:
        return Advice(group, FREE, reason="No meaningful rise across the test.")
    if verdict == Verdict.TRIGGER or outcome.stopped_on:
        taken = [d for d in outcome.doses if d.taken]
        if not taken:
            return Advice(group, TEST_AGAIN, reason="No portion was taken, so nothing was tested.")
        start = min(d.day for d in taken)
        rise = first_rise(outcome, meaningful, since=start)
        if outcome.stopped_on and (rise is None or outcome.stopped_on < rise):
            rise = outcome.stopped_on
        if rise is None:  # the window as a whole rose: count it from after the last dose
            rise = max(d.day for d in taken) + timedelta(days=1)
        step = None if outcome.blinded else largest_step_before(outcome.doses, rise)
        if step is not None:
            return Advice(
                group,
                LIMIT,
                limit_step=step,
                reason="Symptoms rose only after larger portions; this one came before the rise.",
            )
        return Advice(
            group,
            AVOID,
            retest_on=retest,
            reason="Symptoms rose from the first portions; try again after a break.",
        )
    if verdict in (Verdict.POSSIBLE, Verdict.INCONCLUSIVE):
        why = {
            Verdict.POSSIBLE: "A small or one-day rise: worth a second test, ideally blinded.",
            Verdict.INCONCLUSIVE: "Too little clean data to say.",
        }[verdict]
        return Advice(group, TEST_AGAIN, reason=why)
    return Advice(group, TEST_AGAIN, reason="Not tested yet: plan its test with your dietitian.")
