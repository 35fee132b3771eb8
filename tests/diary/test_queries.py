"""Queries of the patient's daily pages, pinned, for diaries of different lengths (issue 17:
constant in diary length). Each patient is on day 2 of a food test, today not checked in yet.

The numbers are exact: a change that adds (or saves) a query on a page shows here."""

import pytest
from django.urls import reverse

from tests.benchmarks.page_data import patient_with_program, pinned_time, query_count
from tests.clinic.factories import SYMPTOMS
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")

CHECKIN = {f"score_{s}": "3" for s in SYMPTOMS} | {"dose_taken": "yes"}


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
    # symptoms and confounders. Nothing is written.
    assert counts == {30: 8, 365: 8}


def test_htmx_checkin_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    counts = counts_per_length(
        client,
        lambda c: c.post(reverse("diary:checkin"), CHECKIN, HTTP_HX_REQUEST="true"),
        lengths=(30, 120, 365),
    )
    # session, user, program; the record (challenges, doses, entries, read once); symptoms
    # and confounders for the form; the program's lock, the entry (one upsert), the verdicts
    # (one update); the page is rendered from the same record. One more once a food test has
    # ended (the stored long-term plans); the same for 4 ended tests as for 12.
    assert counts == {30: 11, 120: 12, 365: 12}


def test_diary_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    counts = counts_per_length(client, lambda c: c.get(reverse("diary:diary")))
    assert counts == {30: 8, 365: 8}
