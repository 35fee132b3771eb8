"""Where the patient's daily pages spend their time, in-process (issue 17).

Run: `.venv/bin/python -m pytest -n 0 -m benchmark -s -p no:cacheprovider
tests/benchmarks/profile_patient_pages.py` (`PROFILE_TOP=40` for more rows). Builds the page
benchmark's patient (a 365-day program, 13 food tests, the last one running), then for Today,
the diary, the results, the htmx check-in (its refresh queued for a worker, as in production)
and the one-line view next to them: the median wall and CPU time of a few requests through
the test client, and a cProfile of ten (CPU time) sorted by cumulative and by own time
(`PROFILE_PAGES=today,check-in`: those pages only). Prints only; nothing asserts a time.
"""

import cProfile
import io
import os
import pstats
import statistics
import time

import pytest
from django.test import TestCase, override_settings

from tests.benchmarks.page_data import patient_with_program
from tests.clinic.factories import SYMPTOMS
from tests.conftest import sign_in

pytestmark = [pytest.mark.benchmark, pytest.mark.usefixtures("catalogue")]

RUNS = 15
PROFILED = 10
PAGES = (
    ("one-line view", "/bench/one-line/"),
    ("GET /today/", "/today/"),
    ("GET /diary/", "/diary/"),
    ("GET /program/results/", "/program/results/"),
    ("POST check-in (htmx)", "/today/check-in/"),
)
CHECKIN_URL = "/today/check-in/"
CHECKIN = {f"score_{s}": "3" for s in SYMPTOMS} | {"dose_taken": "yes"}


def _send(client, url: str):
    """A GET, or the check-in the page benchmark posts (htmx; the refresh it queues is left
    to a worker, as in production)."""
    if url == CHECKIN_URL:
        # What runs once a server's transaction commits runs here too (the rows kept).
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(url, CHECKIN, HTTP_HX_REQUEST="true")
    return client.get(url)


def _medians_ms(client, url: str) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (less sensitive to a busy
    machine) over RUNS GETs."""
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = _send(client, url)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(wall), statistics.median(cpu)


@override_settings(
    ROOT_URLCONF="tests.benchmarks.page_urls",
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
)
def test_profile_patient_pages(client):
    sign_in(client, patient_with_program("pat.year@bench.example", 365, "Pat Year"))
    top = int(os.environ.get("PROFILE_TOP", "25"))
    only = os.environ.get("PROFILE_PAGES", "")  # e.g. "today,check-in": those pages only
    pages = [PAGES[0]] + [
        p for p in PAGES[1:] if not only or any(w in p[0] for w in only.split(","))
    ]
    for _, url in pages:  # warm: templates compiled, caches filled
        _send(client, url)
    floor, floor_cpu = _medians_ms(client, PAGES[0][1])
    print(f"\n{'page':<22} {'wall':>9} {'ratio':>6} {'CPU':>9} {'ratio':>6}")
    for name, url in pages:
        wall, cpu = _medians_ms(client, url)
        print(f"{name:<22} {wall:7.1f}ms {wall / floor:5.1f}x {cpu:7.1f}ms {cpu / floor_cpu:5.1f}x")
    for name, url in pages[1:]:
        # CPU time of this process over several GETs: the machine's other work counts less.
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(PROFILED):
            _send(client, url)
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
        stats.print_stats(r"dietplanner/|foods/|json|query\.py.*(_fetch_all)|loader_tags", top)
        print(f"\n=== {name}: cumulative, the project's own calls ===\n{out.getvalue()}")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
        print(f"\n=== {name}: own time ===\n{out.getvalue()}")
