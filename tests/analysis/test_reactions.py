"""The emergency number from the patient's time zone, and the signs a patient can report."""

import zoneinfo

import pytest

from dietplanner.analysis import vocabulary
from dietplanner.analysis.reactions import (
    ALLERGIC_SIGNS,
    RED_FLAG_SIGNS,
    emergency_number,
    sign_labels,
)


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Australia/Sydney", "000"),
        ("Australia/Perth", "000"),
        ("Pacific/Auckland", "111"),
        ("Pacific/Chatham", "111"),
        ("Europe/London", "999"),
        ("Europe/Belfast", "999"),
        ("Europe/Paris", "112"),
        ("Europe/Dublin", "112"),
        ("Atlantic/Canary", "112"),
        ("America/New_York", "911"),
        ("America/Indiana/Indianapolis", "911"),
        ("Pacific/Honolulu", "911"),
        ("America/Toronto", "911"),
        ("America/St_Johns", "911"),
    ],
)
def test_known_countries_get_their_emergency_number(zone, number):
    assert emergency_number(zone).number == number
    assert number in emergency_number(zone).words


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Sao_Paulo", "Africa/Lagos", "", "Mars"])
def test_elsewhere_says_your_local_emergency_number_rather_than_guess(zone):
    found = emergency_number(zone)
    assert found.number is None
    assert found.words == "your local emergency number"


def test_every_zone_in_the_lists_exists():
    """A misspelt zone would silently fall back: every listed zone is a real IANA name."""
    from dietplanner.analysis import reactions

    listed = reactions._EU_ZONES | reactions._UK_ZONES | reactions._US_ZONES
    listed |= reactions._CANADA_ZONES
    unknown = listed - zoneinfo.available_timezones()
    assert not unknown


def test_the_red_flags_follow_the_anaphylaxis_action_plan():
    for slug in (
        "throat_tightness",
        "trouble_breathing",
        "lip_tongue_swelling",
        "widespread_hives",
        "fainting",
        "hoarse_voice",
        "cough_wheeze",
        "collapse",
        "pale_floppy",
    ):
        assert slug in RED_FLAG_SIGNS
    assert tuple(RED_FLAG_SIGNS) == vocabulary.RED_FLAGS
    assert set(ALLERGIC_SIGNS) == {"tingling_mouth", "face_swelling", "vomiting", "few_hives"}
    assert not set(ALLERGIC_SIGNS) & set(RED_FLAG_SIGNS)


def test_sign_labels_keep_the_list_order_and_unknown_slugs():
    assert sign_labels(["collapse", "fainting", "odd"]) == [
        RED_FLAG_SIGNS["fainting"],
        RED_FLAG_SIGNS["collapse"],
        "odd",
    ]
