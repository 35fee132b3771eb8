"""Portions in words: a household measure with its grams or millilitres beside it.

A ladder rung in the catalogue is either a volume (`measure` "1/4 cup" `of` "milk") or a count
(`count` "5 almonds"), always with its `amount` in `unit` (g or ml) and an optional `extra`
("about 45 mg caffeine"). The patient chooses which comes first (`User.measures`): US cups and
spoons, or grams and millilitres. Counts read the same either way ("5 almonds (about 6 g)").
Pure: no Django import.
"""

from __future__ import annotations

US = "us"
METRIC = "metric"
MEASURES = (US, METRIC)
UNITS = ("g", "ml")

# What a spoon and a cup mean in every portion this app gives (US and UK sizes). An Australian
# tablespoon is 20 ml: the note tells those users to count 3 teaspoons instead.
SPOON_NOTE = (
    "A teaspoon is 5 ml and a tablespoon 15 ml (US and UK). An Australian tablespoon is 20 ml, "
    "so there use 3 teaspoons for a tablespoon. A cup is 240 ml (a metric cup of 250 ml is "
    "close enough). Weights are for the food as eaten."
)


def _amount(rung: dict) -> str:
    value = rung["amount"]
    number = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{number} {rung['unit']}"


def rung_text(rung: dict | str, measures: str = US) -> str:
    """One portion in words for the patient's choice of measures; a plain text rung as is."""
    if isinstance(rung, str):
        return rung
    amount = _amount(rung)
    # Weights of solids measured by volume, and counts, are estimates; liquids are exact.
    approx = "about " if rung["unit"] == "g" else ""
    extra = f", {rung['extra']}" if rung.get("extra") else ""
    if "count" in rung:
        return f"{rung['count']} ({approx}{amount}{extra})"
    if measures == METRIC:
        return f"{approx}{amount} of {rung['of']} ({rung['measure']}{extra})"
    return f"{rung['measure']} of {rung['of']} ({approx}{amount}{extra})"


def ladder_texts(rungs: list, measures: str = US) -> tuple[str, str, str]:
    """The 3 portions of a ladder in words, padded to 3 as the schedule engine expects."""
    texts = [rung_text(r, measures) for r in list(rungs)[:3]]
    while len(texts) < 3:
        texts.append(texts[-1] if texts else "a usual portion")
    return (texts[0], texts[1], texts[2])


def rung_problem(rung) -> str | None:
    """Why a catalogue rung is malformed, or None (used by the loader and its tests)."""
    if isinstance(rung, str):
        return None if rung.strip() else "empty portion"
    if not isinstance(rung, dict):
        return "a portion is a text or an object"
    if ("count" in rung) == ("measure" in rung):
        return "a portion has either 'count' or 'measure' and 'of'"
    if "measure" in rung and not rung.get("of"):
        return "a measured portion needs 'of' (the food)"
    amount = rung.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
        return "'amount' must be a positive number"
    if rung.get("unit") not in UNITS:
        return f"'unit' must be one of {', '.join(UNITS)}"
    return None
