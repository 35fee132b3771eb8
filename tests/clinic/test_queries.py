"""Queries of the dietitian's pages, pinned: the client list for 5 and 50 clients, the
client report, its PDF and the diary CSV for a 30-day and a 365-day diary (constant in both).

The numbers are exact: a change that adds (or saves) a query on a page shows here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dietplanner.clinic import pdf as pdf_module
from dietplanner.clinic.services import client_summaries_refresh_due
from tests.benchmarks.page_data import (
    PIN_MOMENT,
    dietitian,
    link,
    patient_with_program,
    pinned_time,
    query_count,
)
from tests.clinic.factories import clients_for
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")


def client_list_counts(client, params=None, *, stored=False, **headers) -> dict[int, int]:
    """{clients: queries of the client list}, for a fresh dietitian with 5, then 50 clients;
    `stored`: after the minute trigger stored every client's line."""
    counts = {}
    with pinned_time():
        for count in (5, 50):
            dana = dietitian(f"dana{count}@example.com", f"Dana {count}")
            clients_for(dana, count, prefix=f"c{count}-", today=PIN_MOMENT.date())
            sign_in(client, dana)
            if stored:
                client_summaries_refresh_due()
            counts[count], response = query_count(
                lambda: client.get(reverse("clinic:clients"), params, **headers)
            )
            assert f"Client c{count}-" in response.content.decode()
    return counts


def test_client_list_queries_are_pinned_and_do_not_grow_with_clients(client):
    # 15 before the list by name read the stored lines; one more asks whether every line is
    # current (here none is stored yet, so the page's clients are worked out, as before), and
    # one more reads the dietitian's list state first: these links were made in bulk, with no
    # save, so the dietitian has none (a link saved makes it: then 16).
    assert client_list_counts(client) == {5: 17, 50: 17}


def test_client_list_htmx_queries_are_pinned_and_do_not_grow_with_clients(client):
    counts = client_list_counts(client, {"sort": "flags"}, HTTP_HX_REQUEST="true")
    # 14 before the stored lines; one more asks whether every line is current (here none is
    # stored yet, so every client is worked out, as before), one more reads the list state
    # (none, as above).
    assert counts == {5: 16, 50: 16}


# One query reads the dietitian's list state, which says how many lines there are, how many
# each flag or phase keeps and that every one is current (with a search, or a flag and a
# phase, the lines are counted and checked instead, in one query; three before, filtered);
# one reads the page's 25 lines in order through their index, with the columns the rows show
# of the patient and protocol (two before: the sorted ids, then the lines).
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, 6),
        ({"sort": "flags"}, 6),
        ({"sort": "-adherence", "phase": "baseline"}, 6),
        ({"flag": "new_verdicts", "sort": "checkin"}, 6),
        ({"q": "c5", "phase": "dose"}, 6),
    ],
)
def test_client_list_from_stored_lines_is_pinned_and_does_not_grow_with_clients(
    client, params, queries
):
    counts = client_list_counts(client, params, stored=True, HTTP_HX_REQUEST="true")
    assert counts == {5: queries, 50: queries}


def diary_counts(client, monkeypatch, url_name: str, *, stored=False, warm=False) -> dict[int, int]:
    """{diary days: queries of one page or download}, for a 30-day and a 365-day diary. The PDF
    is drawn once first (as a stand-in), so what is counted is the download of a ready PDF.
    `stored`: after the minute trigger stored the client's line; `warm`: the page after a first
    one in the same process, which keeps the program's rows and the catalogue (`memo`)."""
    monkeypatch.setattr(pdf_module, "draw_pdf", lambda html, css, base_url: b"%PDF-1.7")
    counts = {}
    with pinned_time():
        dana = dietitian("dana@example.com", "Dana Dietitian")
        sign_in(client, dana)
        for days in (30, 365):
            patient = patient_with_program(f"pat{days}@example.com", days)
            link(dana, patient)
            url = reverse(url_name, args=[patient.public_id])
            if stored:
                client_summaries_refresh_due()
            if url_name == "clinic:report-pdf":
                assert client.get(url).status_code == 200
            if warm:
                query_count(lambda url=url: client.get(url))  # the process's first
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(url).status_code == 200
                counts[days] = len(captured)
                continue
            counts[days], _ = query_count(lambda url=url: client.get(url))
    return counts


def test_report_queries_are_pinned_and_do_not_grow_with_the_diary(client, monkeypatch):
    # The first view in a process: 20 (21 before the patient and the link were read in one
    # query, `link_for_dietitian`). The flags are worked out from the rows the report read,
    # with the link's flag reviews (one query; 26 before, reading them again for the list's
    # rules while the client's stored line was not current, after any check-in until the
    # line's refresh); the catalogue is read as every page reads it (two queries, then kept
    # by its stamp) and the protocol's groups in one small query, then kept with it (one
    # union before).
    assert diary_counts(client, monkeypatch, "clinic:report") == {30: 20, 365: 20}


def test_report_queries_once_the_process_keeps_the_program_and_the_catalogue(client, monkeypatch):
    # Once the process keeps the program's rows and the catalogue: session, user, the
    # dietitian's second step, the link with its patient, the access record's four (its
    # transaction, the record, the link's last visit), the program with its stamps, the
    # long-term plan, health answers, reactions, notes, flag reviews. The protocol's groups
    # are kept with the catalogue (one query more before).
    assert diary_counts(client, monkeypatch, "clinic:report", warm=True) == {30: 14, 365: 14}


def test_report_queries_are_the_same_with_a_current_stored_line(client, monkeypatch):
    # The stored line is no longer read (its flags and last review were one query: 19 then).
    assert diary_counts(client, monkeypatch, "clinic:report", stored=True) == {30: 20, 365: 20}


def test_pdf_queries_are_pinned_and_do_not_grow_with_the_diary(client, monkeypatch):
    # 17: the catalogue read as every page reads it, then kept (15 before, its names and the
    # protocol's groups in one union query)
    assert diary_counts(client, monkeypatch, "clinic:report-pdf") == {30: 17, 365: 17}


def test_csv_queries_are_pinned_and_do_not_grow_with_the_diary(client, monkeypatch):
    # 11: the catalogue read as every page reads it, then kept by its stamp (10 before, its
    # names in one union query)
    assert diary_counts(client, monkeypatch, "clinic:diary-csv") == {30: 11, 365: 11}
