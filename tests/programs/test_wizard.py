"""The start wizard: choose a diet, settings, summary with dates, confirm.

Pat lives in Oslo; the clock stands at noon UTC on Sunday 1 March 2026, her "today".
"""

from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.services import program_start
from foods.models import Protocol
from tests.conftest import sign_in

TODAY = date(2026, 3, 1)
START = reverse("programs:start")
SETTINGS = reverse("programs:start-settings")
REVIEW = reverse("programs:start-review")
CONFIRM = reverse("programs:start-confirm")

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        yield


def settings_data(**changes) -> dict:
    data = {
        "protocol": "anti-inflammatory",
        "start_date": "2026-03-01",
        "baseline_days": "21",
        "symptoms": ["pain", "fatigue"],
        "reminder_time": "",
    }
    data.update(changes)
    return data


def query(**changes) -> str:
    return urlencode(settings_data(**changes), doseq=True)


def start_program_for(patient, **changes) -> Program:
    values = {
        "patient": patient,
        "protocol": Protocol.objects.get(slug="low-fodmap"),
        "start_date": TODAY,
        "baseline_days": 28,
        "symptoms": ["bloating"],
        "today": TODAY,
    }
    values.update(changes)
    return program_start(**values)


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [START, SETTINGS + "?protocol=low-fodmap", REVIEW + "?" + query()])
def test_anonymous_visitor_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_confirm_post_is_sent_to_log_in_and_saves_nothing(client):
    response = client.post(CONFIRM, settings_data())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Program.objects.exists()


@pytest.mark.parametrize("url", [START, SETTINGS + "?protocol=low-fodmap", REVIEW + "?" + query()])
def test_dietitian_gets_404_on_every_wizard_page(dietitian_client, url):
    assert dietitian_client.get(url).status_code == 404


def test_dietitian_cannot_start_a_program_for_themselves(dietitian_client):
    assert dietitian_client.post(CONFIRM, settings_data()).status_code == 404
    assert not Program.objects.exists()


def test_admin_gets_404_too(client, admin):
    sign_in(client, admin)

    assert client.get(START).status_code == 404


@pytest.mark.parametrize("url", [START, SETTINGS + "?protocol=low-fodmap", REVIEW + "?" + query()])
def test_patient_with_a_running_program_is_sent_to_the_plan(patient_client, patient, url):
    start_program_for(patient)

    response = patient_client.get(url, follow=True)

    assert response.redirect_chain == [(reverse("programs:plan"), 302)]
    assert "You already have a program running" in response.content.decode()


def test_confirm_with_a_running_program_starts_no_second_one(patient_client, patient):
    start_program_for(patient)

    response = patient_client.post(CONFIRM, settings_data())

    assert response["Location"] == reverse("programs:plan")
    assert Program.objects.filter(patient=patient).count() == 1


def test_confirm_page_only_takes_posts(patient_client):
    assert patient_client.get(CONFIRM).status_code == 405


# --- step 1: choose a diet -------------------------------------------------------------------


