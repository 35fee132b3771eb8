"""The secret of a blinded re-challenge: which letter is active, and the order of the days.

The dietitian prepares identical portions labelled A and B; the patient is only ever told the
letter. The order and the key live on the Challenge (`blind_labels`, `blind_active_label`) and
on each Dose once started (`label`, `arm`). Patient pages may show the letters, never the arms,
until the challenge is finished (`key_revealed`).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from .models import Challenge

LETTERS = ("A", "B")
ARMS = ("active", "placebo")


@dataclass(frozen=True, slots=True)
class BlindOrder:
    labels: tuple[str, ...]  # the letter of each dose day, in order
    active_label: str

    def arm_of(self, label: str) -> str:
        return "active" if label == self.active_label else "placebo"

    @property
    def arms(self) -> tuple[str, ...]:
        return tuple(self.arm_of(label) for label in self.labels)


def blind_order_draw(
    *, active_days: int, placebo_days: int, rng: random.Random | None = None
) -> BlindOrder:
    """A random letter for the active portion and a random order of the days.

    `rng` defaults to the operating system's generator (not predictable from earlier draws);
    tests pass a seeded `random.Random`.
    """
    rng = rng or secrets.SystemRandom()
    active_label = rng.choice(LETTERS)
    placebo_label = LETTERS[1] if active_label == LETTERS[0] else LETTERS[0]
    labels = [active_label] * active_days + [placebo_label] * placebo_days
    rng.shuffle(labels)
    return BlindOrder(labels=tuple(labels), active_label=active_label)


def portion_text(label: str) -> str:
    """The portion as the patient reads it (Dose.portion of a blinded challenge)."""
    return f"test portion {label}"


def key_revealed(challenge: Challenge) -> bool:
    """The patient may see which letter was active only once the challenge is over."""
    return challenge.blinded and challenge.is_finished


def dose_days_with_letters(challenge: Challenge, dose_days) -> list[tuple[object, str]]:
    """Pair the engine's dose days with their portion letters (letters only: patient-safe)."""
    letters = challenge.blind_letters
    return [(d, letters[d.number - 1] if d.number <= len(letters) else "") for d in dose_days]
