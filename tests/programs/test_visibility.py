"""The one rule of what a page may show of a result (`programs/visibility.py`), and a check
that no other module reads a result's chance or decides "blinded and not finished" itself."""

import re
from datetime import date
from pathlib import Path

import pytest

from dietplanner.programs.models import Challenge
from dietplanner.programs.visibility import group_statuses, result_hidden, shown_result
from foods.models import FoodGroup

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 3, 1)
S = Challenge.Status


def challenge(slug="nuts", status=S.PLANNED, verdict="", **fields) -> Challenge:
    if status != S.PLANNED:
        fields.setdefault("first_dose_day", DAY)
    return Challenge(
        food_group=FoodGroup(slug=slug, name=slug.capitalize()),
        status=status,
        verdict=verdict,
        **fields,
    )


@pytest.mark.parametrize(
    ("blinded", "status", "hidden"),
    [
        (True, S.PLANNED, True),
        (True, S.ACTIVE, True),
        (True, S.WASHOUT, True),
        (True, S.DONE, False),
        (True, S.STOPPED, False),
        (False, S.ACTIVE, False),
    ],
)
def test_a_blinded_result_is_hidden_until_the_test_is_finished(blinded, status, hidden):
    c = challenge(status=status, blinded=blinded, verdict="trigger", verdict_probability=0.9)
    shown = shown_result(c)
    assert result_hidden(blinded=blinded, status=status) is hidden
    assert shown.hidden is hidden and shown.arms is not hidden
    assert (shown.verdict, shown.probability) == (("", None) if hidden else ("trigger", 0.9))


def test_a_test_just_begun_says_how_sure_to_no_one():
    c = challenge(
        status=S.ACTIVE,
        verdict="inconclusive",
        verdict_probability=0.1,
        verdict_detail={"too_early": True},
    )
    shown = shown_result(c)
    assert shown.too_early and shown.probability is None
    assert shown.verdict_label == "Too early to tell"


def test_a_planned_or_skipped_re_challenge_leaves_the_earlier_result():
    for again in (S.PLANNED, S.SKIPPED):
        statuses = group_statuses(
            [
                challenge("nuts", S.DONE, "tolerated"),
                challenge("citrus", S.DONE, "trigger"),
                challenge("nuts", again),
                challenge("citrus", again),
            ]
        )
        assert statuses == {"nuts": "tolerated", "citrus": "trigger"}


def test_a_started_re_challenge_is_being_tested_and_then_gives_its_result():
    earlier = challenge("nuts", S.DONE, "tolerated")
    assert group_statuses([earlier, challenge("nuts", S.ACTIVE)]) == {"nuts": "challenged"}
    again = challenge("nuts", S.DONE, "possible")
    assert group_statuses([earlier, again]) == {"nuts": "eliminated"}


def test_a_running_blinded_test_says_only_that_it_is_being_tested():
    earlier = challenge("citrus", S.DONE, "possible")
    blinded = challenge("citrus", S.WASHOUT, "trigger", blinded=True)
    assert group_statuses([earlier, blinded]) == {"citrus": "challenged"}
    planned = challenge("citrus", S.PLANNED, blinded=True)
    assert group_statuses([challenge("citrus", S.DONE, "trigger"), planned]) == {
        "citrus": "trigger"
    }


def test_a_stop_for_illness_leaves_the_earlier_result_and_a_reaction_is_a_trigger():
    earlier = challenge("nuts", S.DONE, "tolerated")
    ill = challenge("nuts", S.STOPPED, stop_cause=Challenge.StopCause.ILLNESS)
    assert group_statuses([earlier, ill]) == {"nuts": "tolerated"}
    assert group_statuses([ill]) == {"nuts": "eliminated"}
    reaction = challenge("nuts", S.STOPPED, stop_cause=Challenge.StopCause.REACTION)
    assert group_statuses([earlier, reaction]) == {"nuts": "trigger"}


# Where the rule may be written: the rule itself, the model's fields and the cache that
# stores (or clears) a reading. A page reads a result's chance, or decides that a blinded
# result is hidden, only through `shown_result` / `result_hidden`.
RULE_HOMES = {"dietplanner/programs/visibility.py", "dietplanner/programs/models.py"}
CACHE = "dietplanner/programs/verdicts.py"
COPIES = (
    (re.compile(r"\.verdict_probability\b"), RULE_HOMES | {CACHE}),
    (re.compile(r"blinded\b[^\n]*\bis_finished|is_finished\b[^\n]*\bblinded"), RULE_HOMES),
    (re.compile(r"verdict and not [\w.]*\.blinded\b"), RULE_HOMES),
)


def test_no_page_or_export_writes_the_rule_again():
    found = []
    for path in [*ROOT.glob("dietplanner/**/*.py"), *ROOT.glob("templates/**/*.html")]:
        name = path.relative_to(ROOT).as_posix()
        if "/migrations/" in name:
            continue
        text = path.read_text()
        for pattern, allowed in COPIES:
            if name not in allowed and pattern.search(text):
                found.append(f"{name}: {pattern.pattern}")
    assert not found, "ask programs.visibility instead:\n" + "\n".join(found)
