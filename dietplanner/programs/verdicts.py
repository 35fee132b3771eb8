"""The verdict cache: analysis results stored on each started challenge.

The analysis (`dietplanner.analysis`) is pure; this module feeds it from the ORM and writes its
results back onto `Challenge.verdict*` so pages (plan, food lookup, results) read one column
instead of re-running the analysis. Refreshed after every diary save, challenge start and stop.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone

from dietplanner.analysis.diary import ChallengeFacts, DayEntry, Dose, ProgramFacts
from dietplanner.analysis.results import ChallengeResult
from dietplanner.analysis.verdicts import analyze_program

from .endoscopy import endoscopy_reading, outcome_of
from .models import Challenge, DailyEntry, Program
from .models import Dose as DoseRow
from .visibility import result_hidden

# The analysis watches 4 days after the last dose (analysis/windows.py AFTER_DAYS); the washout
# may be longer. Either way, an entry after this many days past the dose days is outside.
_AFTER_DAYS = 4
_ARMS = ("active", "placebo")
VERDICT_FIELDS = ["verdict", "verdict_probability", "verdict_detail", "verdict_updated"]


def _challenge_facts(challenge: Challenge, doses: Iterable) -> ChallengeFacts:
    started = challenge.status in Challenge.STARTED_STATUSES and challenge.first_dose_day
    stopped = challenge.status == Challenge.Status.STOPPED
    stop_reason = None
    if stopped:
        # A stop for illness, travel or choice is told as such: never read as a reaction.
        stop_reason = "red_flag" if challenge.red_flags else challenge.stop_cause or "reaction"
    return ChallengeFacts(
        food_group=challenge.food_group.slug,
        started_on=challenge.first_dose_day if started else None,
        dose_days=challenge.dose_days,
        washout_days=challenge.washout_days,
        stopped_early_on=challenge.stop_day if stopped else None,
        stop_reason=stop_reason,
        blinded=challenge.blinded,
        # Intake not recorded (None) counts as taken: most patients only say when they skipped.
        doses=tuple(
            Dose(
                date=d.date,
                portion=d.portion,
                taken=d.taken is not False,
                arm=d.arm if challenge.blinded and d.arm in _ARMS else None,
                pair=k // 2 + 1 if challenge.paired else None,
                label=(d.label or None) if challenge.blinded else None,
            )
            for k, d in enumerate(sorted(doses, key=lambda d: d.date))
        ),
        status=challenge.status,
        pairs=challenge.blind_pairs if challenge.paired else None,
    )


def program_facts(program: Program, challenges, entries, doses) -> tuple[ProgramFacts, list]:
    """The analysis input built from ORM rows: (ProgramFacts, DayEntry list sorted by date).

    `challenges` in plan order (their `food_group` loaded), `entries` DailyEntry rows, `doses`
    Dose rows of those challenges. Results of `analyze_program` map back through
    `challenge_index`, the position in `challenges`.
    """
    by_challenge: dict[int, list] = {}
    for dose in doses:
        by_challenge.setdefault(dose.challenge_id, []).append(dose)
    facts = ProgramFacts(
        started_on=program.start_date,
        baseline_days=program.baseline_days,
        symptoms=tuple(program.symptoms),
        challenges=tuple(_challenge_facts(c, by_challenge.get(c.pk, ())) for c in challenges),
        protocol=program.protocol.slug,
    )
    day_entries = [
        DayEntry(
            date=e.date,
            scores={k: int(v) for k, v in (e.scores or {}).items() if v is not None},
            confounders=tuple(e.confounders or ()),
            off_plan=tuple(e.off_plan or ()),
        )
        for e in sorted(entries, key=lambda e: e.date)
    ]
    return facts, day_entries


def window_end(challenge: Challenge) -> date | None:
    """The last day an entry can change this challenge's own window (None: not started)."""
    if not challenge.first_dose_day:
        return None
    after = max(_AFTER_DAYS, challenge.washout_days)
    return challenge.last_dose_day + timedelta(days=after)


def program_results(program: Program, *, today: date | None = None):
    """(challenges in plan order, {challenge pk: ChallengeResult}) in three queries."""
    challenges = list(
        program.challenges.select_related("food_group", "endoscopy").order_by("position")
    )
    entries = list(
        DailyEntry.objects.filter(program=program).only("date", "scores", "confounders", "off_plan")
    )
    doses = list(DoseRow.objects.filter(challenge__program=program))
    facts, day_entries = program_facts(program, challenges, entries, doses)
    results: list[ChallengeResult] = analyze_program(facts, day_entries, today=today)
    return challenges, {challenges[r.challenge_index].pk: r for r in results}


def verdicts_refresh(
    *, program: Program, changed_on: date | None = None, today: date | None = None
) -> list[Challenge]:
    """Recompute the program's verdicts and cache them; returns the challenges rewritten.

    A started challenge is rewritten when its window ends on or after `changed_on` (an entry
    before a window changes its reference), when `changed_on` is None, or when its stored
    result differs (the noise estimate uses every quiet day, so a later edit may move an
    earlier verdict). Challenges no longer started lose their cached verdict. Four queries.
    `today` marks running windows (default: the last logged day), see `analyze_program`.
    """
    challenges, results = program_results(program, today=today)
    by_endoscopy = program.protocol.assessed_by_endoscopy
    now = timezone.now()
    changed = []
    for challenge in challenges:
        result = results.get(challenge.pk)
        if result_hidden(blinded=challenge.blinded, status=challenge.status):
            # A blinded test's reading is never stored before it ends: a cached verdict would
            # reach a page (the food lookup did) and give the key away.
            result = None
        if result is None:
            if challenge.verdict or challenge.verdict_detail:
                challenge.verdict, challenge.verdict_probability = "", None
                challenge.verdict_detail, challenge.verdict_updated = {}, now
                changed.append(challenge)
            continue
        detail = result.to_dict()
        verdict, probability = result.verdict, round(result.probability, 3)
        if by_endoscopy:  # no verdict from the scores: the endoscopy decides
            verdict, detail = endoscopy_reading(detail, outcome_of(challenge))
            probability = None
        end = window_end(challenge)
        stale = (
            changed_on is None
            or end is None
            or end >= changed_on
            or detail != challenge.verdict_detail
            or verdict != challenge.verdict
        )
        if not stale:
            continue
        if _seen_as(detail) != _seen_as(challenge.verdict_detail) or not challenge.verdict:
            challenge.verdict_updated = now
        challenge.verdict = verdict
        challenge.verdict_probability = probability
        challenge.verdict_detail = detail
        changed.append(challenge)
    if changed:
        Challenge.objects.bulk_update(changed, VERDICT_FIELDS)
    return changed


def _seen_as(detail: dict) -> tuple:
    """What a reader of a verdict sees change: the verdict, final or provisional, too early to
    tell. `verdict_updated` moves only with it (the client list's "new verdicts" flag), not
    with every recomputed figure of a running window."""
    return (
        detail.get("verdict"),
        detail.get("complete"),
        bool(detail.get("too_early")),
        (detail.get("endoscopy") or {}).get("outcome"),
    )
