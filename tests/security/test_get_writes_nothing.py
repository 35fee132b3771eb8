"""A GET never writes: every page of the site, opened by the patient, her dietitian and an
administrator, runs no INSERT, UPDATE or DELETE, except on the tables listed below.

Derived state (challenge statuses, verdicts, long-term plans) is stored by the services that
change its inputs and by the scheduled refresh (`programs_refresh_due`), never by a reader."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import sign_in
from tests.security.routes import all_routes
from tests.security.table import TABLE
from tests.security.test_route_matrix import url_for

pytestmark = pytest.mark.django_db

# table -> why a GET may write it
EXEMPT = {
    "django_session": "the session itself (a one-time notice is popped, the expiry moves)",
    "accounts_accessrecord": "who read a client's record and when: the audit trail the law "
    "asks for, written as the dietitian reads",
    "axes_accesslog": "log-in attempts, written by django-axes",
    "axes_accessattempt": "failed log-in attempts, written by django-axes",
}
# (route, table) -> why that page may write that table
EXEMPT_PAGES = {
    ("clinic:report", "accounts_carelink"): "the dietitian's last visit to the client, which "
    "marks what is new since (a read marker, like the access record)",
    ("clinic:invite", "accounts_dietitiancode"): "the dietitian's invite code is made the "
    "first time it is shown, once per dietitian",
    ("clinic:report-pdf", "clinic_reportpdf"): "the report's PDF is a cache by content: "
    "asking for it queues its drawing once, later requests read it",
}
# pages not opened: signing out ends the session the test signs in with
SKIPPED = {"accounts:logout"}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def writes(captured) -> set[str]:
    """Tables written by the captured statements, exempt ones left out."""
    tables = set()
    for query in captured:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in EXEMPT:
            tables.add(match.group(2))
    return tables


@pytest.mark.parametrize("persona", ["owner", "linked", "staff"])
def test_no_get_writes_anything(persona, world):
    client = Client(raise_request_exception=False)
    sign_in(client, world.users[persona])
    problems = []
    for route in all_routes():
        if route.key not in TABLE or route.key in SKIPPED:
            continue
        url = url_for(route, world.values)
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            written = writes(captured.captured_queries)
            written -= {table for key, table in EXEMPT_PAGES if key == route.key}
            if written:
                problems.append(f"GET {url} ({route.key}) wrote {sorted(written)}")
            transaction.set_rollback(True)
        cache.clear()
    assert not problems, f"{persona}:\n" + "\n".join(problems)
