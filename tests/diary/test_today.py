import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.programs.models import Challenge, DailyEntry, Dose
from dietplanner.programs.record import shown_program
from foods.models import FoodGroup
from tests.conftest import sign_in

from .factories import START, log_days, make_program

pytestmark = pytest.mark.django_db

TODAY_URL = reverse("diary:today")
CHECKIN_URL = reverse("diary:checkin")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def checkin_data(program, score=3, **extra):
    data = {f"score_{s}": str(score) for s in program.symptoms}
    data.update(extra)
    return data


def ready_program(program):
    """A program whose 21 calm baseline days are logged: the first challenge may start."""
    log_days(program, START, START + timedelta(days=20))
    return program


def first_challenge(program) -> Challenge:
    return program.challenges.order_by("position").first()


def test_no_program_says_what_to_do_next(patient_client, catalogue):
    response = patient_client.get(TODAY_URL)
    assert b"no elimination program running" in response.content
    assert reverse("programs:start").encode() in response.content


def test_baseline_day_sentence(patient_client, program):
    with at(START + timedelta(days=8)):
        response = patient_client.get(TODAY_URL)
    assert b"Baseline day 9 of 21" in response.content


def test_plain_checkin_saves_and_redirects(patient_client, program):
    with at(START):
        response = patient_client.post(
            CHECKIN_URL, checkin_data(program, 4, note="tired"), follow=True
        )
    entry = DailyEntry.objects.get(program=program, date=START)
    assert entry.scores == {s: 4 for s in program.symptoms}
    assert entry.note == "tired"
    assert b"Saved your check-in" in response.content


def test_htmx_checkin_answers_with_the_form_and_what_was_saved(patient_client, program):
    with at(START):
        response = patient_client.post(
            CHECKIN_URL, checkin_data(program, 2), HTTP_HX_REQUEST="true"
        )
    html = response.content.decode()
    # 12:00 UTC is 13:00 on Pat's clock in Oslo.
    assert "<html" not in html and "Saved your check-in at 13:00" in html
    assert 'value="2" checked' in html


def test_checkin_can_be_edited_all_day_without_duplicates(patient_client, program):
    with at(START):
        patient_client.post(CHECKIN_URL, checkin_data(program, 2))
        patient_client.post(CHECKIN_URL, checkin_data(program, 5, confounders=["stress"]))
    entry = DailyEntry.objects.get(program=program, date=START)
    assert entry.scores["pain"] == 5 and entry.confounders == ["stress"]


def test_a_blank_score_means_not_scored(patient_client, program):
    data = checkin_data(program, 3)
    data["score_pain"] = ""
    with at(START):
        patient_client.post(CHECKIN_URL, data)
    assert "pain" not in DailyEntry.objects.get(program=program).scores


@pytest.mark.parametrize("bad", ["11", "-1", "3.5", "lots"])
def test_scores_outside_0_to_10_are_refused_and_nothing_saved(patient_client, program, bad):
    data = checkin_data(program)
    data["score_pain"] = bad
    with at(START):
        response = patient_client.post(CHECKIN_URL, data)
    assert response.status_code == 400
    assert b"Choose a score from 0" in response.content
    assert not DailyEntry.objects.exists()


def test_a_day_in_the_future_is_refused(patient_client, program):
    with at(START):
        response = patient_client.post(
            CHECKIN_URL, {**checkin_data(program), "day": "2026-01-06"}, follow=True
        )
    assert b"not happened yet" in response.content
    assert not DailyEntry.objects.exists()


def test_a_day_before_the_program_is_refused(patient_client, program):
    with at(START + timedelta(days=2)):
        response = patient_client.post(
            CHECKIN_URL, {**checkin_data(program), "day": "2026-01-01"}, follow=True
        )
    assert b"read-only" in response.content
    assert not DailyEntry.objects.exists()


def test_the_last_seven_days_can_be_filled_in_older_ones_cannot(patient_client, program):
    today = START + timedelta(days=10)
    with at(today):
        ok = patient_client.post(
            CHECKIN_URL, {**checkin_data(program), "day": str(today - timedelta(days=6))}
        )
        old = patient_client.post(
            CHECKIN_URL,
            {**checkin_data(program), "day": str(today - timedelta(days=7))},
            follow=True,
        )
    assert ok.status_code == 302
    assert b"read-only" in old.content
    assert list(DailyEntry.objects.values_list("date", flat=True)) == [today - timedelta(days=6)]


