"""The reasons of one read challenge, in plain words (`reasons(reading)`): what rose, against
which usual level, which days were left out or allowed for and why, and what to do next."""

from __future__ import annotations

from datetime import date

from .daybook import NOT_LOGGED, off_plan_group
from .decide import TOO_EARLY
from .reading import Reading
from .vocabulary import STAPLE_GROUPS, Verdict
from .wording import (
    CONFOUNDER_WORDS,
    MEANINGFUL_RULE,
    day_text,
    group_text,
    rise_words,
    symptom_name,
    why_text,
)

STOP_WORDS = {
    "illness": "illness",
    "travel": "travel",
    "patient_choice": "your choice",
    "other": "another reason",
}

NO_DOSE = "No portion of this food was recorded as taken, so there is nothing to read yet."
REPEAT = "Worth repeating this challenge later to be sure."
MAX_LISTED_DAYS = 6
# An open test shows what happened after the food, not that the food did it.
NOT_CAUSE = "That can be the food, but also chance or expecting a reaction."
OPEN_TEST = (
    "This was an open test: you knew what you were eating, and expecting a reaction can raise "
    "scores by itself. Before leaving {food} out for the long term, ask your dietitian about "
    "a blinded re-challenge (real and dummy portions you cannot tell apart)."
)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _listing(items: list[str]) -> str:
    shown = items[:MAX_LISTED_DAYS]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


# The same, as the name of an upset ("days with illness") rather than of a day ("ill").
UPSET_WORDS = CONFOUNDER_WORDS | {"illness": "illness"}


def _off_plan(why: str) -> bool:
    return off_plan_group(why) is not None


def _food(why: str) -> str:
    return group_text(off_plan_group(why))


def _upsets(days: list[tuple[int, tuple[str, ...]]], word: str = "or") -> str:
    """'illness', 'illness or stress', 'stress or off-plan eating of gluten', ...: the upsets
    of the listed days, in plain words (`word` joins the last two)."""
    kinds = []
    for _, why in days:
        for w in why:
            kind = f"off-plan eating of {_food(w)}" if _off_plan(w) else UPSET_WORDS.get(w, "upset")
            if kind not in kinds:
                kinds.append(kind)
    return _joined(kinds, word)


