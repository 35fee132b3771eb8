"""Queries of the patient's daily pages, pinned, for diaries of different lengths (issue 17:
constant in diary length). Each patient is on day 2 of a food test, today not checked in yet.

The numbers are exact: a change that adds (or saves) a query on a page shows here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dietplanner.programs import memo
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


def counts_per_length(client, send, lengths=(30, 365), *, warm=False) -> dict[int, int]:
    """{diary length: queries of `send(client)`}, for a fresh patient of each length: the
    first view in a server process, or (`warm`) the view after a first Today, when the process
    keeps the program's rows and the catalogue (`programs.memo`)."""
    counts = {}
    with pinned_time():
        for days in lengths:
            email = f"pat{days}{'-warm' if warm else ''}@example.com"
            sign_in(client, patient_with_program(email, days))
            if warm:
                memo.forget()
                client.get(reverse("diary:today"))
                with CaptureQueriesContext(connection) as captured:
                    send(client)
                counts[days] = len(captured)
            else:
                counts[days], _ = query_count(lambda: send(client))
    return counts


def test_today_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    today = counts_per_length(client, lambda c: c.get(reverse("diary:today")))
    # session, user, program; the record (challenges, doses, entries); the catalogue kept from
    # then on (symptoms and confounders in one query, the food groups). Nothing is written.
    assert today == {30: 8, 365: 8}
    # Once the process keeps them: session, user, the program with its stamps, nothing else.
    warm = counts_per_length(client, lambda c: c.get(reverse("diary:today")), warm=True)
    assert warm == {30: 3, 365: 3}


def test_htmx_checkin_queries_are_pinned_and_do_not_grow_with_the_diary(client, task_queue):
    def send(c):
        return c.post(reverse("diary:checkin"), CHECKIN, HTTP_HX_REQUEST="true")

    counts = counts_per_length(client, send, lengths=(30, 120, 365))
    # session, user, the program with its lock (one query, inside the save's transaction);
    # the record (challenges, doses, entries, read once); the catalogue (two queries, kept
    # from then on); the entry (one upsert), the diary's revision (one update: the stamp
    # `programs.memo` keys the rows it keeps by), the refresh's task row (one insert: the
    # worker stores the verdicts and long-term plans); the page is rendered from the same
    # record. (The day's portion is already logged as taken: nothing to write on the dose.)
    assert counts == {30: 11, 120: 11, 365: 11}
    # After Today in the same process, which keeps the record's rows and the catalogue:
    # session, user, program, the upsert, the revision, the task row.
    warm = counts_per_length(client, send, lengths=(30, 120, 365), warm=True)
    assert warm == {30: 6, 120: 6, 365: 6}


def test_plain_checkin_queries_are_pinned_and_do_not_grow_with_the_diary(client, task_queue):
    """The check-in without htmx (no script): the same save, then a redirect to Today."""
    counts = {}
    with pinned_time():
        for days in (30, 120, 365):
            sign_in(client, patient_with_program(f"pat{days}@example.com", days))
            memo.forget()  # the first view in a server process
            with CaptureQueriesContext(connection) as captured:
                response = client.post(reverse("diary:checkin"), CHECKIN)
            assert response.status_code == 302, response.status_code
            counts[days] = len(captured)
    # The htmx check-in's 11, less the rendering's nothing, plus the session's write of the
    # confirmation shown after the redirect (an update in a savepoint: 3 statements).
    assert counts == {30: 14, 120: 14, 365: 14}


def test_diary_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    counts = counts_per_length(client, lambda c: c.get(reverse("diary:diary")))
    # session, user, program; challenges, entries; the page's doses; the catalogue, which
    # names the symptoms, confounders and food groups logged (two queries, kept from then on).
    assert counts == {30: 8, 365: 8}
