"""Speed of the dietitian's client list with 50, 500 and 5,000 linked clients.

Run: `.venv/bin/pytest tests/benchmarks/bench_clients.py -m benchmark -s -p no:cacheprovider`.
Times full GET requests in-process (the default view by name, sorted by flags, and an htmx
table filtered by a flag) with `time.perf_counter`, prints the medians and the queries. Nothing
asserts a time (machines differ); the asserts check the page is complete.
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.clinic.factories import clients_for
from tests.clinic.test_clients import TODAY, at

RUNS = 7
WARMUP = 1


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
    clients_for(dietitian, clients, prefix="client", today=TODAY)
    with at(TODAY):
        by_name = _median_ms(dietitian_client, {})
        by_flags = _median_ms(dietitian_client, {"sort": "flags"})
        htmx = _median_ms(dietitian_client, {"flag": "no_checkin"}, HTTP_HX_REQUEST="true")
        response = dietitian_client.get(reverse("clinic:clients"))
    assert f"{clients + 1} linked clients" in response.content.decode()
    for what, (ms, queries) in [
        ("by name (default)", by_name),
        ("sorted by flags", by_flags),
        ("htmx, filtered by a flag", htmx),
    ]:
        print(f"\nclient list, {clients} clients, {what}: median {ms:.1f} ms, {queries} queries")
