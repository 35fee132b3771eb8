"""The clinic's slugs (DOMAIN.md): part of the data contract, shared by the catalogue,
the exchange format and the analysis. Changing one is a breaking change."""

from enum import StrEnum

from .reactions import ALLERGIC_SIGNS as _ALLERGIC
from .reactions import RED_FLAG_SIGNS

SYMPTOMS: tuple[str, ...] = (
    "pain",
    "fatigue",
    "sleep",
    "brain_fog",
    "stiffness",
    "headache",
    "bloating",
    "abdominal_pain",
    "bowel",
    "nausea",
    "mood",
    "skin",
    # oesophageal (the eosinophilic-oesophagitis pathway)
    "swallowing",
    "food_sticking",
    "heartburn",
)

CONFOUNDERS: tuple[str, ...] = (
    "illness",
    "poor_sleep",
    "stress",
    "menstruation",
    "medication_change",
    "travel",
    "other",
)

FOOD_GROUPS: tuple[str, ...] = (
    # anti-inflammatory
    "gluten",
    "dairy",
    "eggs",
    "soy",
    "corn",
    "nightshades",
    "citrus",
    "nuts",
    "shellfish",
    "added_sugar",
    "alcohol",
    "caffeine",
    "additives",
    # low-FODMAP
    "lactose",
    "fructose",
    "sorbitol",
    "mannitol",
    "fructans_wheat",
    "fructans_garlic",
    "fructans_onion",
    "gos",
    # six-food
    "wheat",
    "fish_shellfish",
)

# The low-FODMAP groups: a program testing any of them gets the catalogue's FODMAP portion notes.
FODMAP_GROUPS: tuple[str, ...] = FOOD_GROUPS[
    FOOD_GROUPS.index("lactose") : FOOD_GROUPS.index("gos") + 1
]

PROTOCOLS: tuple[str, ...] = ("anti-inflammatory", "low-fodmap", "six-food", "custom")


class Verdict(StrEnum):
    """A challenge's verdict (DOMAIN.md, "Verdicts"). Members are `str`s equal to their slugs."""

    TRIGGER = "trigger"
    POSSIBLE = "possible"
    TOLERATED = "tolerated"
    INCONCLUSIVE = "inconclusive"


VERDICTS: tuple[str, ...] = tuple(v.value for v in Verdict)


class ChallengeStatus(StrEnum):
    """Where a challenge stands as stored (`programs.models.Challenge.Status` is built from it)."""

    PLANNED = "planned"
    ACTIVE = "active"  # in its dose days
    WASHOUT = "washout"
    DONE = "done"
    STOPPED = "stopped"
    SKIPPED = "skipped"


CHALLENGE_STATUSES: tuple[str, ...] = tuple(s.value for s in ChallengeStatus)
# A challenge that had its first dose (whatever happened after).
STARTED_STATUSES: frozenset[str] = frozenset(
    {ChallengeStatus.ACTIVE, ChallengeStatus.WASHOUT, ChallengeStatus.DONE, ChallengeStatus.STOPPED}
)


class Phase(StrEnum):
    """Where a scheduled challenge is on a given day (`schedule.ScheduledChallenge.phase`)."""

    UPCOMING = "upcoming"
    DOSE = "dose"
    STOPPED = "stopped"  # the day it was stopped
    WASHOUT = "washout"
    FINISHED = "finished"


class BaselineStatus(StrEnum):
    """Where the baseline is on a given day (`schedule.BaselinePhase.status`)."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    EXTEND = "extend"  # planned days over, symptoms not settled yet
    READY = "ready"
    DONE = "done"


class TodayKind(StrEnum):
    """What the patient is asked to do today (`schedule.TodayStatus.kind`)."""

    NOT_STARTED = "not_started"
    BASELINE = "baseline"
    BASELINE_EXTEND = "baseline_extend"
    DOSE = "dose"
    WASHOUT = "washout"
    READY_FOR_NEXT = "ready_for_next"
    PAUSED = "paused"
    COMPLETED = "completed"


# Staple food groups: hard to avoid for long, so a trigger among them, read from an open test
# (where expecting a reaction can raise scores), deserves a blinded re-challenge first.
STAPLE_GROUPS: frozenset[str] = frozenset({"dairy", "wheat", "gluten", "lactose", "fructans_wheat"})

# Confounders that make a challenge start worth postponing (DOMAIN.md, issue 3).
POSTPONE_CONFOUNDERS: frozenset[str] = frozenset({"illness", "stress", "travel"})

# Red-flag symptoms: allergy-like reactions that need emergency care, never a home re-test
# (their words and the milder allergic signs: `reactions.py`).
RED_FLAGS: tuple[str, ...] = tuple(RED_FLAG_SIGNS)
ALLERGIC_SIGNS: tuple[str, ...] = tuple(_ALLERGIC)

# A food group's long-term plan after its test (issue 12, Monash step 3): back on the menu,
# limited to a tolerated portion, avoided for now (with a retest date), or tested again.
LONG_TERM_PLANS: tuple[str, ...] = ("free", "limit", "avoid", "test_again")

# What an endoscopy showed after a food group came back, on a diet judged by endoscopy (the
# six-food, eosinophilic-oesophagitis pathway): the group's result once recorded.
ENDOSCOPY_OUTCOMES: tuple[str, ...] = ("remission_kept", "reaction_found", "not_assessed")
