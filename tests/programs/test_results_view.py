"""The results page: one card per started challenge, read from the verdict cache."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.programs.models import Challenge, DailyEntry
from dietplanner.programs.services import program_refresh
from tests.conftest import sign_in
from tests.diary.factories import START, make_program

from .test_verdicts_cache import FIRST_DOSE, calm, log_baseline, reacting, run_window

pytestmark = pytest.mark.django_db

URL = reverse("programs:results")
DISCLAIMER = "suggestions to discuss with your dietitian or doctor, never a diagnosis"


def at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def started_program(patient, score_of=reacting, days=8):
    program = make_program(patient)
    log_baseline(program)
    challenge = program.challenges.order_by("position").first()
    from dietplanner.programs.services import challenge_start

    challenge_start(challenge=challenge, on=FIRST_DOSE)
    run_window(program, score_of, days)
    challenge.refresh_from_db()
    return program, challenge


def get(client, day=FIRST_DOSE + timedelta(days=10)):
    with at(day):
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_dietitians_get_a_404(dietitian_client):
    assert dietitian_client.get(URL).status_code == 404


def test_no_program_links_to_starting_one(patient_client, catalogue):
    html = get(patient_client)
    assert "no elimination program yet" in html
    assert reverse("programs:start") in html
    assert DISCLAIMER in html


def test_no_challenge_started_yet(patient_client, patient, catalogue):
    make_program(patient)
    html = get(patient_client, START + timedelta(days=3))
    assert "Results appear after your first food test" in html


def test_a_trigger_card_says_why_how_sure_and_shows_its_chart(patient_client, patient, catalogue):
    _, challenge = started_program(patient)
    html = get(patient_client)
    assert challenge.food_group.name in html
    assert "Likely trigger" in html and "⚠" in html and "text-bg-danger" in html
    tenths = round(challenge.verdict_probability * 10)
    assert (
        f'How sure: <span class="fw-semibold">About {tenths} in 10 foods with results like '
        "this are real triggers for the person.</span>"
    ) in html or "More than 19 in 20 foods with results like this are real triggers" in html
    assert "strength-of-evidence" not in html
    assert "Usual level" in html and "In the test" in html
    assert "Days left out" in html
    for reason in challenge.verdict_detail["reasons"]:
        assert reason.split("(")[0].strip()[:30] in html.replace("&#x27;", "'")
    assert html.count('class="symptom-chart"') == 1
    assert "The same scores as a table" in html
    assert html.count(DISCLAIMER) == 2
    assert "Provisional" not in html
    assert 'style="' not in html and "<script>" not in html


def test_a_tolerated_card(patient_client, patient, catalogue):
    started_program(patient, calm)
    html = get(patient_client)
    assert "Tolerated" in html and "✓" in html


def test_a_running_window_is_provisional(patient_client, patient, catalogue):
    started_program(patient, calm, days=2)
    html = get(patient_client, FIRST_DOSE + timedelta(days=1))
    assert "Provisional" in html


def test_a_red_flag_challenge_is_not_to_be_retested_at_home(patient_client, patient, catalogue):
    _, challenge = started_program(patient)
    Challenge.objects.filter(pk=challenge.pk).update(
        status=Challenge.Status.STOPPED,
        stop_day=FIRST_DOSE + timedelta(days=1),
        red_flags=["throat"],
        no_home_retest=True,
    )
    html = get(patient_client)
    assert "not to be re-tested at home; tell your doctor" in html


def test_a_running_blinded_test_reveals_nothing(patient_client, patient, catalogue):
    _, challenge = started_program(patient)
    Challenge.objects.filter(pk=challenge.pk).update(blinded=True)
    challenge.doses.update(arm="placebo")
    html = get(patient_client).split('id="main"')[1]
    assert "Blinded test" in html
    assert challenge.food_group.name not in html
    for word in ("Likely trigger", "placebo", "Placebo", "active", "symptom-chart", "How sure"):
        assert word not in html


def test_a_finished_blinded_test_names_its_group_but_not_the_arms(
    patient_client, patient, catalogue
):
    _, challenge = started_program(patient)
    Challenge.objects.filter(pk=challenge.pk).update(blinded=True, status=Challenge.Status.DONE)
    html = get(patient_client)
    assert challenge.food_group.name in html
    assert "Blinded test" not in html


def test_text_is_escaped(patient_client, patient, catalogue):
    _, challenge = started_program(patient)
    detail = dict(challenge.verdict_detail, reasons=["<b>bold</b> & <script>x</script>"])
    Challenge.objects.filter(pk=challenge.pk).update(verdict_detail=detail)
    html = get(patient_client)
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_another_patient_sees_only_their_own(client, patient, other_patient, catalogue):
    _, challenge = started_program(patient)
    sign_in(client, other_patient)
    html = get(client)
    assert challenge.food_group.name not in html
    assert "no elimination program yet" in html


@pytest.mark.parametrize("diary_days", [60, 300])
def test_queries_do_not_grow_with_the_diary(
    patient_client, patient, catalogue, django_assert_max_num_queries, diary_days
):
    program = make_program(patient)
    log_baseline(program, days=diary_days)
    DailyEntry.objects.filter(program=program, date__gte=START + timedelta(days=30)).update(
        confounders=["stress"]
    )
    challenges = list(program.challenges.order_by("position"))
    started = []
    for k, challenge in enumerate(challenges):
        dose = START + timedelta(days=21 + 12 * k)
        if dose + timedelta(days=12) > START + timedelta(days=diary_days):
            break
        challenge.status = Challenge.Status.DONE
        challenge.first_dose_day = dose
        challenge.washout_end = dose + timedelta(days=6)
        challenge.save()
        started.append(challenge)
    last = START + timedelta(days=diary_days - 1)
    program_refresh(program=program, today=last)
    with django_assert_max_num_queries(10), at(last):
        response = patient_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    # the latest test in full, the earlier ones folded, each opening its whole card
    assert len(started) >= 3
    assert html.count('class="symptom-chart"') == 1
    for challenge in started[:-1]:
        card_url = reverse("programs:result-card", args=[challenge.public_id])
        assert f'href="{card_url}"' in html
        with django_assert_max_num_queries(10), at(last):
            card = patient_client.get(card_url).content.decode()
        assert card.count('class="symptom-chart"') == 1


def test_the_nav_links_to_results(patient_client, catalogue):
    html = get(patient_client)
    assert f'aria-current="page" href="{URL}"' in html


def test_the_plan_shows_the_verdict_and_links_to_results(patient_client, patient, catalogue):
    started_program(patient)
    with at(FIRST_DOSE + timedelta(days=10)):
        html = patient_client.get(reverse("programs:plan")).content.decode()
    assert "Likely trigger" in html and f'href="{URL}">why</a>' in html


def test_a_challenge_just_started_reads_too_early_not_inconclusive(
    patient_client, patient, catalogue
):
    started_program(patient, calm, days=1)
    day = FIRST_DOSE
    html = get(patient_client, day)
    assert "Too early to tell" in html and "Inconclusive" not in html
    assert "How sure" not in html  # nothing to be sure of yet
    with at(day):
        plan = patient_client.get(reverse("programs:plan")).content.decode()
    assert "Result so far:</span> Too early to tell" in plan


def _cached(challenge, verdict, probability, first_dose, complete=True):
    """Give a challenge a cached reading, as `verdicts_refresh` leaves it."""
    Challenge.objects.filter(pk=challenge.pk).update(
        status=Challenge.Status.DONE if complete else Challenge.Status.ACTIVE,
        first_dose_day=first_dose,
        verdict=verdict,
        verdict_probability=probability,
        verdict_detail={"verdict": verdict, "probability": probability, "complete": complete},
    )


def test_the_page_opens_with_a_five_second_summary_of_the_menu(patient_client, patient, catalogue):
    program, trigger = started_program(patient)
    others = list(program.challenges.order_by("position"))[1:4]
    _cached(others[0], "tolerated", 0.03, FIRST_DOSE - timedelta(days=16))
    _cached(others[1], "possible", 0.4, FIRST_DOSE - timedelta(days=20))
    _cached(others[2], "tolerated", 0.05, FIRST_DOSE + timedelta(days=9), complete=False)
    html = get(patient_client).replace("&#x27;", "'")
    summary = html[html.index("In short") : html.index("One card per food group")]
    assert f"Back on your menu:</span> {others[0].food_group.name}." in summary
    assert (
        f"Keep out for now:</span> {trigger.food_group.name} (ask about a smaller amount)."
    ) in summary
    assert f"Worth testing again:</span> {others[1].food_group.name}." in summary
    assert f"Still being tested:</span> {others[2].food_group.name}." in summary
    assert html.index("In short") < html.index('class="card result-card')


def test_a_re_tested_group_appears_once_in_the_summary_by_its_latest_test(
    patient_client, patient, catalogue
):
    program, trigger = started_program(patient)
    later = list(program.challenges.order_by("position"))[1]
    Challenge.objects.filter(pk=later.pk).update(food_group=trigger.food_group)
    _cached(later, "tolerated", 0.04, FIRST_DOSE + timedelta(days=-19))
    html = get(patient_client)
    summary = html[html.index("In short") : html.index("One card per food group")]
    assert summary.count(trigger.food_group.name) == 1
    assert "Keep out for now" in summary  # the later test (by date) is the trigger


def test_a_card_words_its_evidence_without_claiming_a_cause(patient_client, patient, catalogue):
    _, challenge = started_program(patient)
    assert challenge.verdict == "trigger"
    html = get(patient_client).replace("&#x27;", "'")
    assert "Your symptoms were clearly higher in the days after this food." in html
    assert "rose clearly with this food" not in html
    assert "That can be the food, but also chance or expecting a reaction." in html
    assert "was higher in the days after the larger portions: +" in html
    assert "A clear rise is 2 points, or 30% of your usual level when that is less" in html
    assert "Clear rise" in html


def chart_row(html: str, day) -> str:
    """The row of `day` in a card's chart table (its date, phase and scores)."""
    return re.search(rf'<th scope="row">{day:%a} {day.day} {day:%b %Y}</th>.*?</tr>', html, re.S)[0]


