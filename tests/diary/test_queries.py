"""Queries of the patient's daily pages, pinned, for diaries of different lengths (issue 17:
constant in diary length). Each patient is on day 2 of a food test, today not checked in yet.

The numbers are exact: a change that adds (or saves) a query on a page shows here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.benchmarks.page_data import patient_with_program, pinned_time, query_count
from tests.clinic.factories import SYMPTOMS
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")

CHECKIN = {f"score_{s}": "3" for s in SYMPTOMS} | {"dose_taken": "yes"}


@pytest.fixture
def task_queue(settings):
    """The task backend of production: a check-in writes its refresh's task row, and the
    worker (not timed here) runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def counts_per_length(client, send, lengths=(30, 365)) -> dict[int, int]:
    """{diary length: queries of `send(client)`}, for a fresh patient of each length."""
    counts = {}
    with pinned_time():
        for days in lengths:
            sign_in(client, patient_with_program(f"pat{days}@example.com", days))
            counts[days], _ = query_count(lambda: send(client))
    return counts


def test_today_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    counts = counts_per_length(client, lambda c: c.get(reverse("diary:today")))
    # session, user, program; the record (challenges, doses, entries); the check-in form's
    # symptoms and confounders (one query). Nothing is written.
    assert counts == {30: 7, 365: 7}


def test_htmx_checkin_queries_are_pinned_and_do_not_grow_with_the_diary(client, task_queue):
    counts = counts_per_length(
        client,
        lambda c: c.post(reverse("diary:checkin"), CHECKIN, HTTP_HX_REQUEST="true"),
        lengths=(30, 120, 365),
    )
    # session, user, the program with its lock (one query, inside the save's transaction);
    # the record (challenges, doses, entries, read once); symptoms and confounders for the
    # form (one query); the entry (one upsert), the diary's revision (one update: the stamp
    # `programs.memo` keys the rows it keeps by), the refresh's task row (one insert: the
    # worker stores the verdicts and long-term plans, no longer the request's one update of
    # the verdicts); the page is rendered from the same record.
    assert counts == {30: 10, 120: 10, 365: 10}


def test_plain_checkin_queries_are_pinned_and_do_not_grow_with_the_diary(client, task_queue):
    """The check-in without htmx (no script): the same save, then a redirect to Today."""
    counts = {}
    with pinned_time():
        for days in (30, 120, 365):
            sign_in(client, patient_with_program(f"pat{days}@example.com", days))
            with CaptureQueriesContext(connection) as captured:
                response = client.post(reverse("diary:checkin"), CHECKIN)
            assert response.status_code == 302, response.status_code
            counts[days] = len(captured)
    # The htmx check-in's 10, less the rendering's nothing, plus the session's write of the
    # confirmation shown after the redirect (an update in a savepoint: 3 statements).
    assert counts == {30: 13, 120: 13, 365: 13}


def test_diary_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    counts = counts_per_length(client, lambda c: c.get(reverse("diary:diary")))
    # session, user, program; challenges, entries; the page's doses; the names of the
    # symptoms, confounders and food groups logged (one query, 2 before).
    assert counts == {30: 7, 365: 7}
