"""Where the dietitian's two pages spend their time: cProfile of one request of the client
list (50 clients), the client report (a 365-day program) and the one-line view, in-process.

Run: `.venv/bin/python -m pytest tests/benchmarks/profile_pages.py -m benchmark -s
-p no:cacheprovider` (PROFILE_TOP=40 for more lines; PROFILE_SAVE=file.html keeps the report's
HTML). Prints each page's median of a few requests and its profile's top functions by
cumulative time. Nothing asserts a time."""

import cProfile
import io
import os
import pstats
import statistics
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.benchmarks.page_data import PIN_MOMENT, dietitian, link, patient_with_program
from tests.clinic.factories import clients_for
from tests.conftest import sign_in

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
RUNS = 7
TOP = int(os.environ.get("PROFILE_TOP", "25"))


def _median_ms(send) -> float:
    send()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        send()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def _profile(name, send) -> None:
    ms = _median_ms(send)
    profile = cProfile.Profile()
    profile.enable()
    response = send()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(TOP)
    print(f"\n=== {name}: median {ms:.1f} ms, {len(response.content) / 1000:.1f} KB")
    print(out.getvalue())


@override_settings(ROOT_URLCONF="tests.benchmarks.page_urls")
def test_profile_the_dietitian_pages(client):
    from dietplanner.clinic.services import client_summaries_refresh_due

    year = patient_with_program("pat.year@example.com", 365, "Pat Year")
    dana = dietitian("dana@example.com", "Dana Dietitian")
    link(dana, year)
    clients_for(dana, 50, prefix="dana-", today=PIN_MOMENT.date())
    client_summaries_refresh_due()
    sign_in(client, dana)
    report = reverse("clinic:report", args=[year.public_id])
    for name, url in [
        ("one-line view", "/bench/one-line/"),
        ("client list, 50 clients", reverse("clinic:clients")),
        ("client list by flags, 50 clients", reverse("clinic:clients") + "?sort=flags"),
        ("client report, 365 days", report),
    ]:
        _profile(name, lambda url=url: client.get(url))
    if save := os.environ.get("PROFILE_SAVE"):
        with open(save, "wb") as out:
            out.write(client.get(report).content)
