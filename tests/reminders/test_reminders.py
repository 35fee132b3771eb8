"""Daily reminders and dose-day notes, queued by `send_due` at the patient's own time."""

import re
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from dietplanner.outbox.models import Email
from dietplanner.programs import services as program_services
from dietplanner.programs.models import DailyEntry, Program
from dietplanner.programs.record import load_record
from tests.diary.factories import log_days, make_program

# Pat's program (the shared fixture) sends a daily reminder at 20:00.
pytestmark = [pytest.mark.usefixtures("catalogue"), pytest.mark.program(reminder_time=time(20, 0))]

START = date(2026, 1, 5)
# Pat lives in Europe/Oslo: 20:00 there is 19:00 UTC in winter, 18:00 UTC in summer.


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def send_due_at(moment: datetime) -> list:
    """Run the periodic command at `moment`; the mails it sent."""
    before = len(mail.outbox)
    with time_machine.travel(moment, tick=False):
        call_command("send_due", verbosity=0)
    return mail.outbox[before:]


def test_the_reminder_comes_at_the_patients_time_in_their_zone_and_once(program):
    assert send_due_at(utc(2026, 1, 10, 18, 59)) == []

    sent = send_due_at(utc(2026, 1, 10, 19, 0))
    assert [m.to for m in sent] == [["pat@example.com"]]
    assert sent[0].subject == "Time for your check-in"
    assert "Baseline day 6 of 21" in sent[0].body

    assert send_due_at(utc(2026, 1, 10, 19, 1)) == []
    assert send_due_at(utc(2026, 1, 10, 21, 30)) == []
    assert len(send_due_at(utc(2026, 1, 11, 19, 0))) == 1


def test_no_reminder_on_a_day_already_checked_in(program):
    DailyEntry.objects.create(program=program, date=date(2026, 1, 10), scores={"pain": 2})
    assert send_due_at(utc(2026, 1, 10, 19, 0)) == []


def test_a_trigger_down_all_evening_sends_no_reminder_in_the_night(program):
    assert send_due_at(utc(2026, 1, 10, 23, 30)) == []  # 00:30 in Oslo, next day


def test_the_reminder_follows_the_wall_clock_across_daylight_saving(patient):
    program = make_program(patient, start=date(2026, 3, 20))
    program.reminder_time = time(20, 0)
    program.save()
    # Oslo moves to summer time on 29 March 2026: 20:00 is 19:00 UTC before, 18:00 UTC after.
    assert len(send_due_at(utc(2026, 3, 28, 19, 0))) == 1
    assert send_due_at(utc(2026, 3, 29, 17, 59)) == []
    assert len(send_due_at(utc(2026, 3, 29, 18, 0))) == 1


def test_a_time_skipped_by_spring_forward_comes_an_hour_later_once(patient):
    program = make_program(patient, start=date(2026, 3, 20))
    program.reminder_time = time(2, 30)  # does not exist in Oslo on 29 March 2026
    program.save()
    assert send_due_at(utc(2026, 3, 29, 0, 59)) == []  # 01:59 winter time
    assert len(send_due_at(utc(2026, 3, 29, 1, 30))) == 1  # 03:30 summer time
    assert send_due_at(utc(2026, 3, 29, 2, 0)) == []


def test_a_time_that_happens_twice_on_fall_back_sends_once(patient):
    program = make_program(patient, start=date(2026, 10, 20))
    program.reminder_time = time(2, 30)  # happens twice in Oslo on 25 October 2026
    program.save()
    assert len(send_due_at(utc(2026, 10, 25, 0, 30))) == 1  # the first 02:30 (summer time)
    assert send_due_at(utc(2026, 10, 25, 1, 30)) == []  # the second 02:30 (winter time)


def test_moving_west_after_the_reminder_sends_no_second_one_that_day(patient, program):
    assert len(send_due_at(utc(2026, 1, 10, 19, 0))) == 1
    patient.timezone = "America/New_York"
    patient.save()
    # 20:00 in New York on the same 10 January (01:00 UTC on the 11th).
    assert send_due_at(utc(2026, 1, 11, 1, 0)) == []
    # The next New York day has its reminder at 20:00 New York time.
    assert send_due_at(utc(2026, 1, 11, 19, 0)) == []
    assert len(send_due_at(utc(2026, 1, 12, 1, 0))) == 1


def test_moving_east_the_reminder_comes_at_the_new_zones_time(patient, program):
    patient.timezone = "Asia/Tokyo"
    patient.save()
    assert send_due_at(utc(2026, 1, 10, 19, 0)) == []  # 04:00 in Tokyo
    assert len(send_due_at(utc(2026, 1, 10, 11, 0))) == 1  # 20:00 in Tokyo


@pytest.mark.parametrize(
    "change",
    [
        "program_completed",
        "program_abandoned",
        "no_reminder_time",
        "reminders_off",
        "address_bounced",
        "address_unconfirmed",
        "account_inactive",
    ],
)
def test_no_reminder_when(change, patient, program):
    if change == "program_completed":
        program.status = Program.Status.COMPLETED
    elif change == "program_abandoned":
        program.status = Program.Status.ABANDONED
    elif change == "no_reminder_time":
        program.reminder_time = None
    elif change == "reminders_off":
        patient.reminders_enabled = False
    elif change == "address_bounced":
        patient.email_bounced_at = utc(2026, 1, 1)
    elif change == "address_unconfirmed":
        patient.email_verified_at = None
    elif change == "account_inactive":
        patient.is_active = False
    program.save()
    patient.save()
    assert send_due_at(utc(2026, 1, 10, 19, 0)) == []


