"""Derived state is stored by the writes that change its inputs and by the scheduled refresh,
never by a page: a patient who stops opening the app still shows where they are."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dietplanner.diary.services import entry_save
from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.record import load_record
from dietplanner.programs.services import challenge_skip, challenge_start, programs_refresh_due
from tests.conftest import sign_in
from tests.diary.factories import START, log_days, make_program

pytestmark = pytest.mark.django_db

FIRST_DOSE = START + timedelta(days=21)
LAST_WASHOUT_DAY = FIRST_DOSE + timedelta(days=5)  # 3 dose days, then 3 washout days


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def one_test_checked_in_to_its_last_washout_day(patient) -> Program:
    """A program whose only test (the others skipped) was checked in every day up to the last
    day of its washout; the patient has not opened the app since."""
    with at(START):
        program = make_program(patient)
    log_days(program, START, FIRST_DOSE - timedelta(days=1))
    first, *rest = program.challenges.order_by("position")
    with at(FIRST_DOSE):
        for challenge in rest:
            challenge_skip(challenge=challenge)
        challenge_start(challenge=first, on=FIRST_DOSE)
    day = FIRST_DOSE
    while day <= LAST_WASHOUT_DAY:
        with at(day):
            entry_save(
                program=program, on=day, today=day, scores=dict.fromkeys(program.symptoms, 3)
            )
        day += timedelta(days=1)
    first.refresh_from_db()
    assert first.status == Challenge.Status.WASHOUT
    return program


def client_list(client) -> str:
    return client.get(reverse("clinic:clients")).content.decode()


def test_the_client_list_is_right_after_the_scheduled_refresh_though_the_patient_stays_away(
    client, patient, dietitian, catalogue
):
    program = one_test_checked_in_to_its_last_washout_day(patient)
    sign_in(client, dietitian)
    with at(LAST_WASHOUT_DAY + timedelta(days=3)):
        call_command("send_due", verbosity=0)
        html = client_list(client)
    program.refresh_from_db()
    assert program.status == Program.Status.COMPLETED
    assert program.challenges.get(status__in=Challenge.STARTED_STATUSES).status == "done"
    assert "Program completed" in html


def test_opening_today_stores_nothing_the_record_shows_the_day_as_it_is(client, patient, catalogue):
    program = one_test_checked_in_to_its_last_washout_day(patient)
    sign_in(client, patient)
    later = LAST_WASHOUT_DAY + timedelta(days=3)
    with at(later), CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("diary:today"))
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert response.context["status"].kind == "completed"  # computed on read
    first = program.challenges.get(status__in=Challenge.STARTED_STATUSES)
    assert first.status == Challenge.Status.WASHOUT  # stored as the last write left it
    assert load_record(program, today=later).derived_changes[0].status == "done"


def test_the_scheduled_refresh_takes_each_program_once_a_day_in_its_patients_time_zone(
    patient, catalogue
):
    program = one_test_checked_in_to_its_last_washout_day(patient)
    with at(LAST_WASHOUT_DAY):
        assert programs_refresh_due() == 0  # refreshed by today's check-in
    with at(LAST_WASHOUT_DAY + timedelta(days=1)):
        assert programs_refresh_due() == 1
        assert programs_refresh_due() == 0
    program.refresh_from_db()
    assert program.refreshed_on == LAST_WASHOUT_DAY + timedelta(days=1)


def test_a_patient_whose_day_has_already_turned_is_refreshed_first(patient, catalogue):
    """At noon UTC it is already tomorrow in Auckland: that patient's program is behind."""
    program = one_test_checked_in_to_its_last_washout_day(patient)
    patient.timezone = "Pacific/Auckland"
    patient.save(update_fields=["timezone"])
    with at(LAST_WASHOUT_DAY):
        assert programs_refresh_due() == 1
    program.refresh_from_db()
    assert program.refreshed_on == LAST_WASHOUT_DAY + timedelta(days=1)
    assert program.status == Program.Status.COMPLETED


def test_a_program_the_engine_refuses_does_not_stop_the_others_refresh(
    patient, other_patient, catalogue
):
    program = one_test_checked_in_to_its_last_washout_day(patient)
    with at(START):
        broken = make_program(other_patient)
    first = broken.challenges.order_by("position").first()
    Challenge.objects.filter(pk=first.pk).update(status="stopped", first_dose_day=FIRST_DOSE)
    with at(LAST_WASHOUT_DAY + timedelta(days=1)):
        assert programs_refresh_due() == 1  # the stop without a day is logged, not fatal
    program.refresh_from_db()
    assert program.status == Program.Status.COMPLETED
