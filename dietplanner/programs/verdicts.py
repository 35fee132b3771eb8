"""The verdict cache: analysis results stored on each started challenge.

The analysis (`dietplanner.analysis`) is pure; this module feeds it a program record
(`programs.record`) and writes its results back onto `Challenge.verdict*` so pages (plan, food
lookup, results) read one column instead of re-running the analysis. Refreshed by
`services.program_refresh` after every change of its inputs.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.utils import timezone

from dietplanner.analysis.results import ChallengeResult
from dietplanner.analysis.verdicts import analyze_program

from .endoscopy import endoscopy_reading, outcome_of
from .models import Challenge
from .record import ProgramRecord
from .visibility import result_hidden

# The analysis watches 4 days after the last dose (analysis/windows.py AFTER_DAYS); the washout
# may be longer. Either way, an entry after this many days past the dose days is outside.
_AFTER_DAYS = 4
VERDICT_FIELDS = ["verdict", "verdict_probability", "verdict_detail", "verdict_updated"]


def window_end(challenge: Challenge) -> date | None:
    """The last day an entry can change this challenge's own window (None: not started)."""
    if not challenge.first_dose_day:
        return None
    after = max(_AFTER_DAYS, challenge.washout_days)
    return challenge.last_dose_day + timedelta(days=after)


def program_results(record: ProgramRecord) -> dict[int, ChallengeResult]:
    """{challenge pk: ChallengeResult} of the record's program (no query)."""
    facts, day_entries = record.facts()
    results: list[ChallengeResult] = analyze_program(facts, day_entries, today=record.today)
    return {record.challenges[r.challenge_index].pk: r for r in results}


def verdicts_refresh(*, record: ProgramRecord, changed_on: date | None = None) -> list[Challenge]:
    """Recompute the program's verdicts and cache them; returns the challenges rewritten.

    A started challenge is rewritten when its result (verdict, chance or detail) is not the
    one stored, and then only when its window ends on or after `changed_on` (an entry before
    a window changes its reference), when `changed_on` is None, or when its verdict or
    detail changed (the noise estimate uses every quiet day, so a later edit may move an
    earlier verdict). A result as stored is never written again: every write of a challenge
    gives the program a new plan stamp, after which every server process reads the
    program's challenges anew. Challenges no longer started lose their cached verdict. One
    query at most (the update); the record's today marks running windows, see
    `analyze_program`.
    Called by `services.program_refresh`, which stores the derived statuses with it.
    """
    results = program_results(record)
    by_endoscopy = record.program.protocol.assessed_by_endoscopy
    now = timezone.now()
    changed = []
    for challenge in record.challenges:
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
        stored = _as_stored(detail)
        same = stored == challenge.verdict_detail and verdict == challenge.verdict
        if same and probability == challenge.verdict_probability:
            continue  # as stored: a write would give the program a new plan stamp for nothing
        end = window_end(challenge)
        stale = changed_on is None or end is None or end >= changed_on or not same
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


def _as_stored(detail: dict) -> dict:
    """`detail` as the database gives it back (JSON: lists for tuples, text keys)."""
    return json.loads(json.dumps(detail, cls=Challenge.verdict_detail.field.encoder))


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
