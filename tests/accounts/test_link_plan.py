"""Opening a client's page finds the dietitian's link by the client's id without reading the
dietitian's other links, whatever the database knows of its tables.

Every page of a client (report, PDF, notes, flag reviews) starts with `link_for_dietitian`.
Written as a join filtered on both people, PostgreSQL without statistics (a table never
analysed, or a clinic whose links were imported since) walked all of a dietitian's links and
looked each patient up: 3.7 ms for 5,000 clients, the report's slowest query. The plan is read
here on a freshly filled table, which has no statistics, as in that case.

Needs PostgreSQL (its planner and EXPLAIN); skipped on SQLite.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dietplanner.accounts.models import CareLink, User
from dietplanner.accounts.selectors import link_for_dietitian
from tests.conftest import make_user

CLIENTS = 400


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plan: run with DATABASE_URL=postgres://USER@HOST/NAME")


def _many_clients(dietitian: User) -> list[User]:
    now = timezone.now()
    patients = User.objects.bulk_create(
        User(
            email=f"client-{i:04}@example.com",
            full_name=f"Client {i:04}",
            role=User.Role.PATIENT,
            password="!",
            timezone="UTC",
            email_verified_at=now,
        )
        for i in range(CLIENTS)
    )
    CareLink.objects.bulk_create(
        CareLink(dietitian=dietitian, patient=patient, status=CareLink.Status.ACTIVE, accepted=now)
        for patient in patients
    )
    return patients


def _blocks_read(sql: str) -> tuple[int, str]:
    """The shared blocks the statement touches when run, and its plan as text."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
    return top["Shared Hit Blocks"] + top.get("Shared Read Blocks", 0), text


@pytest.mark.django_db
def test_a_clients_link_is_found_without_reading_the_dietitians_other_links():
    dietitian = make_user("dana.many@example.com", "Dana Many", User.Role.DIETITIAN)
    patients = _many_clients(dietitian)
    wanted = patients[CLIENTS // 2]

    with CaptureQueriesContext(connection) as queries:
        link = link_for_dietitian(dietitian, wanted.public_id)
    assert (link.patient, link.dietitian) == (wanted, dietitian)

    (query,) = queries.captured_queries
    blocks, plan = _blocks_read(query["sql"])
    # The client by its id, then that one link by its pair index: a few index pages. Walking
    # the dietitian's links touches three or more blocks per link.
    assert blocks < 40, f"{blocks} blocks for one link among {CLIENTS}:\n{plan}"
