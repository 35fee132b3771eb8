"""Page benchmark (issue 17): each page's median time against a one-line view, same server,
same run. Part of `make bench`; alone: `.venv/bin/python -m tests.benchmarks.pages`.

gunicorn (3 workers, production settings) on PostgreSQL (`page_server`), with a patient whose
program runs a year (a full diary, 13 food tests, the last one running today), one of a month,
a dietitian with 5,000 clients (both patients among them) and one with 50. Requests go one at
a time over a new connection each, pages interleaved round by round, after warm-up rounds.
The one-line view (`page_urls`) passes every middleware, as the patient, like the pages.
`BENCH_RUNS` (default 20) sets the rounds; the PDFs get fewer, each drawn afresh (the PDFs
drawn before deleted first) within the request (tasks run at once), then one already drawn.
Prints; asserts nothing about time (machines differ), only that each answer is the page.
"""

from __future__ import annotations

import http.client
import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from tests.benchmarks.page_server import (
    WORKERS,
    csrf_secret,
    free_port,
    gunicorn,
    prepare,
    server_env,
    session_cookie,
    work_dir,
)

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "5000"))
SMALL_LIST = 50
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
WARMUP = 3
PDF_RUNS = {30: 5, 365: 3}


@dataclass
class Page:
    label: str
    path: str
    cookie: str
    method: str = "GET"
    form: dict | None = None
    headers: dict = field(default_factory=dict)
    expect: str = "text/html"
    times: list = field(default_factory=list)
    size: int = 0


def build() -> dict:
    """The generated people and the pages' addresses (Django is set up on the bench database)."""
    from django.urls import reverse

    from dietplanner.clinic.services import client_summaries_refresh_due
    from tests.benchmarks.page_data import dietitian, link, patient_with_program
    from tests.clinic.factories import SYMPTOMS, clients_for

    year = patient_with_program("pat.year@bench.example", 365, "Pat Year")
    month = patient_with_program("pat.month@bench.example", 30, "Pat Month")
    dana = dietitian("dana@bench.example", "Dana Many")
    link(dana, year)
    link(dana, month)
    today = datetime.now(UTC).date()
    clients_for(dana, CLIENTS - 2, prefix="dana-", today=today)
    dora = dietitian("dora@bench.example", "Dora Few")
    clients_for(dora, SMALL_LIST, prefix="dora-", today=today)
    client_summaries_refresh_due()  # as the minute trigger would have by now
    return {
        "patient": session_cookie(year),
        "many": session_cookie(dana),
        "few": session_cookie(dora),
        "checkin": {f"score_{s}": "3" for s in SYMPTOMS} | {"dose_taken": "yes"},
        "report": reverse("clinic:report", args=[year.public_id]),
        "pdf_year": reverse("clinic:report-pdf", args=[year.public_id]),
        "pdf_month": reverse("clinic:report-pdf", args=[month.public_id]),
    }


def pages(state: dict) -> tuple[Page, list[Page], list[tuple[Page, int]]]:
    """The one-line view, the pages timed round by round, and the PDFs with their runs."""
    pat, many, few = state["patient"], state["many"], state["few"]
    htmx = {"HX-Request": "true", "X-CSRFToken": csrf_secret()}
    fresh = {"X-Bench-Fresh": "1"}
    floor = Page("one-line view", "/bench/one-line/", pat, expect="text/html")
    timed = [
        Page("GET /today/ (365 days)", "/today/", pat),
        Page(
            "POST check-in, htmx (365 days)",
            "/today/check-in/",
            pat,
            method="POST",
            form=state["checkin"],
            headers=htmx,
        ),
        Page("GET /program/results/ (365 days)", "/program/results/", pat),
        Page("GET /diary/ (365 days)", "/diary/", pat),
        Page(f"GET /clinic/, {SMALL_LIST} clients", "/clinic/", few),
        Page(f"GET /clinic/, {CLIENTS:,} clients", "/clinic/", many),
        Page(f"GET /clinic/?sort=flags, {CLIENTS:,} clients", "/clinic/?sort=flags", many),
        Page(
            f"GET /clinic/?phase=baseline&sort=checkin, {CLIENTS:,} clients",
            "/clinic/?phase=baseline&sort=checkin",
            many,
        ),
        Page("client report, 365 days", state["report"], many),
        Page("GET /healthz (first middleware, no session)", "/healthz", "", expect="text/plain"),
    ]
    pdfs = [
        (Page("report PDF, 30 days", state["pdf_month"], many, headers=fresh), PDF_RUNS[30]),
        (Page("report PDF, 365 days", state["pdf_year"], many, headers=fresh), PDF_RUNS[365]),
        (Page("report PDF, 365 days, cached", state["pdf_year"], many), RUNS),
    ]
    for page, _ in pdfs:
        page.expect = "application/pdf"
    return floor, timed, pdfs


