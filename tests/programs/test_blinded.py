"""Blinded re-challenges: the A/B order kept from the patient until the test is finished.

Pat runs the anti-inflammatory diet from 5 Jan 2026 (21 calm baseline days). Her first group
(gluten) is tested open from 26 Jan, finishes with a `possible` result, and Dana sets up a
blinded re-challenge of it (2 active and 2 placebo days, seeded order), started on 1 Feb.
"""

import json
import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dietplanner.analysis.exchange import dump_json
from dietplanner.diary.models import DailyEntry, Dose
from dietplanner.programs.blinding import blind_order_draw
from dietplanner.programs.exchange import program_document
from dietplanner.programs.models import Challenge, PlanChange, Program
from dietplanner.programs.selectors import program_plan
from dietplanner.programs.services import (
    PlanError,
    challenge_skip,
    challenge_start,
    program_sync,
    rechallenge_blinded_add,
)
from dietplanner.programs.verdicts import verdicts_refresh
from tests.diary.factories import START, log_days, make_program

pytestmark = pytest.mark.django_db

OPEN_START = START + timedelta(days=21)  # 26 Jan: the open gluten challenge
BLIND_START = OPEN_START + timedelta(days=6)  # 1 Feb: the blinded re-challenge


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def finished_open_challenge(patient, verdict: str = "possible") -> tuple[Program, Challenge]:
    """A program whose first group finished its open challenge with `verdict`.

    The second group stays planned (so the program is not completed); the rest are skipped.
    """
    program = make_program(patient)
    log_days(program, START, OPEN_START - timedelta(days=1))
    challenges = list(program.challenges.order_by("position"))
    for later in challenges[2:]:
        challenge_skip(challenge=later)
    first = challenges[0]
    challenge_start(challenge=first, on=OPEN_START)
    log_days(program, OPEN_START, BLIND_START - timedelta(days=1))
    program_sync(program=program, plan=program_plan(program, BLIND_START))
    first.refresh_from_db()
    assert first.status == Challenge.Status.DONE
    Challenge.objects.filter(pk=first.pk).update(verdict=verdict)
    first.refresh_from_db()
    return program, first


def add_blinded(program, original, author, *, active=2, placebo=2, seed=7) -> Challenge:
    return rechallenge_blinded_add(
        program=program,
        food_group=original.food_group,
        active_days=active,
        placebo_days=placebo,
        author=author,
        rng=random.Random(seed),
    )


def running_blinded(patient, author, **kwargs) -> tuple[Program, Challenge]:
    """The blinded re-challenge started on BLIND_START (the planned second group skipped)."""
    program, original = finished_open_challenge(patient)
    blinded = add_blinded(program, original, author, **kwargs)
    second = program.challenges.get(position=1)
    challenge_skip(challenge=second)
    challenge_start(challenge=blinded, on=BLIND_START)
    blinded.refresh_from_db()
    return program, blinded


def seed_for(arms: tuple[str, ...]) -> int:
    """A seed whose draw gives this order of arms (random.Random is reproducible)."""
    for seed in range(1000):
        draw = blind_order_draw(
            active_days=arms.count("active"),
            placebo_days=arms.count("placebo"),
            rng=random.Random(seed),
        )
        if draw.arms == arms:
            return seed
    raise AssertionError(f"no seed gives {arms}")


# --- setting it up --------------------------------------------------------------------------


