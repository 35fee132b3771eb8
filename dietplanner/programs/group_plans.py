"""The long-term plan per food group: kept in step with the results, changed by the dietitian.

`group_plans_refresh` runs in `services.program_refresh`, which the services that change its
inputs call (a check-in, a challenge's start or stop, the end of a program); a page only
reads. A plan a dietitian changed is theirs: the results no longer overwrite it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from dietplanner.accounts.models import User
from dietplanner.analysis.verdicts import meaningful_change

from . import longterm
from .endoscopy import judged_by_endoscopy
from .models import Challenge, GroupPlan, PlanChange, Program
from .record import ProgramRecord
from .verdicts import window_end

_FINISHED = (Challenge.Status.DONE, Challenge.Status.STOPPED, Challenge.Status.SKIPPED)


def usual_levels(challenge: Challenge) -> dict[str, float]:
    """symptom slug -> the usual level the challenge's verdict compared it against."""
    return {
        s["symptom"]: s["reference_level"]
        for s in (challenge.verdict_detail or {}).get("symptoms", [])
        if s.get("reference_level") is not None
    }


def _endoscopy_decided(challenge: Challenge) -> bool:
    """Whether an endoscopy outcome is the group's result (a diet judged by endoscopy)."""
    return judged_by_endoscopy(challenge.verdict_detail) and challenge.verdict in (
        Challenge.Verdict.TOLERATED,
        Challenge.Verdict.TRIGGER,
    )


def _outcome(challenge: Challenge, program_over: bool, doses, entries) -> longterm.GroupOutcome:
    finished = program_over or challenge.status in _FINISHED
    # A finished challenge whose window is still being read waits for its verdict.
    if finished and challenge.status == Challenge.Status.DONE and not challenge.verdict:
        finished = program_over
    by_endoscopy = judged_by_endoscopy(challenge.verdict_detail)
    if _endoscopy_decided(challenge):
        finished = True  # the endoscopy has spoken, whatever the days left to log
    window = (challenge.verdict_detail or {}).get("window") or {}
    last = window.get("end")
    last_day = date.fromisoformat(last) if last else challenge.stop_day or challenge.washout_end
    stopped = challenge.stopped_for_reaction
    taken = tuple(
        longterm.DoseTaken(day=d.date, step=d.step, taken=d.taken is not False)
        for d in doses
        if challenge.arm_of(d.label) != "placebo"
    )
    scores = {}
    if taken and last_day:
        first = min(d.day for d in taken)
        scores = {e.date: e.scores or {} for e in entries if first <= e.date <= last_day}
    return longterm.GroupOutcome(
        food_group=challenge.food_group.slug,
        verdict=challenge.verdict or None if challenge.is_started else None,
        by_endoscopy=by_endoscopy,
        finished=finished,
        last_day=last_day,
        stopped_on=challenge.stop_day if stopped else None,
        red_flag=bool(challenge.red_flags) or challenge.no_home_retest,
        blinded=challenge.blinded,
        doses=taken,
        usual=usual_levels(challenge),
        scores={d: {k: int(v) for k, v in s.items() if v is not None} for d, s in scores.items()},
    )


