"""Queries of the results and plan pages, pinned, for a 30-day and a 365-day diary (13
challenges).

The numbers are exact: a change that adds a query shows here. Both diary lengths must cost
the same (issue 17: constant in diary length)."""

import pytest
from django.urls import reverse

from tests.benchmarks.page_data import patient_with_program, pinned_time, query_count
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")


def counts_per_length(client, url_name: str) -> dict[int, int]:
    """{diary length: queries of a GET of `url_name`}, for a fresh patient of each length."""
    counts = {}
    with pinned_time():
        for days in (30, 365):
            sign_in(client, patient_with_program(f"pat{days}@example.com", days))
            counts[days], _ = query_count(lambda: client.get(reverse(url_name)))
    return counts


def test_results_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    # session, user, program; the record without doses (challenges, entries); symptom names.
    assert counts_per_length(client, "programs:results") == {30: 6, 365: 6}


def test_plan_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    # session, user, program; the record (challenges, entries); symptom names, the diet's
    # groups, the change log.
    assert counts_per_length(client, "programs:plan") == {30: 8, 365: 8}


def test_calendar_queries_are_pinned_and_do_not_grow_with_the_diary(client):
    # session, user, program; the record (challenges, entries); the long-term plans.
    assert counts_per_length(client, "programs:ical") == {30: 6, 365: 6}
