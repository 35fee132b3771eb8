"""Speed of the dietitian's client list with 50, 500 and 5,000 linked clients.

Run: `.venv/bin/pytest tests/benchmarks/bench_clients.py -m benchmark -s -p no:cacheprovider`.
Times full GET requests in-process with `time.perf_counter` and prints the medians and the
queries: by name (the default), each sort, a flag filter (htmx) and a phase filter. Each view
but the default is timed twice: with no stored lines (every client's row worked out per view,
as before issue 17's summaries), then with every client's line stored (after the minute
trigger's refresh, itself timed). Nothing asserts a time (machines differ); the asserts check
the page is complete.
"""

import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dietplanner.clinic.services import client_summaries_refresh_due
from dietplanner.programs.models import Screening
from tests.clinic.factories import clients_for
from tests.clinic.test_clients import TODAY, at

RUNS = 7
WARMUP = 1
VIEWS = [
    ("by name (default)", {}, {}),
    ("sorted by phase", {"sort": "phase"}, {}),
    ("sorted by last check-in", {"sort": "checkin"}, {}),
    ("sorted by adherence", {"sort": "-adherence"}, {}),
    ("sorted by flags", {"sort": "flags"}, {}),
    ("htmx, filtered by a flag", {"flag": "no_checkin"}, {"HTTP_HX_REQUEST": "true"}),
    ("filtered by phase", {"phase": "baseline", "sort": "checkin"}, {}),
]


def _median_ms(client, params, **headers) -> tuple[float, int]:
    times = []
    for run in range(WARMUP + RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(reverse("clinic:clients"), params, **headers)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200
        if run >= WARMUP:
            times.append(elapsed)
    return 1000 * statistics.median(times), len(queries)


@pytest.mark.benchmark
@pytest.mark.django_db
@pytest.mark.parametrize("clients", [50, 500, 5000])
def test_client_list_speed(dietitian_client, dietitian, catalogue, clients):
    with at(TODAY):  # made at the moment the list is read, not later (the clock stands still)
        clients_for(dietitian, clients, prefix="client", today=TODAY)
    Screening.objects.update(answered_at=timezone.now() - timedelta(days=365))  # Pat's, too
    print()
    with at(TODAY):
        live = {what: _median_ms(dietitian_client, p, **h) for what, p, h in VIEWS[1:]}
        started = time.perf_counter()
        refreshed = client_summaries_refresh_due()
        refresh_s = time.perf_counter() - started
        stored = {what: _median_ms(dietitian_client, p, **h) for what, p, h in VIEWS}
        started = time.perf_counter()
        assert client_summaries_refresh_due() == 0
        idle_ms = 1000 * (time.perf_counter() - started)
        response = dietitian_client.get(reverse("clinic:clients"))
    assert f"{clients + 1} linked clients" in response.content.decode()
    print(
        f"client list, {clients} clients: {refreshed} lines stored in {refresh_s:.2f} s; "
        f"a minute trigger with none due: {idle_ms:.0f} ms"
    )
    for what, _, _ in VIEWS:
        ms, queries = stored[what]
        before = ""
        if what in live:
            before = f"; worked out per view: {live[what][0]:.1f} ms, {live[what][1]} queries"
        print(f"client list, {clients} clients, {what}: {ms:.1f} ms, {queries} queries{before}")
