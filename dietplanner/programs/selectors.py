"""Reads of programs shared by pages: the access helper and what a food means for a patient.

A program with its rows, and everything computed from them, is read through the program
record (`programs.record`)."""

import uuid
from dataclasses import dataclass

from django.http import Http404

from dietplanner.accounts.models import User

from . import visibility
from .models import Challenge, Program


def _as_uuid(public_id) -> uuid.UUID:
    """A malformed id is just another unknown one: 404, not a 500."""
    try:
        return public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404("No such object") from exc


def get_challenge_for_user(user: User, public_id) -> Challenge:
    challenge = (
        Challenge.objects.filter(public_id=_as_uuid(public_id), program__patient=user)
        .select_related("program", "food_group", "program__protocol")
        .first()
    )
    if challenge is None:
        raise Http404("No such challenge")
    return challenge


# What a food means for a patient now, worst first: one group that is a trigger is enough.
# A group's long-term plan, once it has one, speaks for it (avoid, test_again, limit, free).
# After a finished test a group's status is its verdict (`visibility.group_statuses`).
TRIGGER, TOLERATED = Challenge.Verdict.TRIGGER.value, Challenge.Verdict.TOLERATED.value
FOOD_STATUS_ORDER = [
    "avoid",
    TRIGGER,
    "challenged",
    "eliminated",
    "untested",
    "test_again",
    "limit",
    TOLERATED,
    "free",
    "allowed",
]
PLAN_KEYS = ("avoid", "untested", "test_again", "limit", "free")
FOOD_STATUS_LABELS = {
    "avoid": "Avoid for now",
    TRIGGER: "Keep out for now",
    "challenged": "Being tested now",
    "eliminated": "Left out for now",
    "untested": "Not covered by your test",
    "test_again": "Worth testing again",
    "limit": "Fine in a limited portion",
    TOLERATED: "Reintroduced: tolerated",
    "free": "Back on your menu",
    "allowed": "Allowed",
}


def group_statuses(program: Program) -> dict[str, str]:
    """Each eliminated group's status for the patient (slug -> FOOD_STATUS_ORDER key), by the
    one rule of `visibility.group_statuses` (one query)."""
    return visibility.group_statuses(
        program.challenges.select_related("food_group").order_by("position")
    )


@dataclass(frozen=True)
class FoodAnswer:
    """What a food means for this patient: the worst status and a line per group that counts."""

    key: str
    lines: tuple[str, ...]

    @property
    def label(self) -> str:
        """The plan's own sentence where the worst group has one, else the status in words."""
        return self.lines[0] if self.key in PLAN_KEYS else FOOD_STATUS_LABELS[self.key]


def food_answer(
    groups, kinds, statuses: dict[str, str], plans: dict, measures: str = "us"
) -> FoodAnswer:
    """A food's answer from the patient's results and long-term plan (`plans`: slug -> plan).

    A result covers a food of a mixed group only when its kind was tested (peanuts are not
    covered by an almond test): such a food stays "not covered" whatever the result.
    """
    found: list[tuple[str, str]] = []
    for group in groups:
        plan, status = plans.get(group.slug), statuses.get(group.slug)
        if plan is None and status is None:
            continue
        if (plan is not None or status in (TOLERATED, TRIGGER)) and not group.covers(kinds):
            untested = ", ".join(group.untested_kind_names())
            found.append(
                (
                    "untested",
                    f"Not covered by your {group.name.lower()} test "
                    f"({untested} need a test of their own): left out for now.",
                )
            )
        elif plan is not None:
            found.append((plan.status, plan.in_words(measures)))
        else:
            found.append((status, f"{group.name}: {FOOD_STATUS_LABELS[status].lower()}."))
    if not found:
        return FoodAnswer("allowed", (FOOD_STATUS_LABELS["allowed"],))
    found.sort(key=lambda f: FOOD_STATUS_ORDER.index(f[0]))
    return FoodAnswer(found[0][0], tuple(line for _, line in found))