def _joined(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


# What the off-plan eating of a food was allowed for, by what its own challenge showed.
FOOD_BASIS = {
    Verdict.TOLERATED: (
        "Your {foods} challenge showed no reaction, so next to nothing was allowed for."
    ),
    "reacted": (
        "Your {foods} challenge showed a reaction, so up to the size of that reaction was "
        "allowed for."
    ),
    Verdict.POSSIBLE: (
        "Your {foods} challenge showed a possible reaction, so up to the size of that rise was "
        "allowed for."
    ),
    None: (
        "Your diary does not show yet how you react to {foods}, so a general allowance was "
        "made (none to about 2 points)."
    ),
}


def reasons(reading: Reading) -> tuple[str, ...]:
    out: list[str] = []
    c = reading.cw.challenge
    if reading.verdict in (Verdict.TRIGGER, Verdict.POSSIBLE):
        out += _trigger(reading) if reading.verdict == Verdict.TRIGGER else _possible(reading)
        if not reading.cw.blinded:
            out.append(NOT_CAUSE)
        out += _open_test(reading)
    elif reading.verdict == Verdict.TOLERATED:
        out += _tolerated(reading)
    else:
        out += _inconclusive(reading)
    if c.stopped_early_on and not c.stopped_for_reaction:
        why = STOP_WORDS.get(c.stop_reason or "", "another reason")
        out.append(f"The challenge was stopped early on {day_text(c.stopped_early_on)} ({why}).")
    for r in reading.placebo_reacted:
        out.append(
            f"{symptom_name(r.symptom)} also rose on placebo days ({r.placebo_level:.1f}, "
            f"usual {r.ref_level:.1f}): such a rise does not come from the food itself."
        )
    out += _exclusions(reading)
    cw = reading.cw
    if cw.cut_by_next and cw.after_days < 3:
        out.append(
            f"The next challenge started {_days(cw.after_days)} after the last portion, "
            "so a late reaction may have been missed."
        )
    refs = max(reading.reads, key=lambda r: len(r.ref_days), default=None)
    if refs is not None:
        first, last = date.fromordinal(refs.ref_days[0]), date.fromordinal(refs.ref_days[-1])
        out.append(
            f"Your usual level comes from {_days(len(refs.ref_days))} without upsets "
            f"between {day_text(first)} and {day_text(last)}."
        )
    if not reading.complete:
        end = day_text(date.fromordinal(cw.end))
        out.append(f"This challenge is still being watched until {end}: this may change.")
    return tuple(out)


def _trigger(reading: Reading) -> list[str]:
    out = []
    c = reading.cw.challenge
    blinded = reading.cw.blinded
    for r in sorted(reading.triggered, key=lambda r: -r.change)[:3]:
        name = symptom_name(r.symptom)
        if blinded:
            out.append(
                f"{name} was {r.window_level:.1f} on the days with the real food and "
                f"{r.placebo_level:.1f} on the placebo days (your usual level is "
                f"{r.ref_level:.1f})."
            )
        else:
            allowing = (
                f", after allowing for the {_upsets(reading.allowed, 'and')}"
                if reading.allowed
                else ""
            )
            out.append(_higher(r, allowing))
    if any(r.grew_with_portion for r in reading.triggered):
        out.append("The rise grew with the portion size.")
    named = [r.symptom for r in reading.triggered]
    if reading.pair is not None and set(reading.pair) & set(named):
        if len(set(reading.pair) & set(named)) == 1:
            # Only one of the two rose by a meaningful amount: the other rose a little.
            first = next(s for s in reading.pair if s in named)
            second = next(s for s in reading.pair if s != first)
            out.append(
                f"Your {symptom_name(second).lower()} also rose a little on the same days as "
                f"your {symptom_name(first).lower()}: taken together, that is more than your "
                "usual ups and downs."
            )
        else:
            first, second = (symptom_name(s).lower() for s in reading.pair)
            out.append(
                f"Your {first} and {second} rose on the same days after the food: taken "
                "together, that is more than your usual ups and downs."
            )
    elif reading.triggered:
        out.append("That is more than your usual ups and downs.")
    if reading.stop_confirmed and c.stopped_early_on:
        stop = day_text(c.stopped_early_on)
        if reading.triggered:
            out.append(f"You also stopped the challenge on {stop} because of a reaction.")
        else:
            r = max(
                (r for r in reading.reads if r.peak_rise is not None), key=lambda r: r.peak_rise
            )
            peak = day_text(date.fromordinal(r.peak_day))
            out.append(
                f"You stopped the challenge on {stop} because of a reaction, and "
                f"{symptom_name(r.symptom).lower()} was {r.peak_rise:.1f} points above your "
                f"usual level ({r.ref_level:.1f}) on {peak}."
            )
    return out


def _higher(r, allowing: str = "") -> str:
    """ "Your pain was higher in the days after the larger portions: +2.8 points over your usual
    level (3.1), a clear rise." Says when, not why (NOT_CAUSE follows)."""
    return (
        f"Your {symptom_name(r.symptom).lower()} was higher in the days after the larger "
        f"portions: {r.change:+.1f} points over your usual level ({r.ref_level:.1f}){allowing}, "
        f"{rise_words(r.change, r.ref_level, r.z)}."
    )


def _open_test(reading: Reading) -> list[str]:
    """The open-test limit: a trigger in a staple group, or any possible, deserves a blinded
    re-challenge before it is avoided for the long term."""
    group = reading.cw.challenge.food_group
    if reading.cw.blinded:
        return []
    if reading.verdict == Verdict.POSSIBLE or (
        reading.verdict == Verdict.TRIGGER and group in STAPLE_GROUPS
    ):
        return [OPEN_TEST.format(food=group_text(group))]
    return []


def _possible(reading: Reading) -> list[str]:
    out = []
    c = reading.cw.challenge
    for r in reading.meaningful[:3]:
        out.append(_higher(r) + " But your scores move this much on some ordinary days.")
    if c.stopped_for_reaction and not reading.stop_confirmed:
        out.append(
            f"You stopped the challenge on {day_text(c.stopped_early_on)} because of a "
            "reaction, but the diary does not show a clear rise."
        )
    for r, kind in reading.possible[:3]:
        name = symptom_name(r.symptom)
        if kind == "one_day":
            day = day_text(date.fromordinal(r.peak_day))
            out.append(
                f"{name} jumped {r.peak_rise:.1f} points above your usual level "
                f"({r.ref_level:.1f}) on {day}, for one day only."
            )
        elif kind == "small":
            out.append(
                f"{name} was {r.change:+.1f} points over your usual level ({r.ref_level:.1f}) "
                f"in the days after the food: {rise_words(r.change, r.ref_level, r.z)}, but a "
                "steady one."
            )
        else:
            out.append(
                f"{name} was {r.change:+.1f} points over your usual level ({r.ref_level:.1f}) "
                f"in the days after the food, {rise_words(r.change, r.ref_level, r.z)}, but your "
                "scores move this much on some ordinary days."
            )
    if not out:
        # Rises too small to name one by one, that together still tip the balance.
        usable = [r for r in reading.reads if r.usable and r.change is not None]
        if usable:
            top = max(usable, key=lambda r: r.change)
            out.append(
                f"The biggest change was {symptom_name(top.symptom).lower()}: "
                f"{top.change:+.1f} points over your usual level ({top.ref_level:.1f}), "
                f"{rise_words(top.change, top.ref_level, top.z)}. Taken together, your "
                "symptoms were a little higher than your usual ups and downs."
            )
    out.append(REPEAT)
    return out


def _tolerated(reading: Reading) -> list[str]:
    out = [f"No symptom had a clear rise ({MEANINGFUL_RULE})."]
    if reading.meaningful and not reading.cw.blinded:
        # A clear rise on its own, which the other symptoms and the usual ups and downs make
        # likely enough to be chance.
        r = max(reading.meaningful, key=lambda r: r.change)
        return [
            _higher(r),
            "Taken with your other symptoms and your usual ups and downs, foods with results "
            "like this are seldom real triggers.",
        ]
    usable = [r for r in reading.reads if r.usable and r.change is not None]
    if reading.cw.blinded:
        out[0] = "No symptom was meaningfully worse with the real food than with placebo."
        if usable:
            top = max(usable, key=lambda r: r.window_level - r.placebo_level)
            out.append(
                f"The biggest difference was {symptom_name(top.symptom).lower()}: "
                f"{top.window_level:.1f} with the real food, {top.placebo_level:.1f} with "
                "placebo."
            )
        return out
    if usable:
        top = max(usable, key=lambda r: r.change)
        if top.change > 0.05:
            out.append(
                f"The biggest change was {symptom_name(top.symptom).lower()}: "
                f"{top.change:+.1f} points over your usual level ({top.ref_level:.1f}), "
                f"{rise_words(top.change, top.ref_level, top.z)}."
            )
    return out


def _inconclusive(reading: Reading) -> list[str]:
    problem = reading.problem
    if problem == "interrupted":
        return [
            "This test was stopped before its end for a reason that is not a reaction, so it "
            "is not read: a rise could come from the illness or upset, a calm from the missing "
            "portions.",
            "Test this food group again from the start, on a calm week.",
        ]
    if problem == "no_reference":
        return [
            "There were not enough calm days before this challenge to know your usual level "
            "(at least 4 days without illness, stress or off-plan food are needed).",
            "Repeat this challenge after a calm week.",
        ]
    if problem == TOO_EARLY and reading.window_days <= 0:
        return ["This challenge has not started yet."]
    if problem == TOO_EARLY:
        return ["This challenge has only just started: too few days to tell yet."]
    used = f"Only {reading.counted_days}" if reading.counted_days else "None"
    out = [
        f"{used} of the {reading.window_days} days of this challenge could be fully used: "
        "too few to tell."
    ]
    if reading.uncounted:
        kinds = _upsets(reading.uncounted)
        out.append(
            f"The days with {kinds} helped only a little: its effect could not be told apart "
            "from the food's, as your diary does not show it on enough days outside this "
            "challenge."
        )
    out.append("Repeat this challenge on a calm week.")
    return out


def _exclusions(reading: Reading) -> list[str]:
    left_out = [e for e in reading.excluded if e.why != (NOT_LOGGED,)]
    missing = [e for e in reading.excluded if e.why == (NOT_LOGGED,)]
    out = []
    if left_out:
        items = [f"{day_text(e.date)} ({why_text(e.why)})" for e in left_out]
        out.append(f"{_days(len(left_out))} left out: {_listing(items)}.")
    if reading.allowed and reading.reads:
        # Each day is listed under each kind of allowance it got, with only that kind's reason.
        upset = [
            (d, tuple(w for w in why if not _off_plan(w)))
            for d, why in reading.allowed
            if not all(map(_off_plan, why))
        ]
        if upset:
            items = [f"{day_text(date.fromordinal(d))} ({why_text(why)})" for d, why in upset]
            kinds = _upsets(upset)
            out.append(
                f"{_days(len(upset))} with {kinds} still counted, after allowing for how "
                f"much the {kinds} raised your scores by itself: {_listing(items)}."
            )
        out += _eaten(reading)
        if reading.allowed_around:
            kinds = _upsets(reading.allowed_around)
            items = [day_text(date.fromordinal(d)) for d, _ in reading.allowed_around]
            out.append(
                f"The allowance was measured partly on {_days(len(reading.allowed_around))} "
                f"of {kinds} just before or after this challenge: {_listing(items)}."
            )
    if missing:
        items = [day_text(e.date) for e in missing]
        out.append(f"{_days(len(missing))} not logged: {_listing(items)}.")
    return out


def _eaten(reading: Reading) -> list[str]:
    """Window days on or just after off-plan eating, counted with an allowance for it."""
    days = [
        (d, tuple(w for w in why if _off_plan(w)))
        for d, why in reading.allowed
        if any(map(_off_plan, why))
    ]
    if not days:
        return []
    items = [f"{day_text(date.fromordinal(d))} ({why_text(why)})" for d, why in days]
    foods = _joined([group_text(g) for g, _ in reading.eaten], "and")
    out = [
        f"{_days(len(days))} on or just after eating {foods} off-plan still counted, after "
        f"allowing for what eating {foods} may have done by itself: {_listing(items)}."
    ]
    for kind, text in FOOD_BASIS.items():
        named = [group_text(g) for g, k in reading.eaten if k == kind]
        if named:
            out.append(text.format(foods=_joined(named, "and")))
    return out
