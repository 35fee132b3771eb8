"""Speed of the dietitian's client list with 500 linked clients (target: well under 1 s).

Run: `.venv/bin/pytest tests/benchmarks/bench_clients.py -m benchmark -s -p no:cacheprovider`.
Times full GET requests (plain and htmx, sorted by flags) with `time.perf_counter` and prints
the medians. Nothing asserts a time (machines differ); the asserts check the page is complete.
"""

import statistics
import time

import pytest
from django.urls import reverse

from tests.clinic.test_clients import TODAY, at, make_many_clients

CLIENTS = 500
RUNS = 15
WARMUP = 2


def _median_ms(client, params, **headers) -> float:
    times = []
    for run in range(WARMUP + RUNS):
        started = time.perf_counter()
        response = client.get(reverse("clinic:clients"), params, **headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        if run >= WARMUP:
            times.append(elapsed)
    return 1000 * statistics.median(times)


@pytest.mark.benchmark
@pytest.mark.django_db
def test_client_list_with_500_clients(dietitian_client, dietitian, catalogue):
    make_many_clients(dietitian, CLIENTS)
    with at(TODAY):
        plain = _median_ms(dietitian_client, {"sort": "flags"})
        htmx = _median_ms(dietitian_client, {"flag": "no_checkin"}, HTTP_HX_REQUEST="true")
        response = dietitian_client.get(reverse("clinic:clients"))
    assert f"{CLIENTS + 1} linked clients" in response.content.decode()
    print(f"\nclient list, {CLIENTS} clients: median {plain:.1f} ms (full page, sorted by flags)")
    print(f"client list, {CLIENTS} clients: median {htmx:.1f} ms (htmx table, filtered)")
