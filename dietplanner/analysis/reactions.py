"""Allergy-like reactions: the signs a patient can report, and the emergency number to call.

Pure Python (no Django): the reaction form, the pause of home tests, the dietitian's report and
the diary exchange all read the signs from here. The red-flag list and the first-aid order
follow the ASCIA action plan for anaphylaxis (docs/safety.md).
"""

from __future__ import annotations

from dataclasses import dataclass

# Red flags: signs of a possible anaphylaxis. Any one of them means emergency care now, stops
# the challenge and pauses every home test until a clinician clears the patient.
RED_FLAG_SIGNS: dict[str, str] = {
    "throat_tightness": "Throat tightness or trouble swallowing",
    "trouble_breathing": "Trouble breathing or noisy breathing",
    "lip_tongue_swelling": "Swelling of the lips or tongue",
    "hoarse_voice": "Hoarse voice or trouble talking",
    "cough_wheeze": "Wheeze or a cough that does not stop",
    "widespread_hives": "Hives over large parts of the body",
    "fainting": "Fainting, or dizzy and feeling faint",
    "collapse": "Collapse",
    "pale_floppy": "Pale and floppy (in a child)",
}

# Milder allergic signs: soon after a portion (within about 2 hours) they stop the challenge and
# pause home tests too, with advice to see a doctor before any more home tests.
ALLERGIC_SIGNS: dict[str, str] = {
    "tingling_mouth": "Tingling or itchy mouth",
    "face_swelling": "Swelling of the face or around the eyes",
    "vomiting": "Vomiting",
    "few_hives": "A few hives or welts",
}
IMMEDIATE_HOURS = 2  # "soon after a portion": the window of an immediate (IgE-type) reaction

SIGN_LABELS: dict[str, str] = RED_FLAG_SIGNS | ALLERGIC_SIGNS


def sign_labels(slugs) -> list[str]:
    """The signs in words, in the order of the lists above (unknown slugs kept as they are)."""
    known = [SIGN_LABELS[s] for s in SIGN_LABELS if s in slugs]
    return known + [s for s in slugs if s not in SIGN_LABELS]


# --- the emergency number -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EmergencyNumber:
    """The number to call, or None where we do not know it (then say "your local number")."""

    number: str | None
    region: str

    @property
    def words(self) -> str:
        if self.number is None:
            return "your local emergency number"
        return f"{self.number} ({self.region})"


_EU_ZONES = frozenset(
    "Europe/" + city
    for city in [
        "Amsterdam",
        "Athens",
        "Berlin",
        "Bratislava",
        "Brussels",
        "Bucharest",
        "Budapest",
        "Busingen",
        "Copenhagen",
        "Dublin",
        "Helsinki",
        "Lisbon",
        "Ljubljana",
        "Luxembourg",
        "Madrid",
        "Malta",
        "Mariehamn",
        "Nicosia",
        "Paris",
        "Prague",
        "Riga",
        "Rome",
        "Sofia",
        "Stockholm",
        "Tallinn",
        "Vienna",
        "Vilnius",
        "Warsaw",
        "Zagreb",
    ]
) | {
    "Africa/Ceuta",
    "Asia/Famagusta",
    "Asia/Nicosia",
    "Atlantic/Azores",
    "Atlantic/Canary",
    "Atlantic/Madeira",
}
_UK_ZONES = frozenset(
    {"Europe/London", "Europe/Belfast", "Europe/Guernsey", "Europe/Isle_of_Man", "Europe/Jersey"}
)
_US_ZONES = frozenset(
    "America/" + city
    for city in [
        "Adak",
        "Anchorage",
        "Boise",
        "Chicago",
        "Denver",
        "Detroit",
        "Juneau",
        "Los_Angeles",
        "Menominee",
        "Metlakatla",
        "New_York",
        "Nome",
        "Phoenix",
        "Sitka",
        "Yakutat",
        "Indiana/Indianapolis",
        "Indiana/Knox",
        "Indiana/Marengo",
        "Indiana/Petersburg",
        "Indiana/Tell_City",
        "Indiana/Vevay",
        "Indiana/Vincennes",
        "Indiana/Winamac",
        "Kentucky/Louisville",
        "Kentucky/Monticello",
        "North_Dakota/Beulah",
        "North_Dakota/Center",
        "North_Dakota/New_Salem",
        "Puerto_Rico",
    ]
) | {"Pacific/Honolulu"}
_CANADA_ZONES = frozenset(
    "America/" + city
    for city in [
        "Atikokan",
        "Blanc-Sablon",
        "Cambridge_Bay",
        "Creston",
        "Dawson",
        "Dawson_Creek",
        "Edmonton",
        "Fort_Nelson",
        "Glace_Bay",
        "Goose_Bay",
        "Halifax",
        "Inuvik",
        "Iqaluit",
        "Moncton",
        "Montreal",
        "Nipigon",
        "Pangnirtung",
        "Rainy_River",
        "Rankin_Inlet",
        "Regina",
        "Resolute",
        "St_Johns",
        "Swift_Current",
        "Thunder_Bay",
        "Toronto",
        "Vancouver",
        "Whitehorse",
        "Winnipeg",
        "Yellowknife",
    ]
)


def emergency_number(time_zone: str) -> EmergencyNumber:
    """The emergency number of the country a time zone (an IANA name) belongs to.

    Known: Australia 000, New Zealand 111, the EU 112, the UK 999, the US and Canada 911.
    Anything else (or a zone shared by several countries) gives `number=None`: the page then
    says "your local emergency number" rather than guess.
    """
    zone = (time_zone or "").strip()
    if zone.startswith("Australia/") or zone == "Antarctica/Macquarie":
        return EmergencyNumber("000", "Australia")
    if zone in ("Pacific/Auckland", "Pacific/Chatham", "NZ", "NZ-CHAT"):
        return EmergencyNumber("111", "New Zealand")
    if zone in _UK_ZONES or zone in ("GB", "GB-Eire"):
        return EmergencyNumber("999", "UK")
    if zone in _EU_ZONES:
        return EmergencyNumber("112", "Europe")
    if zone in _US_ZONES or zone.startswith("US/"):
        return EmergencyNumber("911", "US")
    if zone in _CANADA_ZONES or zone.startswith("Canada/"):
        return EmergencyNumber("911", "Canada")
    return EmergencyNumber(None, "")
