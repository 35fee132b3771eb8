"""Time and peak memory of the client report PDF for a 30-day and a 365-day program.

Run: `.venv/bin/python -m pytest tests/benchmarks/bench_report_pdf.py -m benchmark -s -q
-p no:cacheprovider` (or `make bench`). Goal (issue 17): under 2 s for a year, memory bounded.

Each measured request runs in a forked child process, so that its peak resident memory
(`ru_maxrss`, what a gunicorn worker would grow to) is its own: printed with the resident size
the child started from. First a request in a fresh process (WeasyPrint and its fonts load),
then, from a process that drew one PDF before (a warm worker), the median of several with the
PDF cache cleared before each, then one answered from the cache; and one more, under
tracemalloc, for the peak of Python's own allocations while drawing. Tests run tasks at once (the
immediate backend), so each request draws its PDF as a task worker would.
Set REPORT_PDF_OUT=/some/dir to keep the PDFs (e.g. to render them with pdftoppm), and
REPORT_PDF_DAYS=30,365 to choose the programs' lengths.
Nothing asserts a time; the asserts check each answer is a PDF.
"""

from __future__ import annotations

import os
import pickle
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts.models import CareLink, User
from dietplanner.clinic.models import ReportPdf
from tests.clinic.factories import imported_program
from tests.conftest import sign_in

RUNS = 3


def in_child(fn):
    """Run `fn` in a forked child; return (its result, its peak RSS in MB, its RSS at start)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, send, leave without running any cleanup
        start_rss = _rss_mb()
        result = fn()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with os.fdopen(write, "wb") as out:
            pickle.dump((result, peak, start_rss), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        result = pickle.load(answer)  # noqa: S301 - our own child's answer
    os.waitpid(pid, 0)
    return result


def _traced_peak_mb(client: Client, url: str) -> float:
    """The peak of Python's own allocations while one PDF is drawn (tracemalloc; slower, so
    a run of its own)."""
    tracemalloc.start()
    _get_pdf(client, url, clear=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _get_pdf(client: Client, url: str, *, clear: bool) -> tuple[float, bytes, float]:
    """(wall time, the PDF, CPU time) of one request."""
    if clear:
        cache.clear()
        ReportPdf.objects.all().delete()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return elapsed, response.content, cpu


@pytest.mark.benchmark
@pytest.mark.django_db
def test_report_pdf_of_a_month_and_a_year(catalogue):
    dana = User.objects.create_user(
        email="dana@example.com", password="x", full_name="Dana Dietitian", role="dietitian"
    )
    dietitian = Client()
    sign_in(dietitian, dana)
    out = os.environ.get("REPORT_PDF_OUT")
    print()
    lengths = [int(d) for d in os.environ.get("REPORT_PDF_DAYS", "30,365").split(",")]
    for days in lengths:
        pat = User.objects.create_user(
            email=f"p{days}@example.com", password="x", full_name=f"Pat {days}-days"
        )
        CareLink.objects.create(
            dietitian=dana, patient=pat, status=CareLink.Status.ACTIVE, accepted=timezone.now()
        )
        imported_program(pat, days)
        url = reverse("clinic:report-pdf", args=[pat.public_id])
        if days == lengths[0]:  # a worker's first PDF also loads WeasyPrint and the fonts
            (cold, *_), *_ = in_child(lambda url=url: _get_pdf(dietitian, url, clear=True))
            print(f"report PDF, first in a fresh process: {cold * 1000:6.0f} ms")
            _get_pdf(dietitian, url, clear=True)  # as a worker that drew one before
        runs = [in_child(lambda url=url: _get_pdf(dietitian, url, clear=True)) for _ in range(RUNS)]
        median = statistics.median(r[0][0] for r in runs)
        cpu = statistics.median(r[0][2] for r in runs)
        peak, start_rss = max(r[1] for r in runs), min(r[2] for r in runs)
        pdf = runs[0][0][1]
        traced, *_ = in_child(lambda url=url: _traced_peak_mb(dietitian, url))
        _get_pdf(dietitian, url, clear=True)  # fill the cache in this process
        cached, *_ = _get_pdf(dietitian, url, clear=False)
        print(
            f"report PDF, {days:>3}-day program: median {median * 1000:6.0f} ms "
            f"(CPU {cpu * 1000:.0f} ms), "
            f"cached {cached * 1000:5.0f} ms, {len(pdf) // 1024} KiB; "
            f"peak RSS {peak:.0f} MB (from {start_rss:.0f} MB); "
            f"Python allocations at their peak (tracemalloc) {traced:.1f} MB"
        )
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            (Path(out) / f"report-{days}-days.pdf").write_bytes(pdf)