def test_a_nonsense_day_is_refused(patient_client, program):
    with at(START):
        response = patient_client.post(
            CHECKIN_URL, {**checkin_data(program), "day": "yesterday"}, follow=True
        )
    assert b"not valid" in response.content and not DailyEntry.objects.exists()


def test_ready_patient_is_offered_the_first_food_group_and_can_start_it(patient_client, program):
    ready_program(program)
    challenge = first_challenge(program)
    day = START + timedelta(days=21)
    with at(day):
        page = patient_client.get(TODAY_URL)
        assert (
            f"ready for the next food group: {challenge.food_group.name}".lower().encode()
            in page.content.lower()
        )
        patient_client.post(
            reverse("diary:start-challenge"), {"challenge": str(challenge.public_id)}
        )
        page = patient_client.get(TODAY_URL)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ACTIVE and challenge.first_dose_day == day
    doses = list(challenge.doses.order_by("date"))
    assert [d.step for d in doses] == [1, 2, 3]
    assert doses[0].portion == challenge.food_group.ladder[0]
    assert challenge.food_group.ladder[0].encode() in page.content
    assert b"day 1 of 3" in page.content


def test_a_challenge_cannot_start_before_the_baseline_is_ready(patient_client, program):
    challenge = first_challenge(program)
    with at(START + timedelta(days=3)):
        response = patient_client.post(
            reverse("diary:start-challenge"), {"challenge": str(challenge.public_id)}, follow=True
        )
    assert b"cannot start today" in response.content
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.PLANNED


def test_another_patients_challenge_cannot_be_started(client, other_patient, program):
    make_program(other_patient)
    sign_in(client, other_patient)
    response = client.post(
        reverse("diary:start-challenge"), {"challenge": str(first_challenge(program).public_id)}
    )
    assert response.status_code == 404


def started(program, patient_client):
    ready_program(program)
    challenge = first_challenge(program)
    challenge.food_group = FoodGroup.objects.get(slug="dairy")  # a measured (not counted) food
    challenge.save(update_fields=["food_group"])
    with at(START + timedelta(days=21)):
        patient_client.post(
            reverse("diary:start-challenge"), {"challenge": str(challenge.public_id)}
        )
    challenge.refresh_from_db()
    return challenge


