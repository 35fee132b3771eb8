"""Folding text for search, case- and accent-blind: "creme fraiche" finds "Crème fraîche"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that do not decompose into a base letter plus an accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"})


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace; the same function indexes and queries."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()
