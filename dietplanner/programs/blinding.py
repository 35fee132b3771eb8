"""The secret of a blinded re-challenge: which letter is active, and the order of the days.

The dietitian prepares identical portions labelled A and B; the patient is only ever told the
letter. The calendar is drawn by `schedule.blinded.blinded_design` (pairs, washouts, seed); the
order and the key live on the Challenge (`blind_labels`, `blind_active_label`, `blind_seed`)
and on each Dose once started (`label`, `arm`). No page or download shows the arms or the
result before the challenge is finished (`programs.visibility`).
"""


def portion_text(label: str) -> str:
    """The portion as the patient reads it (Dose.portion of a blinded challenge)."""
    return f"test portion {label}"
