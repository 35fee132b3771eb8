"""The patient's settings page: name, time zone, reminders, tracked symptoms, e-mail address."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from dietplanner.accounts.models import User
from dietplanner.diary.services import entry_save
from dietplanner.programs.models import DailyEntry
from dietplanner.programs.record import load_record
from tests.conftest import PASSWORD
from tests.diary.factories import START, SYMPTOMS

# Pat's program (the shared fixture) sends a daily reminder at 20:00.
pytestmark = [pytest.mark.usefixtures("catalogue"), pytest.mark.program(reminder_time=time(20, 0))]
URL = reverse("accounts:settings")


def form_data(user: User, **changes) -> dict:
    data = {
        "full_name": user.full_name,
        "symptoms": SYMPTOMS,  # the program's (ignored without a program)
        "timezone": user.timezone,
        "reminders_enabled": "on" if user.reminders_enabled else "",
        "reminder_time": "20:00",
        "email": user.email,
        "current_password": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_settings_page_shows_each_setting_with_its_value(patient_client, program):
    response = patient_client.get(URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Your time zone" in html and 'value="Europe/Oslo" selected' in html
    assert "Send me a daily reminder by e-mail" in html
    assert 'name="reminder_time"' in html and 'value="20:00"' in html
    assert 'value="pat@example.com"' in html


def test_the_patient_menu_leads_to_settings(patient_client, program):
    assert f'href="{URL}"' in patient_client.get(reverse("diary:today")).content.decode()


def test_saving_changes_time_zone_reminder_time_and_reminders(patient_client, patient, program):
    response = patient_client.post(
        URL,
        form_data(
            patient, timezone="America/New_York", reminder_time="07:45", reminders_enabled=""
        ),
        follow=True,
    )

    assert "Settings saved." in response.content.decode()
    patient.refresh_from_db()
    program.refresh_from_db()
    assert patient.timezone == "America/New_York"
    assert patient.reminders_enabled is False
    assert program.reminder_time == time(7, 45)
    assert mail.outbox == []


def test_an_empty_reminder_time_means_no_reminder(patient_client, patient, program):
    patient_client.post(URL, form_data(patient, reminder_time=""))
    program.refresh_from_db()
    assert program.reminder_time is None


def test_without_a_program_there_is_no_reminder_time_to_set(patient_client, patient):
    response = patient_client.get(URL)
    html = response.content.decode()
    assert 'name="reminder_time"' not in html
    assert "Reminders start with a program" in html
    assert patient_client.post(URL, form_data(patient, timezone="Asia/Tokyo")).status_code == 302


def test_an_unknown_time_zone_is_refused_with_a_message(patient_client, patient, program):
    response = patient_client.post(URL, form_data(patient, timezone="Mars/Olympus"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    patient.refresh_from_db()
    assert patient.timezone == "Europe/Oslo"


def test_changing_the_address_needs_the_password(patient_client, patient, program):
    response = patient_client.post(URL, form_data(patient, email="new@example.com"))
    assert response.status_code == 400
    assert "Enter your password to change your e-mail address." in response.content.decode()
    patient.refresh_from_db()
    assert patient.email == "pat@example.com"
    assert mail.outbox == []


def test_a_new_address_must_be_confirmed_and_the_old_one_is_told(patient_client, patient, program):
    response = patient_client.post(
        URL, form_data(patient, email="New@Example.com", current_password=PASSWORD), follow=True
    )

    patient.refresh_from_db()
    assert patient.email == "new@example.com"
    assert patient.email_verified_at is None
    html = response.content.decode()
    assert "We sent a link to new@example.com" in html
    assert "Please confirm your e-mail address" in html
    sent = {m.to[0]: m for m in mail.outbox}
    assert "/accounts/verify/" in sent["new@example.com"].body
    assert "changed from pat@example.com to new@example.com" in sent["pat@example.com"].body


def test_an_address_of_another_account_is_refused(patient_client, patient, other_patient, program):
    response = patient_client.post(
        URL, form_data(patient, email="OLIVE@example.com", current_password=PASSWORD)
    )
    assert response.status_code == 400
    assert "used by another account" in response.content.decode()


def test_a_refused_form_does_not_change_the_page_header(patient_client, patient, program):
    response = patient_client.post(URL, form_data(patient, email="not-an-address"))
    assert response.status_code == 400
    assert response.wsgi_request.user.email == "pat@example.com"


def test_dietitians_and_visitors_do_not_get_the_patient_settings(dietitian_client, client, db):
    assert dietitian_client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))


def test_the_settings_page_stays_within_a_few_queries(
    patient_client, program, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert patient_client.get(URL).status_code == 200


# --- name and tracked symptoms -----------------------------------------------------------------


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def test_the_name_can_be_changed(patient_client, patient, program):
    patient_client.post(URL, form_data(patient, full_name="Patricia Doe"))

    patient.refresh_from_db()
    assert patient.full_name == "Patricia Doe"


def test_an_empty_name_is_refused(patient_client, patient, program):
    response = patient_client.post(URL, form_data(patient, full_name=""))

    assert response.status_code == 400
    patient.refresh_from_db()
    assert patient.full_name == "Pat Doe"


def test_a_symptom_change_starts_the_next_day(patient_client, patient, program):
    today = START + timedelta(days=3)
    with at(today):
        response = patient_client.post(
            URL, form_data(patient, symptoms=["pain", "fatigue", "headache"]), follow=True
        )
        assert "From Friday 9 January you will score: Pain, Fatigue, Headache." in (
            response.content.decode()
        )
        # Today's check-in keeps today's list.
        today_page = patient_client.get(reverse("diary:today")).content.decode()
        assert 'name="score_stiffness"' in today_page and 'name="score_headache"' not in today_page

    program.refresh_from_db()
    assert program.symptoms == SYMPTOMS
    with at(today + timedelta(days=1)):
        tomorrow_page = patient_client.get(reverse("diary:today")).content.decode()
        plan = load_record(program, today=today + timedelta(days=1)).plan
    assert (
        'name="score_headache"' in tomorrow_page and 'name="score_stiffness"' not in tomorrow_page
    )
    assert plan.baseline.reference.keys() <= {"pain", "fatigue", "headache"}


def test_the_first_check_in_of_the_new_day_stores_the_change(patient, program):
    program.symptoms_change = {"from": "2026-01-09", "symptoms": ["pain", "headache"]}
    program.save()

    entry_save(
        program=program,
        on=date(2026, 1, 9),
        today=date(2026, 1, 9),
        scores={"pain": 3, "headache": 5},
    )

    program.refresh_from_db()
    assert (program.symptoms, program.symptoms_change) == (["pain", "headache"], {})
    assert DailyEntry.objects.get(program=program).scores == {"pain": 3, "headache": 5}


def test_choosing_the_current_symptoms_again_cancels_a_pending_change(
    patient_client, patient, program
):
    patient_client.post(URL, form_data(patient, symptoms=["pain"]))
    patient_client.post(URL, form_data(patient))

    program.refresh_from_db()
    assert program.symptoms_change == {}


def test_no_symptom_left_is_refused(patient_client, patient, program):
    data = form_data(patient)
    del data["symptoms"]

    response = patient_client.post(URL, data)

    assert response.status_code == 400
    assert "Keep at least one symptom to score each day." in response.content.decode()
