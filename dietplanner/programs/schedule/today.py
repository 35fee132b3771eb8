"""What the patient should do today, and the sentence that says it.

Sentences are plain English built from the plan's numbers; the Django layer can use the numbers
(`TodayStatus.day_number`, `portion`...) to phrase its own or translate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dietplanner.analysis.vocabulary import BaselineStatus, Phase, TodayKind

from .plan import (
    BaselinePhase,
    ProgramSettings,
    ScheduledChallenge,
    SymptomAbove,
    TodayStatus,
)

Challenges = Sequence[ScheduledChallenge]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_day(day: date) -> str:
    """A day as "3 May"; a fixed month table, because strftime("%b") follows the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def fmt_level(value: float) -> str:
    """A score or level to one decimal, without a trailing ".0": 3, 2.6."""
    return f"{round(value, 1):g}"


def _symptom(slug: str) -> str:
    return slug.replace("_", " ")


def _above_words(above: SymptomAbove) -> str:
    points = fmt_level(above.points)
    unit = "point" if points == "1" else "points"
    return f"{points} {unit} above your usual {fmt_level(above.usual)}"


def washout_why(
    holding: Sequence[SymptomAbove], last: date | None, today: date, min_end: date
) -> str:
    """What keeps an open washout open, from its last logged day (`last`, None: none yet)."""
    if last is None:
        return (
            "No check-in since the washout began: check in each day, so the app can tell "
            "when your symptoms are back to your usual level."
        )
    when = "today" if last == today else f"on {fmt_day(last)}"
    if holding:
        first, *others = holding
        verb = "is still" if last == today else "was still"
        head = f"{_symptom(first.symptom).capitalize()} {verb} {_above_words(first)}"
        if last != today:
            head = f"On {fmt_day(last)} {_symptom(first.symptom)} {verb} {_above_words(first)}"
        rest = "".join(f", and {_symptom(a.symptom)} {_above_words(a)}" for a in others)
        return (
            f"{head}{rest}. The washout ends after two check-ins in a row back near your "
            "usual level."
        )
    if last < min_end:
        return (
            f"Your symptoms were back near your usual level {when}; the washout lasts at least "
            f"until {fmt_day(min_end)}."
        )
    return (
        f"Your symptoms were back near your usual level {when}: one more check-in like that "
        "ends the washout."
    )


def long_washout_cause(holding: Sequence[SymptomAbove], last: date | None, today: date) -> str:
    """Why a washout has run past `LONG_WASHOUT_DAYS`, in a clause: "because pain is ..."."""
    names = [_symptom(a.symptom) for a in holding]
    listed = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    if last is None:
        return "with no check-in since it began"
    if (today - last).days >= 2:
        when = f"with no check-in since {fmt_day(last)}"
        if names:
            when += f", when {listed} {'was' if len(names) == 1 else 'were'} still above usual"
        return when
    if names:
        return f"because {listed} {'is' if len(names) == 1 else 'are'} still above your usual level"
    return "because your symptoms have not stayed near your usual level two check-ins in a row"


PAUSED_SENTENCE = (
    "Home food tests are paused after an allergic reaction: keep to your baseline diet and "
    "check in as usual."
)


def paused(status: TodayStatus) -> TodayStatus:
    """Today while home tests are paused (a reaction alert not cleared yet): no portion and no
    start, whatever the plan would have proposed; the other days read as they are."""
    if status.kind not in (TodayKind.DOSE, TodayKind.READY_FOR_NEXT):
        return status
    return TodayStatus(kind=TodayKind.PAUSED, sentence=PAUSED_SENTENCE, blinded=status.blinded)


def today_status(
    settings: ProgramSettings, baseline: BaselinePhase, scheduled: Challenges, today: date
) -> TodayStatus:
    """Today's action from the computed baseline and challenges (called by `compute_plan`).

    The current challenge is the last one started: the plan never runs two at once. A blinded
    challenge's portion text stays out of the status (`portion` is None) so a page cannot
    unblind it by accident; the sentence names only the prepared portion's day.
    """
    current = next((c for c in reversed(scheduled) if c.started), None)
    if current is None:
        return _today_in_baseline(settings, baseline, scheduled, today)
    if current.phase in (Phase.DOSE, Phase.STOPPED):
        title = f"{current.group_name[:1].upper()}{current.group_name[1:]} challenge"
        if current.phase == Phase.STOPPED:
            sentence = f"{title} stopped: no more doses. Back to the baseline diet."
            return _about(current, TodayKind.WASHOUT, sentence)
        dose = next((d for d in current.dose_days if d.day == today), None)
        if dose is None:
            return _between_portions(current, title, today)
        blind = " (blinded)" if current.blinded else ""
        if current.blinded:
            sentence = (
                f"{title}{blind}, test day {dose.number} of {len(current.dose_days)}: have "
                "today's test portion, as your dietitian prepared it."
            )
        else:
            sentence = (
                f"{title}, day {dose.number} of {len(current.dose_days)}: "
                f"have {dose.portion} today."
            )
        return _about(
            current,
            TodayKind.DOSE,
            sentence,
            day_number=dose.number,
            day_count=len(current.dose_days),
            step=dose.step,
            portion=None if current.blinded else dose.portion,
        )
    if current.phase == Phase.WASHOUT:
        number = (today - current.washout_start).days + 1
        minimum = (current.washout_min_end - current.washout_start).days + 1
        head = f"Washout after the {current.group_name} challenge, day {number}"
        if number <= minimum:
            sentence = f"{head} of at least {minimum}: back to the baseline diet."
        else:
            sentence = f"{head}: back to the baseline diet until your symptoms settle."
        return _about(
            current,
            TodayKind.WASHOUT,
            sentence,
            day_number=number,
            day_count=minimum,
            washout_why=current.washout_why,
            washout_long_cause=current.washout_long_cause,
        )
    return _next_or_done(scheduled)


