"""What a page may show of a challenge's result: one rule for every reader and every page.

- A blinded test still running shows nothing of its result (verdict, how sure, evidence,
  excluded days) nor which portions were real (its arms): not on the patient's pages, and not
  in the dietitian's report, PDF, CSV or JSON either, since those may be handed to the client.
  The dietitian reads the key on their own plan page only.
- A reading of a test just begun ("Too early to tell") is not a finding: it says how sure it is
  to no one.
- The food lookup's status of a group (`group_statuses`) follows the group's latest test: a
  re-challenge that has not started leaves the earlier result in place.

Pages read a challenge through `shown_result`; the verdict cache and the exports that only
need the blinded half ask `result_hidden`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Challenge

# A group's status after a finished test is its verdict's slug (`selectors.FOOD_STATUS_ORDER`).
TRIGGER, TOLERATED = Challenge.Verdict.TRIGGER.value, Challenge.Verdict.TOLERATED.value


def result_hidden(*, blinded: bool, status: str) -> bool:
    """Whether a challenge's result and arms stay hidden: a blinded test not finished yet."""
    return blinded and status not in Challenge.FINISHED_STATUSES


@dataclass(frozen=True, slots=True)
class ShownResult:
    """A challenge's cached reading as every page may show it."""

    hidden: bool  # a blinded test still running: no result, no arms
    verdict: str  # the verdict slug ("" when hidden or not read yet)
    verdict_label: str  # in words; "Too early to tell" for a window just begun
    too_early: bool
    probability: float | None  # the chance of a trigger; None when hidden, too early or unread
    detail: dict = field(default_factory=dict)  # the reading's detail ({} when hidden)

    @property
    def arms(self) -> bool:
        """Whether the real and placebo portions of a blinded test may be named."""
        return not self.hidden


def shown_result(challenge: Challenge) -> ShownResult:
    """What any page may show of this challenge's result (reads no row)."""
    if result_hidden(blinded=challenge.blinded, status=challenge.status):
        return ShownResult(
            hidden=True, verdict="", verdict_label="", too_early=False, probability=None
        )
    too_early = challenge.too_early
    return ShownResult(
        hidden=False,
        verdict=challenge.verdict,
        verdict_label=challenge.verdict_label,
        too_early=too_early,
        probability=None if too_early else challenge.verdict_probability,
        detail=challenge.verdict_detail or {},
    )


def group_statuses(challenges: Iterable[Challenge]) -> dict[str, str]:
    """Each eliminated group's status for the patient (slug -> `FOOD_STATUS_ORDER` key in
    `programs.selectors`), from the program's challenges in plan order (reads no row).

    The latest test that says something speaks for its group: a test in its dose days or
    washout is "challenged"; a finished one gives its result. A test that has not started
    (planned or skipped), or one stopped for illness, travel or choice, leaves the group's
    earlier result in place, or "eliminated" when there is none. A blinded test shows nothing
    of its result until it is finished."""
    statuses: dict[str, str] = {}
    for challenge in challenges:
        slug = challenge.food_group.slug
        running = challenge.status in (Challenge.Status.ACTIVE, Challenge.Status.WASHOUT)
        if running and challenge.first_dose_day is not None:
            trigger = challenge.verdict == TRIGGER and not shown_result(challenge).hidden
            statuses[slug] = TRIGGER if trigger else "challenged"
        elif running or challenge.status in (Challenge.Status.PLANNED, Challenge.Status.SKIPPED):
            statuses.setdefault(slug, "eliminated")  # not begun: the earlier result stands
        elif challenge.interrupted:
            statuses.setdefault(slug, "eliminated")  # the group waits for its new test
        elif challenge.stopped_for_reaction or challenge.verdict == TRIGGER:
            statuses[slug] = TRIGGER
        elif challenge.status == Challenge.Status.DONE and challenge.verdict == TOLERATED:
            statuses[slug] = TOLERATED
        else:
            statuses[slug] = "eliminated"
    return statuses
