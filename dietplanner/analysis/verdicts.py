"""Verdicts for a program's challenges: the entry point of the analysis.

    results = analyze_program(program, entries, today=date.today())

One `ChallengeResult` per started challenge, in the order of `program.challenges`. The method
(see docs/analysis.md for the why and the measured quality):
1. each challenge's window: dose days plus 4 days after (cut at the next challenge);
2. days with a period are left out (and listed); days with a steady confounder (illness,
   poor sleep, stress...) are kept, each confounder episode getting its own level shift in the
   fit, with a prior from this patient's other such days (`reference.confounder_offsets`) or
   a general one; its days just outside the window help measure it; off-plan eating of
   another eliminated group (the day eaten and the 2 after) is handled the same way, the
   prior of its shift coming from what that group's own challenge showed (`challenge._food_prior`);
3. per symptom, the usual level from the most recent clean days before the first dose (and a
   few clean days after the window), and the patient's day-to-day wobble and autocorrelation
   from all clean days, estimated twice: the second time without the windows that rose
   (`reference`);
4. per symptom, the strength (z) of a rise that follows the portion, allowing for delays and
   lingering, by GLS under AR(1) noise (`evidence`);
5. the evidence: a Bayes factor of a 3-point rise at the full portion, on one symptom or on
   two at once, averaged over the symptoms, pairs and shapes tried (`decide.reaction_evidence`);
   whether a symptom's own rise is beyond the 5% level and clinically meaningful (>= 2
   points, or 30% of the usual level but never under 1.5); smaller or less certain rises, a
   one-day spike, a stop for a reaction (confirmed or not by a clean day);
6. the chance that the food is a trigger, from that evidence and the prior (`probability`),
   and the verdict as a band of it: `trigger` from 0.5 with a meaningful rise (or a
   confirmed stop), `possible` from 0.25 (and any stop for a reaction), `inconclusive` when
   too few clean days, otherwise `tolerated`.
   Blinded: the active-minus-placebo difference must pass both bars (their own rules).
Deterministic: no randomness, no clock (pass `today`). Every result depends on the whole
diary (the noise estimate, follow-up days up to 8 days after a window, earlier tolerated
challenges), so re-run the whole program after any change (a year: docs/analysis.md, Speed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from . import probability
from .blinded import read_pairs
from .challenge import food_kind, read_challenge
from .daybook import DayBook
from .diary import DayEntry, DiaryDocument, ProgramFacts
from .outcome import no_dose_result, result
from .reading import FoodRead, Reading, RunContext
from .reference import NoiseEstimator, confounder_offsets, late_start, span_days
from .results import ChallengeResult, meaningful_change
from .vocabulary import Verdict
from .windows import ChallengeWindow, challenge_windows

BLOCK_AFTER = 2  # days after a non-tolerated window kept out of later references
PASSES = 2
NOISE_EXCLUDE_Z = 2.0
HIDDEN_RISE_SWELL = 1.5  # see `_hidden_rises`
MAX_REREADS = 2
REACTED = (Verdict.TRIGGER, Verdict.POSSIBLE)


def analyze_program(
    program: ProgramFacts,
    entries: Sequence[DayEntry],
    *,
    today: date | None = None,
    prior: float | None = None,
) -> list[ChallengeResult]:
    """Read every started challenge of `program` against its diary `entries`.

    `today` marks which windows are still running (default: the last logged day). `prior` is
    the share of tested groups taken to be triggers before the diary is read (0-1; default:
    the stated prior of the program's protocol, `probability.prior_for`): each
    result's `probability` combines it with the diary's evidence, and the verdict is a band of
    that probability (`probability.band`). Challenges
    are read in order of first dose, so a later challenge's usual level can use the days of an
    earlier challenge that was read as tolerated.
    """
    if prior is None:
        prior = probability.prior_for(program.protocol)
    book = DayBook(entries)
    windows = challenge_windows(program)
    earliest = late_start(program)
    if today is not None:
        now = today.toordinal()
    else:
        now = max(book.scores) if book.scores else program.started_on.toordinal()
    # Pass 1 estimates the noise on every clean day (reactions included, so it errs wide);
    # pass 2 re-estimates it without the windows pass 1 flagged, and gives the verdicts.
    # A blinded test's days never measure the noise its pairs are judged against: half of them
    # may hold reactions, and its pairs are read against the wobble of the other days.
    blind_spans = [(w.first, w.end + BLOCK_AFTER) for w in windows if w.challenge.blinded]
    rising: dict[str, list[tuple[int, int]]] = _blind_spans(program, blind_spans)
    # pass 1: follow-up days only outside every window
    later_blocked = span_days((w.first, w.end) for w in windows)
    busy = span_days((w.first, w.end + BLOCK_AFTER) for w in windows)
    foods: dict[str, FoodRead] = {}
    noise_of = NoiseEstimator(book, program.symptoms, earliest)
    templates = {w.index: w.templates() for w in windows}
    symptom_days: dict = {}  # (`RunContext.symptom_days`)
    fit_candidates: dict = {}  # (`RunContext.fit_candidates`)
    for pass_no in range(PASSES):
        noise = noise_of.estimate(rising)
        run = RunContext(
            program=program,
            book=book,
            noise=noise,
            earliest=earliest,
            now=now,
            prior=prior,
            later_blocked=later_blocked,
            offsets=confounder_offsets(book, program.symptoms, earliest, busy, noise),
            foods=foods,
            templates=templates,
            symptom_days=symptom_days,
            fit_candidates=fit_candidates,
        )
        readings = _read_all(run, windows)
        # What each food's challenge showed is read only for the groups eaten off-plan (a
        # window's `eaten`, the same in every pass: its exposures are kept for the run).
        foods = _food_reads(readings) if any(r.eaten for r in readings) else {}
        # Off-plan eating is allowed for by what the previous reading of that food showed
        # (pass 1: nothing known); the last pass must agree with the readings it leaned on
        # (the reasons name them), so it is read again, at most twice, until it does.
        for _ in range(MAX_REREADS if pass_no == PASSES - 1 else 0):
            if _agree(run.foods, foods, readings):
                break
            run = replace(run, foods=foods)
            readings = _read_all(run, windows)
            foods = _food_reads(readings)
        if pass_no == PASSES - 1:
            # The reasons say what the food's final reading showed; when it still does not
            # agree with the one allowed for (rare), they do not say.
            readings = [
                replace(
                    r,
                    eaten=tuple(
                        (g, _food_word(f) if food_kind(f) == k else "unsettled")
                        for g, k in r.eaten
                        for f in (foods.get(g),)
                    ),
                )
                if r.eaten
                else r
                for r in readings
            ]
            break  # what follows only feeds the next pass
        rising = _blind_spans(program, blind_spans)
        for r in readings:
            for sr in r.reads:
                if sr.z is not None and sr.z >= NOISE_EXCLUDE_Z:
                    rising.setdefault(sr.symptom, []).append((r.cw.first, r.cw.end + BLOCK_AFTER))
        _hidden_rises(noise_of, noise, rising, readings)
        later_blocked = span_days(
            (r.cw.first, r.cw.end) for r in readings if r.verdict != Verdict.TOLERATED
        )
        # Tolerated windows may teach what a confounder does; the others may hold reactions.
        busy = span_days(
            (r.cw.first, r.cw.end + BLOCK_AFTER) for r in readings if r.verdict != Verdict.TOLERATED
        )
    by_index = {r.cw.index: result(r, prior) for r in readings}
    results = []
    for index, challenge in enumerate(program.challenges):
        if index in by_index:
            results.append(by_index[index])
        elif challenge.started:
            results.append(no_dose_result(index, challenge, prior))
    return results


def analyze_document(
    document: DiaryDocument, *, today: date | None = None, prior: float | None = None
):
    """`analyze_program` on a parsed `dietplanner-diary` document."""
    return analyze_program(document.program, document.entries, today=today, prior=prior)


def _read_all(run: RunContext, windows: Sequence[ChallengeWindow]) -> list[Reading]:
    """Every window in order; a window that may hold a reaction is kept out of the later
    ones' usual level."""
    blocked: set[int] = set()
    readings = []
    for cw in windows:
        reading = read_challenge(run, cw, blocked)
        if cw.challenge.blinded:
            paired = read_pairs(
                cw.challenge,
                run.program.symptoms,
                run.book,
                run.noise,
                window_end=cw.end,
                now=run.now,
                bar=meaningful_change,
            )
            reading = replace(reading, paired=paired, verdict=paired.verdict)
        if reading.verdict in REACTED:
            blocked.update(range(cw.first, cw.end + 1))
        readings.append(reading)
    return readings


def _hidden_rises(noise_of, noise, rising, readings) -> None:
    """Add to `rising` the windows whose rise hid itself: a rise big and lasting enough swells
    the noise measured on its own days until it no longer looks strong (a flat 2 jumping to 8
    for good read as "within your usual ups and downs"). A clinically meaningful change whose
    days make the symptom's spread `HIDDEN_RISE_SWELL` times what it is without them is kept
    out of the noise like a strong rise."""
    for r in readings:
        span = (r.cw.first, r.cw.end + BLOCK_AFTER)
        for sr in r.reads:
            spans = rising.get(sr.symptom, [])
            if span in spans or sr.change is None:
                continue
            if sr.change < meaningful_change(sr.ref_level):
                continue
            without = {**rising, sr.symptom: [*spans, span]}
            # Nearly always the spread cannot have swelled that much: a floor of the spread
            # without these days settles it before the correlation is estimated again.
            if noise.sigma[sr.symptom] < HIDDEN_RISE_SWELL * noise_of.sigma_floor(
                without, sr.symptom
            ):
                continue
            sigma = noise_of.sigma(without, sr.symptom)
            if noise.sigma[sr.symptom] >= HIDDEN_RISE_SWELL * sigma:
                rising[sr.symptom] = without[sr.symptom]


def _blind_spans(program: ProgramFacts, spans) -> dict[str, list[tuple[int, int]]]:
    return {s: list(spans) for s in program.symptoms} if spans else {}


def _food_word(food: FoodRead | None) -> str | None:
    """What the reasons say a food's own challenge showed (`reasons.FOOD_BASIS`)."""
    if food is None or food.verdict == Verdict.TOLERATED:
        return food_kind(food)
    return Verdict.POSSIBLE if food.verdict == Verdict.POSSIBLE else "reacted"


def _agree(used: dict[str, FoodRead], foods: dict[str, FoodRead], readings) -> bool:
    """Whether every food whose off-plan eating was allowed for reads as it was assumed to."""
    return all(
        food_kind(used.get(g)) == food_kind(foods.get(g)) for r in readings for g, _ in r.eaten
    )


def _food_reads(readings: Sequence[Reading]) -> dict[str, FoodRead]:
    """Per food group, what its challenge showed (the strongest verdict when re-challenged)."""
    rank = {Verdict.TRIGGER: 3, Verdict.POSSIBLE: 2, Verdict.TOLERATED: 1}
    best: dict[str, Reading] = {}
    for r in readings:
        group = r.cw.challenge.food_group
        if r.verdict not in rank:
            continue
        if group not in best or rank[r.verdict] > rank[best[group].verdict]:
            best[group] = r
    return {
        group: FoodRead(
            r.verdict,
            {sr.symptom: (sr.rise, sr.rise_se) for sr in r.reads if sr.rise is not None},
        )
        for group, r in best.items()
    }