def group_plans_refresh(*, record: ProgramRecord) -> list[GroupPlan]:
    """Derive each finished group's default plan and store it; returns the plans written.

    Groups whose challenge is still running get none; when the program has ended, every
    group gets one (untested ones: test again). Plans a dietitian changed are left alone.
    Reads the record's rows and the stored plans (one query), then writes what changed.
    Called by `services.program_refresh` inside its transaction.
    """
    program, challenges = record.program, record.challenges
    over = not program.is_active
    if not over and not any(c.status in _FINISHED or _endoscopy_decided(c) for c in challenges):
        return []
    existing = {p.food_group_id: p for p in program.group_plans.all()}
    # The latest started challenge of a group speaks for it (a re-challenge after the first
    # test); a group never started is spoken for by its planned or skipped challenge. A test
    # stopped for illness, travel or choice speaks only when nothing else of the group does.
    latest: dict[int, Challenge] = {}
    ranked = sorted(
        challenges,
        key=lambda c: (
            not c.interrupted,
            c.first_dose_day is not None,
            c.first_dose_day or date.min,
        ),
    )
    for c in ranked:
        latest[c.food_group_id] = c
    written = []
    for group_id, challenge in latest.items():
        plan = existing.get(group_id)
        if plan is not None and plan.changed_at is not None:
            continue
        advice = longterm.default_advice(
            _outcome(challenge, over, record.doses_of(challenge), record.entries), meaningful_change
        )
        if advice is None:
            if plan is not None:
                plan.delete()
            continue
        values = {
            "status": advice.status,
            "limit_step": advice.limit_step,
            "limit_text": "",
            "retest_on": advice.retest_on,
            "reason": advice.reason,
            "no_home_retest": advice.no_home_retest,
        }
        if plan is None:
            plan = GroupPlan(program=program, food_group=challenge.food_group, **values)
            plan.save()
            written.append(plan)
        elif any(getattr(plan, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(plan, k, v)
            plan.save()
            written.append(plan)
    return written


def plan_inputs(challenge: Challenge) -> tuple:
    """What a group's default plan reads of a challenge's cached verdict (see `_outcome`): the
    verdict, its window's last day, the usual levels and whether an endoscopy judged it. The
    other figures of a reading (strengths, the chance of a trigger) move the plan not at all."""
    detail = challenge.verdict_detail or {}
    return (
        challenge.verdict,
        (detail.get("window") or {}).get("end"),
        usual_levels(challenge),
        judged_by_endoscopy(detail),
    )


def group_plans_may_change(
    record: ProgramRecord,
    *,
    changed_on: date | None,
    rewritten: list[Challenge],
    inputs_before: dict[int, tuple],
) -> bool:
    """Whether a refresh can change a stored group plan: not when only a day after every
    finished challenge's window changed and no finished one's reading moved in what its plan
    reads (`plan_inputs`, as they were before the refresh in `inputs_before`). A check-in
    during a running test does not read the plans at all, though the noise estimate (every
    quiet day) nudges the finished tests' other figures."""
    if changed_on is None or record.derived_changes or record.completes:
        return True
    if not record.program.is_active:
        return True
    for challenge in record.challenges:
        if challenge.status in _FINISHED or _endoscopy_decided(challenge):
            if challenge in rewritten and plan_inputs(challenge) != inputs_before.get(challenge.pk):
                return True
            end = window_end(challenge)
            if end is None or changed_on <= end:
                return True
    return False


def _describe(plan: GroupPlan, measures: str) -> str:
    return plan.words(measures).rstrip(".")


@transaction.atomic
def group_plan_change(
    *,
    plan: GroupPlan,
    author: User,
    status: str,
    limit_step: int | None = None,
    limit_text: str = "",
    retest_on: date | None = None,
    note: str = "",
) -> GroupPlan:
    """A dietitian's change to one group's plan, logged for the patient (who changed what)."""
    measures = plan.program.patient.measures
    before = _describe(plan, measures)
    plan.status = status
    plan.limit_step = limit_step if status == GroupPlan.Status.LIMIT else None
    plan.limit_text = limit_text.strip() if status == GroupPlan.Status.LIMIT else ""
    plan.retest_on = retest_on if status != GroupPlan.Status.FREE else None
    plan.note = note.strip()
    plan.reason = ""  # the results' reason no longer explains the dietitian's plan
    if status != GroupPlan.Status.AVOID:
        plan.no_home_retest = False
    after = _describe(plan, measures)
    summary = f"Long-term plan, {plan.food_group.name}: {after} (was: {before})."
    plan.changed_by, plan.changed_at, plan.change_summary = author, timezone.now(), summary
    plan.save()
    PlanChange.objects.create(program=plan.program, author=author, summary=summary)
    return plan


def group_plans_for(program: Program) -> list[GroupPlan]:
    """The program's long-term plan in group order, with who changed each (one query)."""
    return list(
        program.group_plans.select_related("food_group", "changed_by").order_by(
            "food_group__position"
        )
    )
