"""Where the patient's daily pages spend their time, in-process (issue 17).

Run: `.venv/bin/python -m pytest -n 0 -m benchmark -s -p no:cacheprovider
tests/benchmarks/profile_patient_pages.py` (`PROFILE_TOP=40` for more rows). Builds the page
benchmark's patient (a 365-day program, 13 food tests, the last one running), then for Today,
the diary, the results and the one-line view next to them: the median wall and CPU time of a
few GETs through the test client, and a cProfile of ten GETs (CPU time) sorted by cumulative
and by own time. Prints only; nothing asserts a time.
"""

import cProfile
import io
import os
import pstats
import statistics
import time

import pytest
from django.test import override_settings

from tests.benchmarks.page_data import patient_with_program
from tests.conftest import sign_in

pytestmark = [pytest.mark.benchmark, pytest.mark.usefixtures("catalogue")]

RUNS = 15
PROFILED = 10
PAGES = (
    ("one-line view", "/bench/one-line/"),
    ("GET /today/", "/today/"),
    ("GET /diary/", "/diary/"),
    ("GET /program/results/", "/program/results/"),
)


def _medians_ms(client, url: str) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (less sensitive to a busy
    machine) over RUNS GETs."""
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(wall), statistics.median(cpu)


@override_settings(ROOT_URLCONF="tests.benchmarks.page_urls")
def test_profile_patient_pages(client):
    sign_in(client, patient_with_program("pat.year@bench.example", 365, "Pat Year"))
    top = int(os.environ.get("PROFILE_TOP", "25"))
    for _, url in PAGES:  # warm: templates compiled, caches filled
        client.get(url)
    floor, floor_cpu = _medians_ms(client, PAGES[0][1])
    print(f"\n{'page':<22} {'wall':>9} {'ratio':>6} {'CPU':>9} {'ratio':>6}")
    for name, url in PAGES:
        wall, cpu = _medians_ms(client, url)
        print(f"{name:<22} {wall:7.1f}ms {wall / floor:5.1f}x {cpu:7.1f}ms {cpu / floor_cpu:5.1f}x")
    for name, url in PAGES[1:]:
        # CPU time of this process over several GETs: the machine's other work counts less.
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(PROFILED):
            client.get(url)
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
        stats.print_stats(r"dietplanner/|foods/|json|query\.py.*(_fetch_all)|loader_tags", top)
        print(f"\n=== {name}: cumulative, the project's own calls ===\n{out.getvalue()}")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
        print(f"\n=== {name}: own time ===\n{out.getvalue()}")