def test_blinded_rechallenge_is_planned_after_the_current_challenges(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    last = program.challenges.order_by("-position").first()

    blinded = add_blinded(program, original, dietitian, active=3, placebo=2)

    assert blinded.status == Challenge.Status.PLANNED
    assert blinded.position == last.position + 1
    assert blinded.blinded and blinded.is_rechallenge and blinded.rechallenge_of == original
    assert blinded.dose_days == 5 and blinded.food_group == original.food_group
    assert sorted(blinded.blind_labels).count(blinded.blind_active_label) == 3
    assert set(blinded.blind_labels) == {"A", "B"}


def test_the_order_is_random_but_reproducible_with_a_seed():
    draws = {
        blind_order_draw(active_days=3, placebo_days=3, rng=random.Random(seed))
        for seed in range(40)
    }
    assert len({d.labels for d in draws}) > 5 and {d.active_label for d in draws} == {"A", "B"}
    first = blind_order_draw(active_days=3, placebo_days=3, rng=random.Random(5))
    assert first == blind_order_draw(active_days=3, placebo_days=3, rng=random.Random(5))


def test_the_default_generator_is_the_systems_unpredictable_one():
    draw = blind_order_draw(active_days=2, placebo_days=1)
    assert sorted(draw.arms) == ["active", "active", "placebo"]


def test_the_log_entry_names_neither_the_arms_nor_the_order(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    add_blinded(program, original, dietitian)

    change = PlanChange.objects.get(program=program)
    assert change.author == dietitian
    assert "active" not in change.summary and "placebo" not in change.summary
    assert "A and B" in change.summary


@pytest.mark.parametrize(
    ("active", "placebo", "message"),
    [
        (0, 2, "at least one active and one placebo day"),
        (2, 0, "at least one active and one placebo day"),
        (4, 4, "Dose days must be 1 to 7"),
    ],
)
def test_blinded_days_out_of_range_are_refused(
    patient, dietitian, catalogue, active, placebo, message
):
    program, original = finished_open_challenge(patient)
    with pytest.raises(PlanError, match=message):
        add_blinded(program, original, dietitian, active=active, placebo=placebo)
    assert not program.challenges.filter(blinded=True).exists()


def test_a_tolerated_result_gets_no_blinded_rechallenge(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient, verdict="tolerated")
    with pytest.raises(PlanError, match="tolerated"):
        add_blinded(program, original, dietitian)


def test_a_group_never_tested_gets_no_blinded_rechallenge(patient, dietitian, catalogue):
    program, _ = finished_open_challenge(patient)
    untested = program.challenges.get(position=1)
    with pytest.raises(PlanError, match="no finished challenge"):
        add_blinded(program, untested, dietitian)


def test_a_severe_reaction_is_never_retested_even_blinded(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    Challenge.objects.filter(pk=original.pk).update(no_home_retest=True)
    with pytest.raises(PlanError, match="never re-test"):
        add_blinded(program, original, dietitian)


def test_a_second_blinded_rechallenge_of_the_same_group_is_refused(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    add_blinded(program, original, dietitian)
    with pytest.raises(PlanError, match="already planned"):
        add_blinded(program, original, dietitian)


# --- running it -------------------------------------------------------------------------------


def test_starting_it_gives_each_dose_its_letter_and_arm_from_the_stored_order(
    patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)

    doses = list(Dose.objects.filter(challenge=blinded).order_by("date"))
    assert [d.label for d in doses] == blinded.blind_labels
    assert [d.arm for d in doses] == [blinded.arm_of(label) for label in blinded.blind_labels]
    assert [d.portion for d in doses] == [f"test portion {d.label}" for d in doses]
    assert doses[0].date == BLIND_START


def test_today_says_only_which_test_portion_to_have(patient_client, patient, dietitian, catalogue):
    program, blinded = running_blinded(patient, dietitian)
    for dose in Dose.objects.filter(challenge=blinded):
        with at(dose.date):
            html = patient_client.get(reverse("diary:today")).content.decode()
        assert f"test portion {dose.label}</strong> today" in html


def test_the_plan_shows_blinded_days_as_portion_letters_with_dates(
    patient_client, patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)
    with at(BLIND_START):
        html = patient_client.get(reverse("programs:plan")).content.decode()
    first = blinded.blind_labels[0]
    assert f'Blinded test: portion {first} on <time datetime="{BLIND_START:%Y-%m-%d}">' in html


PATIENT_NAMESPACES = ("diary", "programs", "accounts", "foods")


def _patient_urls() -> list[str]:
    """Every page of the patient's side that takes no argument (GET)."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif (
                isinstance(p, URLPattern)
                and p.name
                and not p.pattern.converters
                and namespace in PATIENT_NAMESPACES
            ):
                found.append(reverse(f"{namespace}:{p.name}"))

    walk(get_resolver().url_patterns, None)
    return found + [reverse("landing"), reverse("safety")]


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _secret_words(blinded: Challenge) -> list[str]:
    return [
        "placebo",
        f"portion {blinded.blind_active_label} is the active",
        f"portion {blinded.blind_active_label} contained",
        '"arm"',
    ]


def test_no_patient_page_or_export_reveals_the_order_while_it_runs(
    patient_client, patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)
    urls = _patient_urls()
    assert reverse("programs:plan") in urls and reverse("diary:today") in urls
    checked = 0
    for day in (BLIND_START, BLIND_START + timedelta(days=2)):
        with at(day):
            for url in urls:
                response = patient_client.get(url)
                assert response.status_code < 500, url
                if response.status_code != 200:
                    continue
                body = response.content.decode(errors="replace")
                for secret in _secret_words(blinded):
                    assert secret.lower() not in body.lower(), (url, secret)
                if "html" in response.get("Content-Type", ""):
                    assert not re.search(r"\bactive\b", _visible_text(body), re.I), url
                checked += 1
    assert checked >= 10


def test_the_patients_download_keeps_the_arms_out_until_it_is_finished(
    patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)

    hidden = json.loads(dump_json(program_document(program)))
    shown = json.loads(dump_json(program_document(program, reveal_arms=True)))

    running = [c for c in hidden["program"]["challenges"] if c.get("blinded")]
    assert running and all("arm" not in d for c in running for d in c["doses"])
    revealed = [c for c in shown["program"]["challenges"] if c.get("blinded")]
    assert {d["arm"] for c in revealed for d in c["doses"]} == {"active", "placebo"}

    Challenge.objects.filter(pk=blinded.pk).update(status=Challenge.Status.DONE)
    after = json.loads(dump_json(program_document(program)))
    done = [c for c in after["program"]["challenges"] if c.get("blinded")]
    assert {d["arm"] for c in done for d in c["doses"]} == {"active", "placebo"}


def test_the_key_is_revealed_on_the_plan_once_finished(
    patient_client, patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)
    Challenge.objects.filter(pk=blinded.pk).update(status=Challenge.Status.DONE)
    with at(BLIND_START + timedelta(days=10)):
        html = patient_client.get(reverse("programs:plan")).content.decode()
    assert f"Portion {blinded.blind_active_label} contained it" in html
    assert "was a placebo" in html


# --- reading it -------------------------------------------------------------------------------


def _log_reaction(program, blinded, *, on_placebo_too: bool) -> None:
    """Symptoms at 7 for the dose day and two days after each reacting dose, else 3."""
    doses = list(Dose.objects.filter(challenge=blinded))
    reacting = [d for d in doses if on_placebo_too or d.arm == "active"]
    hit = {d.date + timedelta(days=k) for d in reacting for k in range(3)}
    DailyEntry.objects.bulk_create(
        DailyEntry(
            program=program,
            date=day,
            scores={s: 7 if day in hit else 3 for s in program.symptoms},
        )
        for k in range(12)
        if (day := BLIND_START + timedelta(days=k))
    )
    verdicts_refresh(program=program, today=BLIND_START + timedelta(days=11))
    blinded.refresh_from_db()


@pytest.mark.parametrize(
    "arms",
    [
        ("placebo", "placebo", "active", "active"),
        ("active", "placebo", "active", "placebo"),
    ],
)
def test_a_reaction_on_active_days_only_reads_as_a_trigger(patient, dietitian, catalogue, arms):
    program, blinded = running_blinded(patient, dietitian, seed=seed_for(arms))
    _log_reaction(program, blinded, on_placebo_too=False)
    assert blinded.verdict in ("trigger", "possible")


def test_a_reaction_on_active_and_placebo_days_is_not_a_trigger(patient, dietitian, catalogue):
    arms = ("placebo", "active", "placebo", "active")
    program, blinded = running_blinded(patient, dietitian, seed=seed_for(arms))
    _log_reaction(program, blinded, on_placebo_too=True)
    assert blinded.verdict not in ("trigger", "")
    assert blinded.verdict_detail["blinded"] is True
