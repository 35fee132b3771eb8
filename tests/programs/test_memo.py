"""The diary rows and plans a process keeps (`programs.memo`): read once, never stale.

Each test writes the way another server process would (the service, a plain model save, a
delete, a challenge started) while this process keeps what it read, and checks that the next
read shows the write. The clock is frozen, so two saves share one `updated` time: only the
diary's revision tells them apart.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dietplanner.analysis.vocabulary import TodayKind
from dietplanner.programs import record as record_module
from dietplanner.programs.models import Challenge, DailyEntry
from dietplanner.programs.record import load_record, shown_program
from tests.benchmarks.page_data import patient_with_program, pinned_time, query_count
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _record(patient):
    return load_record(shown_program(patient), today=patient.local_today())


def _first_symptom(record):
    return record.program.symptoms[0]


def test_a_second_page_reads_no_diary_rows_and_shows_the_same_day(client):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 365)
        sign_in(client, patient)
        first, page = query_count(lambda: client.get(reverse("diary:today")))
        with_rows_kept = len_queries(client, reverse("diary:today"))
        again = client.get(reverse("diary:today"))
    assert with_rows_kept == first - 1  # the entries' query, a year of rows, is not run
    assert record_module.diaries.hits >= 1
    assert _without_tokens(again) == _without_tokens(page)


def _without_tokens(response) -> str:
    """The page less its per-request CSRF tokens."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


def len_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_an_entry_changed_by_a_plain_save_at_the_same_instant_is_read_at_once():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        symptom = _first_symptom(before)
        day = before.entries[-1].date
        entry = DailyEntry.objects.get(program=before.program, date=day)
        entry.scores = {**entry.scores, symptom: 9 if entry.scores.get(symptom) != 9 else 1}
        entry.save()  # same frozen instant: same `updated`, same count
        after = _record(patient)
    assert after.entry_by_day[day].scores[symptom] == entry.scores[symptom]
    assert after.diary[day].scores[symptom] == entry.scores[symptom]


def test_a_check_in_saved_by_the_service_is_read_at_once(client):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        client.get(reverse("diary:today"))  # this process keeps the rows
        before = _record(patient)
        symptoms = before.program.symptoms
        response = client.post(
            reverse("diary:checkin"),
            {f"score_{s}": "7" for s in symptoms} | {"dose_taken": "yes"},
        )
        assert response.status_code == 302
        after = _record(patient)
        today = patient.local_today()
    assert today not in before.entry_by_day
    assert after.entry_by_day[today].scores == dict.fromkeys(symptoms, 7)
    assert len(after.entries) == len(before.entries) + 1


def test_a_deleted_entry_is_gone_at_once():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        day = before.entries[0].date
        DailyEntry.objects.filter(program=before.program, date=day).delete()
        after = _record(patient)
    assert day in before.entry_by_day
    assert day not in after.entry_by_day


def test_the_plan_follows_a_challenge_changed_elsewhere():
    """The plan kept is keyed by every input of the engine: a stop recorded by another process
    (the diary untouched) gives the plan of a stopped test."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        running = before.by_key[before.plan.today.challenge_key]
        Challenge.objects.filter(pk=running.pk).update(
            status=Challenge.Status.STOPPED, stop_day=patient.local_today() - timedelta(days=1)
        )
        after = _record(patient)
    assert before.plan.today.kind == TodayKind.DOSE
    assert after.plan.today.kind != TodayKind.DOSE
    assert after.plan != before.plan


def test_another_program_with_the_same_rows_never_shares_them():
    with pinned_time():
        one = _record(patient_with_program("one@example.com", 30))
        other = _record(patient_with_program("two@example.com", 30))
    assert one.diary_key != other.diary_key
    assert record_module.diaries.misses >= 2


def test_an_entry_changed_by_a_bulk_update_is_read_at_once():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        before = _record(patient)
        day = before.entries[-1].date
        DailyEntry.objects.filter(program=before.program, date=day).update(note="Changed")
        after = _record(patient)
    assert before.entry_by_day[day].note != "Changed"
    assert after.entry_by_day[day].note == "Changed"


def test_the_pages_after_a_check_in_find_its_rows_kept_under_the_new_stamp(
    client, django_capture_on_commit_callbacks
):
    """The check-in keeps the rows it saved under the stamp the database then has: the next
    page, in this process or another (the shared cache), reads no row and shows the save."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        client.get(reverse("diary:today"))
        symptoms = shown_program(patient).symptoms
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("diary:checkin"), {f"score_{s}": "6" for s in symptoms})
        misses = record_module.diaries.misses
        after = _record(patient)
        assert record_module.diaries.misses == misses  # found, not read
        record_module.diaries._items.clear()  # another process: only the shared cache has it
        again = _record(patient)
        today = patient.local_today()
    assert record_module.diaries.misses == misses
    assert record_module.diaries.shared_hits >= 1
    assert after.entry_by_day[today].scores == dict.fromkeys(symptoms, 6)
    assert again.entries == after.entries
