"""The secret of a blinded re-challenge: which letter is active, and the order of the days.

The dietitian prepares identical portions labelled A and B; the patient is only ever told the
letter. The calendar is drawn by `schedule.blinded.blinded_design` (pairs, washouts, seed); the
order and the key live on the Challenge (`blind_labels`, `blind_active_label`, `blind_seed`)
and on each Dose once started (`label`, `arm`). Patient pages may show the letters, never the
arms, until the challenge is finished (`key_revealed`).
"""

from __future__ import annotations

from .models import Challenge


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