def test_dose_taken_is_recorded_on_dose_days(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        patient_client.post(CHECKIN_URL, checkin_data(program, dose_taken="yes"))
    assert Dose.objects.get(challenge=challenge, date=challenge.first_dose_day).taken is True


def test_dose_answer_on_a_non_dose_day_is_ignored(patient_client, program):
    with at(START):
        patient_client.post(CHECKIN_URL, checkin_data(program, dose_taken="yes"))
    assert DailyEntry.objects.count() == 1 and not Dose.objects.exists()


def test_reaction_stops_the_challenge_and_cancels_the_remaining_doses(patient_client, program):
    challenge = started(program, patient_client)
    day2 = challenge.first_dose_day + timedelta(days=1)
    with at(day2):
        page = patient_client.get(TODAY_URL)
        assert b"having a reaction" in page.content
        response = patient_client.post(reverse("diary:reaction"), {"what": "pain flare"})
    assert b"What happens next" in response.content
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.STOPPED and challenge.stop_day == day2
    assert list(challenge.doses.values_list("date", flat=True)) == [challenge.first_dose_day, day2]
    assert not challenge.no_home_retest
    with at(day2 + timedelta(days=1)):
        page = patient_client.get(TODAY_URL)
    assert b"Washout" in page.content


def test_red_flag_reaction_sends_to_emergency_care_and_blocks_home_retest(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        response = patient_client.post(
            reverse("diary:reaction"), {"red_flags": ["trouble_breathing"]}
        )
    assert b"Get emergency care now" in response.content
    challenge.refresh_from_db()
    assert challenge.no_home_retest and challenge.red_flags == ["trouble_breathing"]
    assert b"not to be tested again at home" in response.content


def test_red_flags_get_emergency_advice_even_without_a_challenge(patient_client, program):
    with at(START):
        response = patient_client.post(reverse("diary:reaction"), {"red_flags": ["fainting"]})
    assert b"Get emergency care now" in response.content


def test_dietitian_gets_404_on_patient_pages(dietitian_client):
    for url in [TODAY_URL, CHECKIN_URL, reverse("diary:reaction")]:
        assert dietitian_client.get(url).status_code in (404, 405)
    assert dietitian_client.post(CHECKIN_URL).status_code == 404


def test_anonymous_is_sent_to_log_in(client):
    assert reverse("accounts:login") in client.get(TODAY_URL)["Location"]


@pytest.mark.parametrize("days", [30, 300])
def test_today_costs_at_most_13_queries_whatever_the_diary_length(
    patient_client, patient, catalogue, days, django_assert_max_num_queries
):
    program = make_program(patient, start=START, baseline_days=21)
    log_days(program, START, START + timedelta(days=days - 1))
    with at(START + timedelta(days=days - 1)), django_assert_max_num_queries(13):
        response = patient_client.get(TODAY_URL)
    assert response.status_code == 200


def test_a_fresh_day_has_no_score_preselected(patient_client, program):
    with at(START):
        html = patient_client.get(TODAY_URL).content.decode()
    assert 'value="" checked' not in html and "checked" not in html.split('id="checkin"')[1]


def test_an_upset_ticked_yesterday_is_recalled_until_today_is_checked_in(patient_client, program):
    day = START + timedelta(days=3)
    with at(day - timedelta(days=1)):
        patient_client.post(CHECKIN_URL, checkin_data(program, confounders=["illness"]))
    with at(day):
        before = patient_client.get(TODAY_URL).content.decode()
        patient_client.post(CHECKIN_URL, checkin_data(program))
        after = patient_client.get(TODAY_URL).content.decode()
    assert "Yesterday you ticked:" in before and "Ill (cold, flu, infection)" in before
    # Nothing is ticked for the patient: the hint only reminds.
    assert 'value="illness" checked' not in before
    assert "Yesterday you ticked:" not in after


def test_no_recall_when_yesterday_had_no_upset(patient_client, program):
    day = START + timedelta(days=3)
    with at(day - timedelta(days=1)):
        patient_client.post(CHECKIN_URL, checkin_data(program))
    with at(day):
        response = patient_client.get(TODAY_URL)
    assert "Yesterday you ticked:" not in response.content.decode()


def test_a_metric_patient_gets_grams_or_millilitres_first_in_the_planned_doses(
    patient_client, patient, program
):
    patient.measures = "metric"
    patient.save(update_fields=["measures"])
    challenge = started(program, patient_client)
    with at(START + timedelta(days=21)):
        page = patient_client.get(TODAY_URL)
    first = challenge.doses.order_by("date").first()
    assert first.portion == challenge.food_group.ladder_in("metric")[0]
    assert first.portion.startswith("60 ml of milk")
    assert first.portion.encode() in page.content


def test_changed_health_answers_hold_the_next_food_test_until_the_dietitian_clears(
    patient_client, patient, dietitian, program
):
    from dietplanner.programs.intake import current_screening, screening_clear
    from tests.conftest import screened

    ready_program(program)
    screened(patient, pregnant_or_breastfeeding="yes")
    challenge = first_challenge(program)
    with at(START + timedelta(days=21)):
        page = patient_client.get(TODAY_URL).content.decode()
        refused = patient_client.post(
            reverse("diary:start-challenge"), {"challenge": str(challenge.public_id)}, follow=True
        )
        assert "your dietitian needs to see them before the next food test" in page
        assert reverse("diary:start-challenge") not in page
        assert "dietitian needs to see them" in refused.content.decode()
        challenge.refresh_from_db()
        assert challenge.status == Challenge.Status.PLANNED

        screening_clear(screening=current_screening(patient), dietitian=dietitian)
        assert reverse("diary:start-challenge") in patient_client.get(TODAY_URL).content.decode()


def test_when_every_group_is_tested_today_points_to_the_long_term_plan(patient_client, program):
    ready_program(program)
    program.challenges.update(status=Challenge.Status.SKIPPED)
    with at(START + timedelta(days=21)):
        html = patient_client.get(TODAY_URL).content.decode()
    assert "You have tested every food group" in html
    assert reverse("programs:long-term") in html


def test_a_plain_post_lands_on_the_confirmation_by_the_save_button_focused_once(
    patient_client, program
):
    with at(START):
        response = patient_client.post(CHECKIN_URL, checkin_data(program, 4))
        assert response["Location"].endswith("#checkin-saved")
        page = patient_client.get(response["Location"]).content.decode()
        again = patient_client.get(TODAY_URL).content.decode()
    saved = page.split('id="checkin-saved"')[1].split("</div>")[0]
    assert "autofocus" in saved and "Saved your check-in at 13:00" in saved  # Oslo time
    # below the Save button, where the patient's thumb is
    assert page.index("Save check-in</button>") < page.index('id="checkin-saved"')
    assert 'id="checkin-saved"' not in again and "Saved earlier" in again


def test_the_htmx_confirmation_takes_the_focus(patient_client, program):
    with at(START):
        html = patient_client.post(
            CHECKIN_URL, checkin_data(program, 2), HTTP_HX_REQUEST="true"
        ).content.decode()
    assert 'id="checkin-saved" tabindex="-1" autofocus' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_a_check_in_with_nothing_scored_is_refused_with_a_message(patient_client, program, htmx):
    data = {f"score_{s}": "" for s in program.symptoms} | {"confounders": ["stress"]}
    headers = {"HX-Request": "true"} if htmx else {}
    with at(START):
        response = patient_client.post(CHECKIN_URL, data, headers=headers)
    html = response.content.decode()
    assert "Score at least one symptom" in html and "Nothing was saved" in html
    assert 'id="checkin-problem" tabindex="-1" autofocus' in html
    # what was ticked is kept for the second try
    assert 'value="stress" checked' in html
    assert not DailyEntry.objects.filter(program=program).exists()


def test_one_score_is_enough_to_save_a_day(patient_client, program):
    data = {f"score_{s}": "" for s in program.symptoms} | {"score_fatigue": "6"}
    with at(START):
        patient_client.post(CHECKIN_URL, data)
    assert DailyEntry.objects.get(program=program).scores == {"fatigue": 6}


def test_a_past_days_form_speaks_of_that_day_not_today(patient_client, program):
    day = START + timedelta(days=2)
    with at(day + timedelta(days=1)):
        page = patient_client.get(f"{TODAY_URL}?day={day.isoformat()}").content.decode()
        post = patient_client.post(
            CHECKIN_URL, checkin_data(program, day=day.isoformat()), HTTP_HX_REQUEST="true"
        ).content.decode()
    assert "Anything else that day?" in page and "Anything else today?" not in page
    assert "Saved your check-in for Wednesday 7 January" in post
    assert "any time today" not in post
    assert "You can still change it until Tuesday 13 January" in post


def test_todays_form_asks_about_today(patient_client, program):
    with at(START):
        page = patient_client.get(TODAY_URL).content.decode()
    assert "Anything else today?" in page


def test_upsets_are_folded_unless_one_was_ticked_yesterday(patient_client, program):
    day = START + timedelta(days=3)
    with at(day - timedelta(days=1)):
        calm = patient_client.get(TODAY_URL).content.decode()
        patient_client.post(CHECKIN_URL, checkin_data(program, confounders=["illness"]))
    with at(day):
        after_a_cold = patient_client.get(TODAY_URL).content.decode()
    assert '<details class="checkin-more confounders">' in calm
    assert '<details class="checkin-more confounders" open>' in after_a_cold


# --- undo "Start X today" ----------------------------------------------------------------------

UNDO_START = reverse("diary:undo-start")


def test_a_start_can_be_undone_the_same_day_before_a_portion_is_logged(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        page = patient_client.get(TODAY_URL).content.decode()
        assert "Started by mistake?" in page and "Undo: I did not start Dairy today" in page

        response = patient_client.post(
            UNDO_START, {"challenge": str(challenge.public_id)}, follow=True
        )

    challenge.refresh_from_db()
    program.refresh_from_db()
    assert (challenge.status, challenge.first_dose_day) == (Challenge.Status.PLANNED, None)
    assert not challenge.doses.exists()
    assert program.status == program.Status.BASELINE
    html = response.content.decode()
    assert "Undone: Dairy is planned again." in html
    assert "Ready for the next food group: Dairy" in html  # it may start again later


def test_a_start_cannot_be_undone_once_the_portion_is_logged(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day):
        patient_client.post(CHECKIN_URL, checkin_data(program, dose_taken="no"))
        assert b"Undo: I did not start" not in patient_client.get(TODAY_URL).content
        response = patient_client.post(
            UNDO_START, {"challenge": str(challenge.public_id)}, follow=True
        )

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ACTIVE
    assert b"only before its first portion is logged" in response.content


def test_a_start_cannot_be_undone_the_next_day(patient_client, program):
    challenge = started(program, patient_client)
    with at(challenge.first_dose_day + timedelta(days=1)):
        assert b"Undo: I did not start" not in patient_client.get(TODAY_URL).content
        patient_client.post(UNDO_START, {"challenge": str(challenge.public_id)})

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ACTIVE and challenge.doses.count() == 3


def test_another_patients_start_cannot_be_undone(client, other_patient, program, patient_client):
    challenge = started(program, patient_client)
    make_program(other_patient)
    sign_in(client, other_patient)
    with at(challenge.first_dose_day):
        response = client.post(UNDO_START, {"challenge": str(challenge.public_id)})

    assert response.status_code == 404
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ACTIVE


def test_day_one_says_what_to_leave_out_and_what_to_eat_instead(patient_client, program):
    with at(START):
        html = patient_client.get(TODAY_URL).content.decode()
    guide = html.partition('<details class="leave-out')[2].partition("</main>")[0]
    assert guide.startswith(' mt-4" id="leave-out" open>')
    assert "What to leave out, and what can I eat?" in guide
    assert "Keep these 13 food groups out" in guide
    assert reverse("foods:lookup") in guide
    gluten = guide.split('<h3 class="h6 mb-1">Gluten</h3>')[1].split("</li>")[0]
    assert "Leave out:</span> White bread, Pasta, Beer, Soy sauce" in gluten
    assert "White rice" in gluten and "Potato" not in gluten  # nightshades are out too
    assert "The protein in wheat, barley, rye and spelt" in gluten


def test_after_the_first_days_the_guide_is_folded_and_gone_once_tests_start(
    patient_client, program
):
    with at(START + timedelta(days=5)):
        later = patient_client.get(TODAY_URL).content.decode()
    assert '<details class="leave-out mt-4" id="leave-out">' in later
    ready_program(program)
    with at(START + timedelta(days=21)):
        testing = patient_client.get(TODAY_URL).content.decode()
    assert "What to leave out" not in testing


def test_a_low_fodmap_day_one_offers_swaps_of_that_diet(patient_client, patient, catalogue):
    make_program(patient, protocol="low-fodmap")
    with at(START):
        html = patient_client.get(TODAY_URL).content.decode()
    garlic = html.split("Fructans (garlic)</h3>")[1].split("</li>")[0]
    assert "Garlic-infused oil" in garlic and "Leave out:</span> Garlic," in garlic
    lactose = html.split("Lactose</h3>")[1].split("</li>")[0]
    assert "Lactose-free milk" in lactose


def test_the_check_in_form_drawn_from_memory_is_the_form_drawn_afresh(client):
    """The form's fieldsets and boxes are drawn once per process for the same values: the
    page is the same as with nothing kept, and a changed score or name shows at once."""
    from dietplanner.diary import forms
    from foods.models import Symptom
    from tests.benchmarks.page_data import patient_with_program, pinned_time

    def page() -> str:
        html = client.get(reverse("diary:today")).content.decode()
        return re.sub(r"[A-Za-z0-9]{64}", "", html)  # less the CSRF tokens

    with pinned_time():
        patient = patient_with_program("kept@example.com", 30)
        sign_in(client, patient)
        symptoms = shown_program(patient).symptoms
        first = page()
        assert page() == first
        forms._score_fieldset.cache_clear()
        forms._box_row.cache_clear()
        assert page() == first
        scores = {f"score_{s}": "7" for s in symptoms} | {"confounders": ["illness"]}
        client.post(reverse("diary:checkin"), scores)
        saved = page()
        Symptom.objects.filter(slug=symptoms[0]).update(name="Renamed <symptom>")
        renamed = page()
    assert saved != first
    assert saved.count('value="7" checked') == len(symptoms)
    assert re.search(r'value="illness" checked', saved)
    assert "Renamed &lt;symptom&gt;" in renamed