def send(base: str, page: Page) -> None:
    """One request on a new connection; its time (to the last byte) is added to the page's."""
    url = urlsplit(base)
    body = urlencode(page.form, doseq=True) if page.form is not None else None
    headers = {"Cookie": page.cookie, **page.headers} if page.cookie else dict(page.headers)
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
    try:
        connection.request(page.method, page.path, body=body, headers=headers)
        answer = connection.getresponse()
        content = answer.read()
    finally:
        connection.close()
    elapsed = time.perf_counter() - started
    kind = answer.getheader("Content-Type", "")
    if answer.status != 200 or not kind.startswith(page.expect):
        raise SystemExit(
            f"{page.label}: {page.method} {page.path} answered {answer.status} {kind} "
            f"{answer.getheader('Location', '')}\n{content[:500]!r}"
        )
    page.times.append(elapsed)
    page.size = len(content)


def measure(base: str, floor: Page, timed: list[Page]) -> None:
    rounds = [floor, *timed]
    for run in range(WARMUP + RUNS):
        for page in rounds:
            send(base, page)
            if run < WARMUP:
                page.times.clear()


def measure_pdfs(base: str, pdfs) -> None:
    for page, runs in pdfs:
        for run in range(WARMUP + runs):
            send(base, page)
            if run < WARMUP:
                page.times.clear()


def median_ms(page: Page) -> float:
    return 1000 * statistics.median(page.times)


def report(floor: Page, timed: list[Page], pdfs) -> None:
    base = median_ms(floor)
    cpu = _cpu_name()
    print(
        f"\nPage benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: gunicorn {WORKERS} workers, "
        f"production settings, PostgreSQL; {os.cpu_count()} CPUs ({cpu}), "
        f"Python {platform.python_version()}; medians of {RUNS} requests, PDFs as noted.\n"
    )
    print("| page | median | ratio | size | runs |\n| --- | ---: | ---: | ---: | ---: |")
    for page in [floor, *timed, *(p for p, _ in pdfs)]:
        ms = median_ms(page)
        shown = f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms"
        print(
            f"| {page.label} | {shown} | {ms / base:.1f}x | {page.size / 1024:.1f} KB | "
            f"{len(page.times)} |"
        )


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    with work_dir() as work:
        # The data is built with tasks run at once (the client list's lines stored).
        env = server_env(free_port(), work) | {"TASK_BACKEND": "immediate"}
        state = prepare(env, build)
        floor, timed, pdfs = pages(state)
        # The pages as in production: tasks queued in the database for a worker (none runs
        # here), so the check-in's time is its save, not the refresh it queues.
        with gunicorn(env | {"TASK_BACKEND": "database"}, work) as base:
            measure(base, floor, timed)
        # Then the PDFs with tasks run in the request, so a PDF's time is its drawing (with a
        # worker, the page would answer "preparing" at once and the worker would draw it).
        with gunicorn(env, work) as base:
            measure_pdfs(base, pdfs)
        report(floor, timed, pdfs)


if __name__ == "__main__":
    main()
