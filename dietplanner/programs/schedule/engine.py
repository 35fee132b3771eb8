"""The rules: baseline readiness, dose days, washouts and back-to-back projection.

Terms (logged day, flare, reference, in range) are defined in `diary.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from dietplanner.analysis.limits import WASHOUT_DAYS
from dietplanner.analysis.vocabulary import (
    CHALLENGE_STATUSES,
    POSTPONE_CONFOUNDERS,
    STARTED_STATUSES,
    BaselineStatus,
    ChallengeStatus,
    Phase,
)

from .diary import AboveUsual, Diary, above_usual_test, flare_on, usual_levels
from .plan import (
    DOSE_STEPS,
    LONG_WASHOUT_DAYS,
    MAX_DOSE_DAYS,
    ONE_DAY,
    READY_CLEAN_DAYS,
    BaselinePhase,
    ChallengeState,
    DayLog,
    DoseDay,
    Plan,
    ProgramSettings,
    ScheduledChallenge,
    SymptomAbove,
)
from .today import fmt_day, long_washout_cause, paused, today_status, washout_why


def compute_plan(
    settings: ProgramSettings,
    challenges: Sequence[ChallengeState],
    diary: Mapping[date, DayLog],
    today: date,
    *,
    group_names: Mapping[str, str] | None = None,
    home_tests_paused: bool = False,
) -> Plan:
    """Compute the whole plan as of `today`; the same inputs always give the same plan.

    `challenges` come in program order: the started ones (in the order they started) before
    any planned one; skipped ones may sit anywhere and take no days. `diary` maps each day to
    its `DayLog`. Facts dated after `today` (scores, first doses, stops, recorded washout ends)
    are ignored, so a plan can be computed as of any past day. `group_names` maps food-group
    slugs to the names used in sentences (default: the slug with spaces). `home_tests_paused`
    (an allergic reaction not cleared by a clinician) turns a dose day or a start into
    "paused". Raises ValueError on inputs that break the contract (see `_check`).
    """
    _check(settings, challenges)
    names = group_names or {}
    book = Diary(diary, settings.symptoms, settings.start, today)
    states = [_as_of(c, today) for c in challenges if c.status != ChallengeStatus.SKIPPED]
    started = [c for c in states if c.status in STARTED_STATUSES]
    baseline = _baseline(settings, book, today, started[0].first_dose_day if started else None)
    above = above_usual_test(book, baseline.reference)

    scheduled: list[ScheduledChallenge] = []
    cursor = baseline.ready_on
    for i, state in enumerate(states):
        name = names.get(state.food_group) or state.food_group.replace("_", " ")
        if state.status in STARTED_STATUSES:
            nxt = states[i + 1] if i + 1 < len(states) else None
            next_first = (
                nxt.first_dose_day if nxt is not None and nxt.status in STARTED_STATUSES else None
            )
            early = not baseline.ready if i == 0 else not _allowed_after(scheduled[-1], state)
            item = _started(state, i + 1, name, next_first, early, cursor, book, above, today)
        else:
            item = _planned(state, i + 1, name, cursor, book, today)
        scheduled.append(item)
        cursor = item.washout_end + ONE_DAY

    skipped = tuple(c.key for c in challenges if c.status == ChallengeStatus.SKIPPED)
    status = today_status(settings, baseline, scheduled, today)
    if home_tests_paused:
        status = paused(status)
    return Plan(
        as_of=today,
        baseline=baseline,
        challenges=tuple(scheduled),
        skipped_keys=skipped,
        today=status,
    )


def _check(settings: ProgramSettings, challenges: Sequence[ChallengeState]) -> None:
    """Refuse inputs the engine cannot place without guessing: they are bugs in the caller."""
    if settings.baseline_days < 1 or not settings.symptoms:
        raise ValueError("a program needs baseline_days >= 1 and at least one tracked symptom")
    keys: set[str] = set()
    seen_planned, last_first = False, None
    for c in challenges:
        if c.key in keys:
            raise ValueError(f"duplicate challenge key {c.key!r}")
        keys.add(c.key)
        if c.status not in CHALLENGE_STATUSES:
            raise ValueError(f"challenge {c.key!r}: unknown status {c.status!r}")
        low, high = WASHOUT_DAYS
        if c.dose_offsets:
            offsets = list(c.dose_offsets)
            if offsets[0] != 0 or len(offsets) != c.dose_days or offsets != sorted(set(offsets)):
                raise ValueError(f"challenge {c.key!r}: one rising offset per dose day, from 0")
        if not 1 <= c.dose_days <= MAX_DOSE_DAYS or not low <= c.washout_days <= high:
            raise ValueError(
                f"challenge {c.key!r}: dose_days 1-{MAX_DOSE_DAYS}, washout_days {low}-{high}"
            )
        if len(c.ladder) != 3:
            raise ValueError(f"challenge {c.key!r}: a ladder of 3 portions")
        if c.status == ChallengeStatus.PLANNED:
            if c.first_dose_day is not None:
                raise ValueError(f"challenge {c.key!r}: planned but has a first_dose_day")
            seen_planned = True
        elif c.status in STARTED_STATUSES:
            first = c.first_dose_day
            if first is None or first <= settings.start:
                raise ValueError(f"challenge {c.key!r}: started needs a first dose after the start")
            if seen_planned or (last_first is not None and first <= last_first):
                raise ValueError(
                    f"challenge {c.key!r}: started challenges must come first, in order"
                )
            if c.status == ChallengeStatus.STOPPED and (c.stop_day is None or c.stop_day < first):
                raise ValueError(
                    f"challenge {c.key!r}: stopped needs a stop_day on or after the start"
                )
            last_first = first


def _as_of(state: ChallengeState, today: date) -> ChallengeState:
    """The challenge as it stood on `today`: later starts, stops and recorded ends undone."""
    first = state.first_dose_day
    if state.status not in STARTED_STATUSES:
        return state
    if first is None or first > today:
        return replace(
            state,
            status=ChallengeStatus.PLANNED,
            first_dose_day=None,
            stop_day=None,
            washout_end=None,
        )
    if state.stop_day is not None and state.stop_day > today:
        state = replace(state, status=ChallengeStatus.ACTIVE, stop_day=None)
    if state.washout_end is not None and state.washout_end > today:
        state = replace(state, washout_end=None)
    return state


def _baseline(
    settings: ProgramSettings, book: Diary, today: date, first_dose: date | None
) -> BaselinePhase:
    """Judge the baseline for starting today (or, once done, for the day the first dose came)."""
    start = settings.start
    planned_end = start + timedelta(days=settings.baseline_days - 1)
    # Readiness for starting on day X is judged on the logs before X, so it does not change
    # while the patient fills in today's entry.
    judge_day = first_dose if first_dose is not None else today
    last_known = judge_day - ONE_DAY if first_dose is not None else today
    streak, streak_at_judge, last_flare = 0, 0, None
    day = start
    while day <= last_known:
        if day == judge_day:
            streak_at_judge = streak
        scores = book.scores(day)
        if scores is not None:
            flare = flare_on(book, day, scores)
            streak, last_flare = (0, (day, *flare)) if flare else (streak + 1, last_flare)
        day += ONE_DAY
    if last_known < judge_day:
        streak_at_judge = streak
    ready = judge_day > planned_end and streak_at_judge >= READY_CLEAN_DAYS
    reference = usual_levels(book, settings.baseline_days, judge_day)

    reasons: list[str] = []
    if judge_day <= planned_end and today >= start:
        reasons.append(f"the planned {settings.baseline_days} days end on {fmt_day(planned_end)}")
    if streak_at_judge < READY_CLEAN_DAYS and today >= start:
        if last_flare is not None and last_flare[0] < judge_day:
            flare_day, symptom, value, median = last_flare
            reasons.append(
                f"flare on {fmt_day(flare_day)}: {symptom.replace('_', ' ')} {value}, "
                f"median of the previous 7 days {median:g}"
            )
        days = f"{streak_at_judge} logged day{'' if streak_at_judge == 1 else 's'}"
        reasons.append(f"{days} without a flare, {READY_CLEAN_DAYS} needed")

    if first_dose is not None:
        return BaselinePhase(
            start=start,
            planned_end=planned_end,
            end=first_dose - ONE_DAY,
            ready_on=first_dose,
            status=BaselineStatus.DONE,
            ready=ready,
            projected=False,
            reasons=tuple(reasons),
            propose_extension_days=None,
            talk_to_dietitian=False,
            reference=reference,
        )

    if ready:
        ready_on = today
    else:
        # Project assuming every coming day is logged without a flare.
        next_unknown = today + ONE_DAY if book.scores(today) is not None else max(today, start)
        needed = max(0, READY_CLEAN_DAYS - streak)
        soonest = next_unknown + timedelta(days=needed)
        ready_on = max(planned_end + ONE_DAY, today + ONE_DAY, soonest)
    extension = (ready_on - planned_end - ONE_DAY).days
    day_number = (today - start).days + 1
    original = settings.original_baseline_days or settings.baseline_days
    longest = settings.baseline_max
    over_limit = not ready and longest is not None and (ready_on - start).days > longest
    if over_limit:
        extension = min(extension, longest - settings.baseline_days)
    if today < start:
        status = BaselineStatus.NOT_STARTED
    elif ready:
        status = BaselineStatus.READY
    else:
        status = BaselineStatus.RUNNING if today <= planned_end else BaselineStatus.EXTEND
    return BaselinePhase(
        start=start,
        planned_end=planned_end,
        end=ready_on - ONE_DAY,
        ready_on=ready_on,
        status=status,
        ready=ready,
        projected=True,
        reasons=tuple(reasons),
        propose_extension_days=extension if extension > 0 else None,
        talk_to_dietitian=not ready and (over_limit or 2 * day_number > 3 * original),
        reference=reference,
        days_to_ready=max(0, (ready_on - today).days),
        over_limit=over_limit,
    )


def _allowed_after(previous: ScheduledChallenge, state: ChallengeState) -> bool:
    """Whether a started challenge came after the previous washout had settled."""
    return previous.washout_settled and state.first_dose_day > previous.washout_end


def _doses(
    state: ChallengeState, first: date, last_kept: date | None = None
) -> tuple[DoseDay, ...]:
    """The dose days from `first`; those after `last_kept` (a stop) are cancelled. Spaced dose
    days (a blinded re-challenge) all take the full portion: the arms differ, not the amount."""
    if state.dose_offsets:
        offsets, steps = state.dose_offsets, (3,) * len(state.dose_offsets)
    else:
        steps = DOSE_STEPS[state.dose_days]
        offsets = tuple(range(len(steps)))
    return tuple(
        DoseDay(
            day=(day := first + timedelta(days=offset)),
            number=k + 1,
            step=step,
            portion=state.ladder[step - 1],
            cancelled=last_kept is not None and day > last_kept,
        )
        for k, (offset, step) in enumerate(zip(offsets, steps, strict=True))
    )


def _min_end(washout_start: date, washout_days: int) -> date:
    # The settling rule needs two washout days, so no washout is shorter than that.
    return washout_start + timedelta(days=max(washout_days, 2) - 1)


def _started(
    state: ChallengeState,
    number: int,
    name: str,
    next_first: date | None,
    early: bool,
    cursor: date,
    book: Diary,
    above: AboveUsual,
    today: date,
) -> ScheduledChallenge:
    """Place a started challenge: its actual dates, and a washout ended by (in this order) the
    recorded end, the diary rule, the next challenge's start, or else a projection.

    The diary rule: the washout closes, once its minimum days are done, on a logged day at the
    usual level that follows another one in the washout. Days not logged in between are
    skipped: a missed check-in delays the answer but does not start the count again."""
    first = state.first_dose_day
    last_dose = first + timedelta(days=state.last_dose_offset)
    last_kept = (
        min(state.stop_day, last_dose) if state.status == ChallengeStatus.STOPPED else last_dose
    )
    w_start = last_kept + ONE_DAY
    min_end = _min_end(w_start, state.washout_days)
    if next_first is not None and next_first < w_start:
        raise ValueError(f"challenge after {state.key!r} started during its dose days")
    if state.washout_end is not None and state.washout_end < last_kept:
        raise ValueError(f"challenge {state.key!r}: washout_end before its washout starts")

    def at_usual(day: date) -> bool:
        return above(day) == ()

    settled, final = False, True
    if state.washout_end is not None:
        end = state.washout_end
        if next_first is not None and next_first <= end:
            end = next_first - ONE_DAY
        before = book.last_logged(end, w_start)
        settled = end >= min_end and at_usual(end) and before is not None and at_usual(before)
    else:
        limit = today if next_first is None else min(today, next_first - ONE_DAY)
        end = _settled_end(w_start, min_end, limit, above)
        settled = end is not None
        if end is None and next_first is not None:
            end = next_first - ONE_DAY
        elif end is None:
            final = False
            last = book.last_logged(today + ONE_DAY, w_start)
            next_unknown = today + ONE_DAY if last == today else today
            pending = (
                next_unknown if last is not None and at_usual(last) else next_unknown + ONE_DAY
            )
            end = max(min_end, pending)

    if today <= last_kept:
        phase = (
            Phase.STOPPED
            if state.status == ChallengeStatus.STOPPED and today == state.stop_day
            else Phase.DOSE
        )
    else:
        phase = Phase.WASHOUT if today <= end else Phase.FINISHED
    long_flag = (end - w_start).days + 1 > LONG_WASHOUT_DAYS
    holding: tuple[SymptomAbove, ...] = ()
    why = cause = None
    if phase == Phase.WASHOUT and not settled:
        last = book.last_logged(today + ONE_DAY, w_start)
        holding = (above(last) or ()) if last is not None else ()
        why = washout_why(holding, last, today, min_end)
        if long_flag:
            cause = long_washout_cause(holding, last, today)
    return ScheduledChallenge(
        key=state.key,
        food_group=state.food_group,
        group_name=name,
        number=number,
        status=state.status,
        started=True,
        blinded=state.blinded,
        earliest_start=cursor,
        first_dose_day=first,
        dose_days=_doses(state, first, last_kept),
        washout_start=w_start,
        washout_min_end=min_end,
        washout_end=end,
        washout_settled=settled,
        long_washout_flag=long_flag,
        projected=not final,
        phase=phase,
        postpone_proposed=False,
        postpone_reason=None,
        postpone_confounders=(),
        started_before_allowed=early,
        washout_above=holding,
        washout_why=why,
        washout_long_cause=cause,
    )


def _settled_end(w_start: date, min_end: date, limit: date, above: AboveUsual) -> date | None:
    """The first logged day from `min_end` to `limit` at the usual level whose previous logged
    day in the washout was at the usual level too."""
    previous_ok = False
    day = w_start
    while day <= limit:
        reading = above(day)
        if reading is not None:
            ok = reading == ()
            if ok and previous_ok and day >= min_end:
                return day
            previous_ok = ok
        day += ONE_DAY
    return None


def _planned(
    state: ChallengeState, number: int, name: str, cursor: date, book: Diary, today: date
) -> ScheduledChallenge:
    """Project a challenge not started yet: from today or the earliest allowed day, whichever
    is later, with the minimum washout."""
    first = max(today, cursor)
    w_start = first + timedelta(days=state.last_dose_offset + 1)
    min_end = _min_end(w_start, state.washout_days)
    confounders = tuple(sorted(book.confounders(first) & POSTPONE_CONFOUNDERS))
    reason = f"{' and '.join(confounders)} logged on {fmt_day(first)}" if confounders else None
    return ScheduledChallenge(
        key=state.key,
        food_group=state.food_group,
        group_name=name,
        number=number,
        status=state.status,
        started=False,
        blinded=state.blinded,
        earliest_start=cursor,
        first_dose_day=first,
        dose_days=_doses(state, first),
        washout_start=w_start,
        washout_min_end=min_end,
        washout_end=min_end,
        washout_settled=False,
        long_washout_flag=(min_end - w_start).days + 1 > LONG_WASHOUT_DAYS,
        projected=True,
        phase=Phase.UPCOMING,
        postpone_proposed=reason is not None,
        postpone_reason=reason,
        postpone_confounders=confounders,
        started_before_allowed=False,
    )
