"""The client list by name is paged in the database: the rows of a page are the same rows the
full computation gives (flags, phase, adherence), in the same order, whatever the page size."""

from datetime import timedelta

import pytest

from dietplanner.clinic.selectors import client_page, client_rows, filter_and_sort
from dietplanner.programs.models import ReactionAlert
from tests.clinic.test_clients import (
    TODAY,
    add_client,
    at,
    flagged_clients,
    get,
)
from tests.diary.factories import log_days

pytestmark = pytest.mark.django_db


def varied_clients(dietitian, patient):
    """Pat plus clients with every flag, every phase, mixed-case names and no program."""
    programs = flagged_clients(dietitian)
    lower = add_client(dietitian, "alice lowercase", start=TODAY + timedelta(days=3))
    log_days(lower, TODAY - timedelta(days=2), TODAY)  # before its start: not counted
    add_client(dietitian, "ZED UPPER", start=TODAY - timedelta(days=60), status="completed")
    ReactionAlert.objects.create(
        patient=programs["react"].patient,
        severity="allergic",
        signs=["few_hives"],
        occurred_on=TODAY,
    )


def summary(row):
    return (
        row.patient.email,
        row.phase,
        row.place,
        row.last_checkin,
        row.days_since,
        row.adherence_percent,
        row.off_plan_days,
        row.flags,
    )


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("per_page", [1, 3, 50])
def test_paged_rows_equal_the_full_computation(dietitian, patient, catalogue, descending, per_page):
    varied_clients(dietitian, patient)
    with at(TODAY):
        full = filter_and_sort(client_rows(dietitian), sort="-name" if descending else "name")
        paged, number = [], 1
        while True:
            page = client_page(
                dietitian, search="", descending=descending, page=number, per_page=per_page
            )
            paged += page.object_list
            if not page.has_next():
                break
            number += 1
    assert [summary(r) for r in paged] == [summary(r) for r in full]
    assert any("urgent" in r.flags for r in paged)
    assert {r.phase for r in paged} >= {"baseline", "washout", "between", "finished"}


def test_search_is_paged_in_the_database_too(dietitian, catalogue):
    flagged_clients(dietitian)
    with at(TODAY):
        page = client_page(dietitian, search="", descending=False, page=1, per_page=2)
        assert page.paginator.count == 7  # Pat and six more
        page = client_page(dietitian, search="wa", descending=False, page=1, per_page=2)
    assert [r.patient.full_name for r in page.object_list] == ["Walt Washout"]


def test_names_sort_regardless_of_case(dietitian_client, dietitian, catalogue):
    add_client(dietitian, "bea small")
    add_client(dietitian, "Adam Capital")
    add_client(dietitian, "Carl Capital")
    html = get(dietitian_client).content.decode()
    assert html.index("Adam Capital") < html.index("bea small") < html.index("Carl Capital")


def test_a_page_far_past_the_end_shows_the_last_page(dietitian_client, dietitian, catalogue):
    for i in range(30):
        add_client(dietitian, f"Client {i:02}")
    html = get(dietitian_client, page="99").content.decode()
    assert "Client 29" in html and "Page 2 of 2" in html
    assert get(dietitian_client, page="x").status_code == 200