def test_no_reminder_before_the_program_starts(patient):
    program = make_program(patient, start=date(2026, 2, 1))
    program.reminder_time = time(20, 0)
    program.save()
    assert send_due_at(utc(2026, 1, 31, 19, 0)) == []
    assert len(send_due_at(utc(2026, 2, 1, 19, 0))) == 1


def test_the_reminder_carries_a_one_click_unsubscribe_link(client, patient, program):
    (sent,) = send_due_at(utc(2026, 1, 10, 19, 0))
    url = re.search(r"http://\S+/reminders/unsubscribe/\S+/", sent.body).group(0)
    assert sent.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = "/" + url.split("/", 3)[3]

    page = client.get(path)  # no log-in needed; opening the link asks
    assert page.status_code == 200 and "Stop e-mail reminders?" in page.content.decode()
    patient.refresh_from_db()
    assert patient.reminders_enabled

    # What a mail program's one-click button does (RFC 8058): a POST without any CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    patient.refresh_from_db()
    assert not patient.reminders_enabled
    assert send_due_at(utc(2026, 1, 11, 19, 0)) == []


def test_a_forged_unsubscribe_link_changes_nothing(client, patient, program):
    response = client.post(reverse("reminders:unsubscribe", args=["forged:token"]))
    assert response.status_code == 404
    patient.refresh_from_db()
    assert patient.reminders_enabled


def test_each_reminder_is_recorded_with_a_key_for_the_patient_and_day(patient, program):
    send_due_at(utc(2026, 1, 10, 19, 0))
    email = Email.objects.get()
    assert email.key == f"reminder:{patient.pk}:2026-01-10"
    assert email.kind == Email.Kind.REMINDER and email.status == Email.Status.SENT


# --- dose days --------------------------------------------------------------------------------


def in_dose_days(program: Program, start: date):
    """Log a calm 14-day baseline and start the first challenge the day after."""
    log_days(program, program.start_date, start - timedelta(days=1), score=2)
    plan = load_record(program, today=start).plan
    assert plan.today.kind == "ready_for_next", plan.today.sentence
    challenge = program.challenges.get(public_id=plan.today.challenge_key)
    return program_services.challenge_start(challenge=challenge, on=start)


@pytest.fixture
def dosing(patient):
    program = make_program(patient, start=START, baseline_days=14)
    program.reminder_time = time(20, 0)
    program.save()
    challenge = in_dose_days(program, START + timedelta(days=14))
    return program, challenge


def test_a_dose_day_brings_a_morning_note_with_the_portion(dosing):
    program, challenge = dosing
    day = START + timedelta(days=15)  # dose day 2
    sent = send_due_at(utc(day.year, day.month, day.day, 6, 30))  # 07:30 in Oslo
    assert len(sent) == 1
    portion = challenge.ladder()[1]
    assert sent[0].subject == f"Today: {portion}"
    assert f"day 2 of 3: have {portion} today" in sent[0].body
    assert send_due_at(utc(day.year, day.month, day.day, 6, 45)) == []


def test_no_morning_note_on_a_day_without_a_dose(dosing):
    day = START + timedelta(days=10)
    assert send_due_at(utc(day.year, day.month, day.day, 6, 30)) == []


def test_no_morning_note_after_the_challenge_was_stopped(dosing):
    program, challenge = dosing
    program_services.challenge_stop(
        challenge=challenge, on=START + timedelta(days=14), reason="pain"
    )
    day = START + timedelta(days=15)
    assert send_due_at(utc(day.year, day.month, day.day, 6, 30)) == []


# --- several machines ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_send_due_on_several_machines_at_once_sends_each_reminder_once(catalogue, patient):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time anyway")
    program = make_program(patient, start=START)
    program.reminder_time = time(20, 0)
    program.save()
    barrier = threading.Barrier(4)
    errors = []

    def machine():
        try:
            barrier.wait()
            call_command("send_due", verbosity=0)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(utc(2026, 1, 10, 19, 0), tick=False):
        threads = [threading.Thread(target=machine) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert len(mail.outbox) == 1
    assert Email.objects.filter(kind=Email.Kind.REMINDER).count() == 1


def test_a_paused_patient_is_reminded_to_check_in_but_never_nagged_to_start_or_dose(dosing):
    from dietplanner.programs.reactions import reaction_report

    program, challenge = dosing
    first = START + timedelta(days=14)
    reaction_report(
        patient=program.patient, challenge=None, on=first, red_flags=["trouble_breathing"]
    )
    # The red flag came with nothing under test: the dose days stay planned, yet no morning
    # note asks for a portion while home tests are paused.
    day = first + timedelta(days=1)
    assert send_due_at(utc(day.year, day.month, day.day, 6, 30)) == []
    later = first + timedelta(days=12)
    log_days(program, first, later - timedelta(days=1), score=2)
    sent = send_due_at(utc(later.year, later.month, later.day, 19, 0))
    assert len(sent) == 1
    assert "paused" in sent[0].body and "start today" not in sent[0].body
