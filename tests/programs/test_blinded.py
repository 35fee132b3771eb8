"""Blinded re-challenges: the A/B order kept from the patient until the test is finished.

Pat runs the anti-inflammatory diet from 5 Jan 2026 (21 calm baseline days). Her first group
(citrus) is tested open from 26 Jan, finishes with a `possible` result, and Dana sets up a
blinded re-challenge of it (pairs of test days with 3 quiet days after each, seeded order),
started on 1 Feb.
"""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dietplanner.analysis.exchange import dump_json
from dietplanner.programs.exchange import program_document
from dietplanner.programs.models import Challenge, DailyEntry, Dose, PlanChange, Program
from dietplanner.programs.schedule.blinded import blinded_design
from dietplanner.programs.selectors import program_plan
from dietplanner.programs.services import (
    PlanError,
    challenge_skip,
    challenge_start,
    challenge_stop,
    program_sync,
    rechallenge_blinded_add,
)
from dietplanner.programs.verdicts import verdicts_refresh
from tests.diary.factories import START, log_days, make_program

pytestmark = pytest.mark.django_db

OPEN_START = START + timedelta(days=21)  # 26 Jan: the open citrus challenge
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


def add_blinded(program, original, author, *, pairs=2, washout=3, seed=7) -> Challenge:
    return rechallenge_blinded_add(
        program=program,
        food_group=original.food_group,
        pairs=pairs,
        washout_days=washout,
        author=author,
        seed=seed,
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


def seed_for(arms: tuple[str, ...], washout: int = 3) -> int:
    """A seed whose draw gives this order of arms (the draw is reproducible from its seed)."""
    for seed in range(1000):
        design = blinded_design(pairs=len(arms) // 2, washout_days=washout, seed=seed)
        if tuple(d.arm for d in design.days) == arms:
            return seed
    raise AssertionError(f"no seed gives {arms}")


# --- setting it up --------------------------------------------------------------------------


def test_blinded_rechallenge_is_planned_after_the_current_challenges(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    last = program.challenges.order_by("-position").first()

    blinded = add_blinded(program, original, dietitian, pairs=3, washout=4, seed=11)

    assert blinded.status == Challenge.Status.PLANNED
    assert blinded.position == last.position + 1
    assert blinded.blinded and blinded.is_rechallenge and blinded.rechallenge_of == original
    assert blinded.dose_days == 6 and blinded.washout_days == 4 and blinded.blind_pairs == 3
    assert blinded.blind_seed == 11
    design = blinded_design(pairs=3, washout_days=4, seed=11)
    assert blinded.blind_labels == list(design.letters)
    assert blinded.blind_active_label == design.active_letter
    assert blinded.dose_offsets == (0, 5, 10, 15, 20, 25)


def test_without_a_seed_one_is_drawn_and_recorded(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    blinded = rechallenge_blinded_add(
        program=program, food_group=original.food_group, author=dietitian
    )
    assert blinded.blind_seed is not None and blinded.blind_pairs == 3
    assert blinded.washout_days == 3
    design = blinded_design(pairs=3, washout_days=3, seed=blinded.blind_seed)
    assert blinded.blind_labels == list(design.letters)


def test_the_log_entry_names_neither_the_arms_nor_the_order(patient, dietitian, catalogue):
    program, original = finished_open_challenge(patient)
    add_blinded(program, original, dietitian)

    change = PlanChange.objects.get(program=program)
    assert change.author == dietitian
    assert "active" not in change.summary and "placebo" not in change.summary
    assert (
        change.summary
        == "Added a blinded test: 2 pairs of test portions A and B, 3 quiet days after each."
    )


@pytest.mark.parametrize(
    ("pairs", "washout", "message"),
    [
        (1, 3, "needs 2 to 3 pairs"),
        (4, 3, "needs 2 to 3 pairs"),
        (2, 1, "must be 2 to 7 days"),
        (2, 8, "must be 2 to 7 days"),
    ],
)
def test_blinded_designs_out_of_range_are_refused(
    patient, dietitian, catalogue, pairs, washout, message
):
    program, original = finished_open_challenge(patient)
    with pytest.raises(PlanError, match=message):
        add_blinded(program, original, dietitian, pairs=pairs, washout=washout)
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
    assert [d.date for d in doses] == [BLIND_START + timedelta(days=4 * k) for k in range(4)]


def test_stored_orders_always_pair_one_active_with_one_placebo_portion_apart(
    patient, dietitian, catalogue
):
    """Found on the old design: a free shuffle of A/B days (B, B, A, A) put both active days
    first, back to back, with no washout between active and placebo portions."""
    program, blinded = running_blinded(patient, dietitian, seed=seed_for(("placebo", "active") * 2))
    doses = list(Dose.objects.filter(challenge=blinded).order_by("date"))
    for first, second in zip(doses[::2], doses[1::2], strict=True):
        assert {first.arm, second.arm} == {"active", "placebo"}
    gaps = [(b.date - a.date).days for a, b in zip(doses, doses[1:], strict=False)]
    assert gaps == [4, 4, 4]


def test_today_says_only_which_test_portion_to_have_or_that_it_is_a_quiet_day(
    patient_client, patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)
    for dose in Dose.objects.filter(challenge=blinded):
        with at(dose.date):
            html = patient_client.get(reverse("diary:today")).content.decode()
        assert f"test portion {dose.label}</strong> today" in html
    with at(BLIND_START + timedelta(days=2)):
        html = patient_client.get(reverse("diary:today")).content.decode()
    assert "no test portion today, quiet day 2 of 3" in html
    assert "next test portion is on 5 Feb" in html


def test_the_plan_shows_blinded_days_as_portion_letters_with_dates(
    patient_client, patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)
    with at(BLIND_START):
        html = patient_client.get(reverse("programs:plan")).content.decode()
    first = blinded.blind_labels[0]
    assert f'Blinded test: portion {first} on <time datetime="{BLIND_START:%Y-%m-%d}">' in html


PATIENT_NAMESPACES = ("diary", "programs", "accounts", "foods")
VERDICT_WORDS = ("Likely trigger", "Possible trigger", "Tolerated", "Inconclusive")


def _patient_urls(group_name: str) -> list[str]:
    """Every GET page and download of the patient's side that takes no argument, and the
    lookup of the food under test."""
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
    lookups = [f"{reverse('foods:lookup')}?q={word}" for word in (group_name, "orange", "milk")]
    return found + lookups + [reverse("landing"), reverse("safety")]


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _secret_words(blinded: Challenge) -> list[str]:
    return [
        "placebo",
        f"portion {blinded.blind_active_label} is the active",
        f"portion {blinded.blind_active_label} contained",
        "which contained",
        '"arm"',
        '"active_label"',
        "Unblinded",
    ]


def log_pain(program, first: date, last: date, hit: set[date]) -> None:
    """Calm days (every symptom 3) from `first` to `last`, pain 8 on the days in `hit`."""
    rows = []
    day = first
    while day <= last:
        scores = {s: 3 for s in program.symptoms}
        if day in hit:
            scores["pain"] = 8
        rows.append(DailyEntry(program=program, date=day, scores=scores))
        day += timedelta(days=1)
    DailyEntry.objects.bulk_create(rows)


def reaction_days(blinded: Challenge) -> set[date]:
    """Each active portion's day and the 2 after."""
    doses = Dose.objects.filter(challenge=blinded, arm="active")
    return {d.date + timedelta(days=k) for d in doses for k in range(3)}


def _log_clear_reaction(program, blinded, last: date) -> None:
    log_pain(program, BLIND_START, last, reaction_days(blinded))
    verdicts_refresh(program=program, today=last)


def test_no_patient_page_or_download_reveals_the_key_or_a_verdict_while_it_runs(
    patient_client, patient, dietitian, catalogue
):
    """Every patient page, htmx partial and download, on a test day and on a quiet day, with
    a diary that would read as a clear trigger: the group shows only as being tested."""
    program, original = finished_open_challenge(patient, verdict="inconclusive")
    blinded = add_blinded(program, original, dietitian, pairs=3)
    challenge_skip(challenge=program.challenges.get(position=1))
    challenge_start(challenge=blinded, on=BLIND_START)
    blinded.refresh_from_db()
    last_test_day = BLIND_START + timedelta(days=20)
    _log_clear_reaction(program, blinded, last_test_day)
    blinded.refresh_from_db()
    assert blinded.verdict == "" and blinded.verdict_detail == {}  # nothing cached to leak
    # The open challenge before it keeps no result either, so any verdict on a page would be
    # the running test's.
    Challenge.objects.filter(pk=original.pk).update(verdict="", verdict_detail={})
    general = {reverse("landing"), reverse("safety")}  # they explain the verdicts in general

    urls = _patient_urls(blinded.food_group.name)
    for name in ("programs:plan", "programs:results", "programs:ical", "diary:today"):
        assert reverse(name) in urls
    assert reverse("programs:my-data-download") in urls and reverse("diary:diary") in urls
    checked = 0
    for day in (BLIND_START + timedelta(days=16), BLIND_START + timedelta(days=18), last_test_day):
        with at(day):
            for url in urls:
                for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                    response = patient_client.get(url, **headers)
                    assert response.status_code < 500, url
                    if response.status_code != 200:
                        continue
                    body = response.content.decode(errors="replace")
                    for secret in _secret_words(blinded):
                        assert secret.lower() not in body.lower(), (url, secret)
                    text = _visible_text(body) if "html" in response["Content-Type"] else body
                    text = " ".join(text.split())
                    for word in VERDICT_WORDS if url not in general else ():
                        at_ = text.lower().find(word.lower())
                        assert at_ < 0, (url, word, text[max(0, at_ - 150) : at_ + 60])
                    if "html" in response["Content-Type"]:
                        assert not re.search(r"\bactive\b", text, re.I), url
                    checked += 1
    assert checked >= 40
    with at(last_test_day):
        lookup = patient_client.get(reverse("foods:lookup"), {"q": "orange"}).content.decode()
    assert "Being tested now" in lookup


def test_the_lookup_does_not_say_avoid_for_a_group_under_blinded_test(
    patient_client, patient, dietitian, catalogue
):
    """Found on the old design: the lookup said "Likely trigger: avoid" for the tested group
    as soon as the hidden verdict said trigger, so scoring A days high unblinded the test."""
    program, blinded = running_blinded(patient, dietitian)
    Challenge.objects.filter(pk=blinded.pk).update(verdict="trigger")
    with at(BLIND_START + timedelta(days=5)):
        html = patient_client.get(reverse("foods:lookup"), {"q": "orange"}).content.decode()
    assert "Likely trigger" not in html
    assert "Being tested now" in html


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


def _finish(program, blinded, *, on_placebo_too: bool) -> Challenge:
    """Pain at 8 on each reacting portion's day and the 2 after, else 3; then the last quiet
    days pass and Today's sync ends the test, which stores its reading."""
    doses = list(Dose.objects.filter(challenge=blinded))
    reacting = [d for d in doses if on_placebo_too or d.arm == "active"]
    hit = {d.date + timedelta(days=k) for d in reacting for k in range(3)}
    end = max(d.date for d in doses) + timedelta(days=5)
    DailyEntry.objects.bulk_create(
        DailyEntry(
            program=program,
            date=day,
            scores={s: 8 if day in hit and s == "pain" else 3 for s in program.symptoms},
        )
        for k in range((end - BLIND_START).days + 1)
        if (day := BLIND_START + timedelta(days=k))
    )
    verdicts_refresh(program=program, today=end)
    blinded.refresh_from_db()
    assert blinded.verdict == ""  # still running: nothing stored
    program_sync(program=program, plan=program_plan(program, end))
    blinded.refresh_from_db()
    assert blinded.status == Challenge.Status.DONE
    return blinded


@pytest.mark.parametrize(
    "arms",
    [
        ("placebo", "active", "active", "placebo"),
        ("active", "placebo", "placebo", "active"),
        ("placebo", "active", "placebo", "active"),
    ],
)
def test_a_reaction_after_active_portions_only_reads_as_a_trigger_once_it_ends(
    patient, dietitian, catalogue, arms
):
    program, blinded = running_blinded(patient, dietitian, seed=seed_for(arms))
    blinded = _finish(program, blinded, on_placebo_too=False)
    assert blinded.verdict == "trigger"
    detail = blinded.verdict_detail
    assert detail["pairs_favouring_active"] == 2 and detail["pairs_usable"] == 2
    assert detail["reasons"][0].startswith(
        f"In 2 of 2 pairs your pain scores were higher after portion "
        f"{blinded.blind_active_label}, which contained citrus"
    )


def test_a_reaction_after_both_portions_is_not_a_trigger(patient, dietitian, catalogue):
    arms = ("placebo", "active", "placebo", "active")
    program, blinded = running_blinded(patient, dietitian, seed=seed_for(arms))
    blinded = _finish(program, blinded, on_placebo_too=True)
    assert blinded.verdict == "tolerated"
    assert blinded.verdict_detail["blinded"] is True


def test_stopping_early_ends_the_test_and_shows_the_key_with_the_reason(
    patient_client, patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian, pairs=3)
    stop_day = BLIND_START + timedelta(days=7)  # a quiet day after the first pair
    log_days(program, BLIND_START, stop_day)
    with at(stop_day):
        challenge_stop(challenge=blinded, on=stop_day, reason="flu, fever since yesterday")
        blinded.refresh_from_db()
        html = patient_client.get(reverse("programs:plan")).content.decode()
        results = patient_client.get(reverse("programs:results")).content.decode()
    assert blinded.is_finished and blinded.verdict == "inconclusive"
    assert f"Portion {blinded.blind_active_label} contained it" in html
    assert "flu, fever since yesterday" in html
    assert "Only 1 of 3 pairs could be read" in results
    assert f"Portion {blinded.blind_active_label} contained citrus" in results
    assert Dose.objects.filter(challenge=blinded).count() == 2  # later portions cancelled


# --- the dietitian's form ------------------------------------------------------------------------


def _blinded_url(patient, original) -> str:
    return reverse("clinic:plan-blinded", args=[patient.public_id, original.public_id])


def test_the_dietitian_sets_up_pairs_and_sees_the_key_calendar_and_seed(
    dietitian_client, patient, dietitian, catalogue
):
    program, original = finished_open_challenge(patient)
    with at(BLIND_START):
        response = dietitian_client.post(
            _blinded_url(patient, original), {"pairs": "3", "washout_days": "4"}, follow=True
        )
    html = response.content.decode()
    blinded = program.challenges.get(blinded=True)
    assert blinded.blind_pairs == 3 and blinded.washout_days == 4
    assert f"seed <code>{blinded.blind_seed}</code>" in html
    assert "3 pairs, 4 quiet days after each test day" in html
    assert html.count("<td>placebo</td>") == 3


def test_the_form_explains_how_to_prepare_matched_portions(
    dietitian_client, patient, dietitian, catalogue
):
    program, original = finished_open_challenge(patient)
    with at(BLIND_START):
        html = dietitian_client.get(
            reverse("clinic:plan", args=[patient.public_id])
        ).content.decode()
    assert "look, smell, taste and feel the same" in html
    assert "a food your client already tolerates" in html
    for group in ("Dairy:", "Wheat / gluten:", "Eggs:", "Caffeine:", "FODMAP groups:"):
        assert group in html


def test_unequal_arms_cannot_be_set_up(dietitian_client, patient, dietitian, catalogue):
    """Found on the old design: 3 active and 1 placebo day could be set, and the patient's
    plan listed every day's letter in advance, so the majority letter was the food."""
    program, original = finished_open_challenge(patient)
    with at(BLIND_START):
        dietitian_client.post(
            _blinded_url(patient, original),
            {"active_days": "3", "placebo_days": "1", "pairs": "2", "washout_days": "3"},
        )
    blinded = program.challenges.get(blinded=True)
    letters = blinded.blind_labels
    assert letters.count("A") == letters.count("B") == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pairs": "1", "washout_days": "3"}, "needs 2 to 3 pairs"),
        ({"pairs": "3", "washout_days": "9"}, "must be 2 to 7 days"),
        ({"pairs": "", "washout_days": "3"}, "Enter a number of pairs."),
    ],
)
def test_a_design_out_of_bounds_gets_a_clear_message(
    dietitian_client, patient, dietitian, catalogue, data, message
):
    program, original = finished_open_challenge(patient)
    with at(BLIND_START):
        response = dietitian_client.post(_blinded_url(patient, original), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not program.challenges.filter(blinded=True).exists()


def test_the_report_shows_the_unblinded_result_with_its_pairs_once_it_ends(
    dietitian_client, patient, dietitian, catalogue
):
    arms = ("placebo", "active", "active", "placebo", "placebo", "active")
    program, blinded = running_blinded(patient, dietitian, pairs=3, seed=seed_for(arms))
    report_url = reverse("clinic:report", args=[patient.public_id])
    with at(BLIND_START + timedelta(days=10)):
        running = dietitian_client.get(report_url).content.decode()
    assert "Shown once the blinded test is finished" in running and "report-pairs" not in running

    blinded = _finish(program, blinded, on_placebo_too=False)
    with at(BLIND_START + timedelta(days=30)):
        html = dietitian_client.get(report_url).content.decode()
    active, placebo = blinded.blind_active_label, blinded.blind_placebo_label
    assert "blinded re-challenge, unblinded" in html
    assert (
        f"In 3 of 3 pairs the client&#x27;s pain scores were higher after portion {active}" in html
        or f"In 3 of 3 pairs the client's pain scores were higher after portion {active}" in html
    )
    assert f"{placebo} (placebo), then {active} (citrus fruit)" in html
    assert f"{active} (citrus fruit), then {placebo} (placebo)" in html
    assert html.count('data-label="Difference">+5.0') == 3


def test_the_plan_and_the_results_show_a_finished_blinded_result_alike(
    patient_client, patient, dietitian, catalogue
):
    """The plan hid a finished blinded test's result that the results page shows."""
    program, blinded = running_blinded(patient, dietitian)
    blinded = _finish(program, blinded, on_placebo_too=False)
    assert blinded.verdict
    with at(BLIND_START + timedelta(days=30)):
        plan = patient_client.get(reverse("programs:plan")).content.decode()
        results = patient_client.get(reverse("programs:results")).content.decode()
    assert f"Result:</span> {blinded.verdict_label}" in plan
    assert blinded.verdict_label in results


def test_the_diary_names_quiet_days_between_test_portions(
    patient_client, patient, dietitian, catalogue
):
    program, blinded = running_blinded(patient, dietitian)
    log_days(program, BLIND_START, BLIND_START + timedelta(days=5))
    with at(BLIND_START + timedelta(days=5)):
        html = patient_client.get(reverse("diary:diary")).content.decode()
    assert "Citrus fruit challenge (blinded), quiet day 2 after test day 1" in html
    assert "Citrus fruit challenge (blinded) day 2" in html