def test_choose_page_shows_each_diet_in_plain_words(patient_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = patient_client.get(START)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Anti-inflammatory elimination" in html
    assert "For people with long-term pain" in html  # the protocol's description
    assert "Gluten" in html and "Dairy" in html  # what is left out
    assert "21 days" in html and "28 days" in html and "42 days" in html  # for how long
    assert f'href="{SETTINGS}?protocol=low-fodmap"' in html


def test_custom_diet_is_shown_as_built_by_the_dietitian_and_cannot_be_chosen(patient_client):
    html = patient_client.get(START).content.decode()

    assert "Built by your dietitian" in html
    assert "protocol=custom" not in html


def test_a_patient_whose_program_ended_may_start_another(patient_client, patient):
    program = start_program_for(patient)
    program.status = Program.Status.ABANDONED
    program.save()

    assert patient_client.get(START).status_code == 200


# --- step 2: settings ------------------------------------------------------------------------


def test_settings_form_starts_from_the_protocol_defaults(patient_client):
    response = patient_client.get(SETTINGS, {"protocol": "anti-inflammatory"})

    html = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 200
    assert not form.is_bound
    assert form["start_date"].value() == TODAY
    assert form["baseline_days"].value() == 21
    assert form["symptoms"].value() == ["pain", "fatigue", "sleep", "brain_fog", "stiffness"]
    assert html.count('type="checkbox"') == 15  # every symptom of the catalogue
    assert 'value="2026-03-01"' in html and 'min="2026-03-01"' in html
    assert 'min="14"' in html and 'max="42"' in html
    assert 'type="time"' in html
    assert 'for="id_reminder_time"' in html


def test_settings_form_keeps_the_values_when_coming_back_from_the_summary(patient_client):
    response = patient_client.get(
        SETTINGS + "?" + query(baseline_days="30", symptoms=["skin"], reminder_time="08:30")
    )

    form = response.context["form"]
    assert form["baseline_days"].value() == "30"
    assert form["symptoms"].value() == ["skin"]
    assert form["reminder_time"].value() == "08:30"


@pytest.mark.parametrize("slug", ["no-such-diet", "custom", ""])
def test_unknown_or_dietitian_only_diet_sends_the_patient_back_to_choose(patient_client, slug):
    response = patient_client.get(SETTINGS, {"protocol": slug}, follow=True)

    assert response.redirect_chain == [(START, 302)]
    assert "Choose one of the diets below" in response.content.decode()


def test_settings_without_a_protocol_sends_the_patient_back_to_choose(patient_client):
    response = patient_client.get(SETTINGS)

    assert response["Location"] == START


# --- step 3: the summary -----------------------------------------------------------------------


def test_summary_shows_the_dated_plan_without_saving_anything(patient_client):
    response = patient_client.get(REVIEW + "?" + query(reminder_time="08:30"))

    html = response.content.decode()
    plan = response.context["plan"]
    assert response.status_code == 200
    assert not Program.objects.exists()
    assert plan.baseline.planned_end == date(2026, 3, 21)
    assert "Saturday 21 March 2026" in html
    assert len(plan.challenges) == 13
    first = plan.challenges[0]
    assert first.group_name == "Citrus fruit" and first.first_dose_day == date(2026, 3, 22)
    assert 'datetime="2026-03-22"' in html
    assert "Pain, Fatigue" in html
    assert "at 08:30" in html
    assert "Start my program" in html


def test_summary_carries_the_settings_in_hidden_fields_and_a_change_link(patient_client):
    html = patient_client.get(REVIEW + "?" + query()).content.decode()

    assert f'action="{CONFIRM}"' in html
    assert 'type="hidden" name="start_date" value="2026-03-01"' in html
    assert 'type="hidden" name="symptoms" value="pain"' in html
    assert 'type="hidden" name="symptoms" value="fatigue"' in html
    assert f'href="{SETTINGS}?protocol=anti-inflammatory&amp;start_date=2026-03-01' in html


def test_summary_needs_few_queries(patient_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = patient_client.get(REVIEW + "?" + query())

    assert response.status_code == 200


def test_a_later_start_moves_every_date(patient_client):
    response = patient_client.get(REVIEW + "?" + query(start_date="2026-03-10"))

    plan = response.context["plan"]
    assert plan.baseline.start == date(2026, 3, 10)
    assert plan.challenges[0].first_dose_day == date(2026, 3, 31)


def test_start_date_in_the_past_is_refused_with_a_clear_message(patient_client):
    response = patient_client.get(REVIEW + "?" + query(start_date="2026-02-28"))

    assert response.templates[0].name == "programs/start_settings.html"
    assert "The first baseline day cannot be in the past." in response.content.decode()


def test_start_date_more_than_a_year_ahead_is_refused(patient_client):
    response = patient_client.get(REVIEW + "?" + query(start_date="9999-12-31"))

    assert "Choose a day within the next 12 months." in response.content.decode()


def test_start_date_that_is_not_a_date_is_refused(patient_client):
    response = patient_client.get(REVIEW + "?" + query(start_date="soon"))

    assert "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize("days", ["13", "43", "0", "-5"])
def test_baseline_outside_the_protocol_bounds_is_refused(patient_client, days):
    response = patient_client.get(REVIEW + "?" + query(baseline_days=days))

    assert "The baseline of this diet lasts 14 to 42 days." in response.content.decode()


def test_baseline_bounds_follow_the_chosen_protocol(patient_client):
    Protocol.objects.filter(slug="low-fodmap").update(baseline_min=20, baseline_max=30)

    response = patient_client.get(
        REVIEW + "?" + query(protocol="low-fodmap", baseline_days="19", symptoms=["bloating"])
    )

    assert "The baseline of this diet lasts 20 to 30 days." in response.content.decode()


def test_baseline_that_is_not_a_number_is_refused(patient_client):
    response = patient_client.get(REVIEW + "?" + query(baseline_days="three weeks"))

    assert "Enter a whole number." in response.content.decode()


def test_no_symptoms_ticked_asks_for_at_least_one(patient_client):
    response = patient_client.get(REVIEW + "?" + query(symptoms=[]))

    assert "Choose at least one symptom to track." in response.content.decode()


def test_unknown_symptom_is_refused(patient_client):
    response = patient_client.get(REVIEW + "?" + query(symptoms=["pain", "itchy_elbows"]))

    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("slug", ["no-such-diet", "custom"])
def test_summary_of_an_unknown_diet_sends_the_patient_back_to_choose(patient_client, slug):
    response = patient_client.get(REVIEW + "?" + query(protocol=slug))

    assert response["Location"] == START


# --- confirm ---------------------------------------------------------------------------------


def test_start_my_program_saves_it_and_goes_to_today(patient_client, patient):
    data = settings_data(
        baseline_days="28", symptoms=["fatigue", "pain", "skin"], reminder_time="20:15"
    )

    response = patient_client.post(CONFIRM, data)

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    program = Program.objects.get(patient=patient)
    assert program.protocol.slug == "anti-inflammatory"
    assert program.start_date == TODAY
    assert program.baseline_days == 28
    assert program.symptoms == ["pain", "fatigue", "skin"]  # catalogue order
    assert program.reminder_time == time(20, 15)
    assert program.status == Program.Status.BASELINE
    groups = list(
        program.challenges.order_by("position").values_list("food_group__slug", flat=True)
    )
    assert groups[:3] == ["citrus", "nuts", "shellfish"] and len(groups) == 13


def test_start_my_program_says_what_happened_on_the_next_page(patient_client):
    response = patient_client.post(CONFIRM, settings_data())

    stored = [str(m) for m in response.wsgi_request._messages]
    assert stored == [
        "Your Anti-inflammatory elimination program has started. "
        "Score your symptoms here every day."
    ]


def test_start_my_program_without_a_reminder_keeps_none(patient_client, patient):
    patient_client.post(CONFIRM, settings_data())

    assert Program.objects.get(patient=patient).reminder_time is None


def test_confirm_after_the_start_day_passed_shows_the_form_again(patient_client):
    response = patient_client.post(CONFIRM, settings_data(start_date="2026-02-27"))

    assert response.status_code == 200
    assert response.templates[0].name == "programs/start_settings.html"
    assert "The first baseline day cannot be in the past." in response.content.decode()
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"baseline_days": "99"}, {"symptoms": []}, {"protocol": "custom"}, {"protocol": "x"}],
)
def test_confirm_with_bad_settings_saves_nothing(patient_client, changes):
    response = patient_client.post(CONFIRM, settings_data(**changes))

    assert response.status_code in (200, 302)
    assert not Program.objects.exists()
    assert not Challenge.objects.exists()


def test_back_and_forward_reuse_the_querystring_without_a_session(patient_client):
    """The wizard keeps nothing between requests: the same URL always shows the same page."""
    url = REVIEW + "?" + query(baseline_days="25")

    first = patient_client.get(url).content.decode()
    patient_client.get(SETTINGS + "?protocol=low-fodmap")
    again = patient_client.get(url).content.decode()

    assert "25 days on the elimination diet" in first
    assert "25 days on the elimination diet" in again