def test_a_card_chart_shows_a_corrected_score_at_once(patient_client, patient, catalogue):
    """The chart is drawn once per server process for the same scores: a score changed since
    (by another process, at the same frozen instant) is drawn on the next view."""
    program, _ = started_program(patient)
    day = FIRST_DOSE + timedelta(days=2)
    entry = DailyEntry.objects.get(program=program, date=day)
    with at(FIRST_DOSE + timedelta(days=10)):
        before = patient_client.get(URL).content.decode()
        entry.scores = dict.fromkeys(entry.scores, 10)
        entry.save()
        after = patient_client.get(URL).content.decode()

    assert "<td>10</td>" not in chart_row(before, day)
    assert re.findall(r"<td>(\d+)</td>", chart_row(after, day)) == ["10"] * len(entry.scores)


def test_a_card_shows_a_reading_stored_since_at_once(patient_client, patient, catalogue):
    """The card in full is rendered once per server process for the same values: a reading
    another process stored since (a refresh after a check-in) is shown on the next view."""
    _, challenge = started_program(patient)
    detail = challenge.verdict_detail
    with at(FIRST_DOSE + timedelta(days=10)):
        before = patient_client.get(URL).content.decode()
        Challenge.objects.filter(pk=challenge.pk).update(
            verdict_detail=detail | {"reasons": [*detail["reasons"], "A reason stored since."]}
        )
        after = patient_client.get(URL).content.decode()

    assert "A reason stored since." not in before
    assert "<li>A reason stored since.</li>" in after
