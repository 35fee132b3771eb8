"""The client list's tests once more, with every client's line stored (issue 17): before each
page the minute trigger's refresh runs (`client_summaries_refresh_due`), so filtering and
sorting read the stored lines in the database, and the rows and flags must be the same."""

import pytest
from django.test import Client

from dietplanner.clinic import selectors
from dietplanner.clinic.services import client_summaries_refresh_due
from tests.clinic.test_clients import *  # noqa: F403 - the same tests, on stored lines


@pytest.fixture(autouse=True)
def _stored_lines(monkeypatch):
    get = Client.get
    used = []

    def refreshed_get(self, *args, **kwargs):
        client_summaries_refresh_due()
        return get(self, *args, **kwargs)

    def summary_page(*args, **kwargs):
        used.append(kwargs)
        return real_page(*args, **kwargs)

    real_page = selectors.summary_page
    monkeypatch.setattr(Client, "get", refreshed_get)
    monkeypatch.setattr("dietplanner.clinic.views.clients.summary_page", summary_page)
    monkeypatch.setattr(
        "dietplanner.clinic.views.clients.summary_roster",
        lambda *args, **kwargs: _must_be_current(*args, **kwargs),
    )
    yield used


def _must_be_current(*args, **kwargs) -> selectors.Roster:
    roster = selectors.summary_roster(*args, **kwargs)
    assert roster.current, "a line was not refreshed"
    return roster


# Its query ceiling counts the refresh this module runs before each page; the stored list's
# queries are pinned in test_queries.py.
del test_list_costs_at_most_15_queries_for_500_clients  # noqa: F821