def _between_portions(current: ScheduledChallenge, title: str, today: date) -> TodayStatus:
    """A quiet day between two test portions of a blinded re-challenge: no portion today."""
    before = [d for d in current.dose_days if d.day < today]
    after = [d for d in current.dose_days if d.day > today]
    last, upcoming = before[-1], after[0]
    number = (today - last.day).days
    count = (upcoming.day - last.day).days - 1
    sentence = (
        f"{title} (blinded): no test portion today, quiet day {number} of {count}. Keep to the "
        f"baseline diet; the next test portion is on {fmt_day(upcoming.day)}."
    )
    return _about(
        current,
        TodayKind.WASHOUT,
        sentence,
        day_number=number,
        day_count=count,
        next_dose_day=upcoming.day,
    )


def _today_in_baseline(
    settings: ProgramSettings, baseline: BaselinePhase, scheduled: Challenges, today: date
) -> TodayStatus:
    talk = " Your baseline is running much longer than planned: please talk to your dietitian."
    if baseline.status == BaselineStatus.NOT_STARTED:
        return TodayStatus(
            kind=TodayKind.NOT_STARTED,
            sentence=f"Your baseline starts on {fmt_day(baseline.start)}.",
        )
    if baseline.status in (BaselineStatus.RUNNING, BaselineStatus.EXTEND):
        number = (today - baseline.start).days + 1
        if baseline.status == BaselineStatus.RUNNING:
            kind = TodayKind.BASELINE
            sentence = (
                f"Baseline day {number} of {settings.baseline_days}: keep to the elimination "
                "diet and log your symptoms."
            )
        elif baseline.over_limit:
            kind = TodayKind.BASELINE_EXTEND
            sentence = (
                f"Baseline day {number} ({settings.baseline_days} planned): your symptoms have "
                f"not settled, and this diet's baseline should not go past "
                f"{settings.baseline_max} days. Please talk to your dietitian before going on."
            )
            talk = ""
        else:
            kind = TodayKind.BASELINE_EXTEND
            # Counted from today: on day 31 of 21 with readiness 5 days away, "5 more days".
            more = baseline.days_to_ready
            sentence = (
                f"Baseline day {number} ({settings.baseline_days} planned): your symptoms have "
                f"not settled yet, so keep to the elimination diet; we suggest {more} more "
                f"day{'s' if more != 1 else ''}."
            )
        return TodayStatus(
            kind=kind,
            sentence=sentence + (talk if baseline.talk_to_dietitian else ""),
            day_number=number,
            day_count=settings.baseline_days,
            talk_to_dietitian=baseline.talk_to_dietitian,
        )
    return _next_or_done(scheduled)


def _next_or_done(scheduled: Challenges) -> TodayStatus:
    upcoming = next((c for c in scheduled if not c.started), None)
    if upcoming is None:
        return TodayStatus(
            kind=TodayKind.COMPLETED,
            sentence="All planned challenges are done: go through the results with your dietitian.",
        )
    sentence = f"Ready for the next food group: {upcoming.group_name} - start today?"
    if upcoming.postpone_proposed:
        logged = " and ".join(upcoming.postpone_confounders)
        sentence += f" You logged {logged} today: you may prefer to wait a day."
    return _about(upcoming, TodayKind.READY_FOR_NEXT, sentence)


def _about(challenge: ScheduledChallenge, kind: str, sentence: str, **numbers) -> TodayStatus:
    return TodayStatus(
        kind=kind,
        sentence=sentence,
        challenge_key=challenge.key,
        group_name=challenge.group_name,
        blinded=challenge.blinded,
        postpone_proposed=challenge.postpone_proposed and kind == TodayKind.READY_FOR_NEXT,
        postpone_reason=challenge.postpone_reason if kind == TodayKind.READY_FOR_NEXT else None,
        long_washout_flag=challenge.long_washout_flag and challenge.washout_open,
        **numbers,
    )
