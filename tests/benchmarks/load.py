"""Load test (issue 17), `make load`: locust, headless, against the page benchmark's server
(gunicorn, 3 workers, production settings, PostgreSQL on 127.0.0.1; see `page_server`).

20 patients (programs of 30 to 365 days), a dietitian with 5,000 clients and one with 50;
the mix is in `locustfile.py`. Each level (50, then 200 simulated people, started over 10 s)
runs `LOAD_SECONDS` (default 60); printed per page: requests, errors, requests per second,
p50/p95/p99. Nothing is asserted.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks.page_server import (
    BIN,
    ROOT,
    csrf_secret,
    free_port,
    gunicorn,
    prepare,
    server_env,
    session_cookie,
    task_worker,
    work_dir,
)

LEVELS = (50, 200)
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "5000"))
PATIENTS = 20
LENGTHS = (30, 90, 180, 365)
SMALL_LIST = 50


def build() -> dict:
    from django.urls import reverse

    from dietplanner.clinic.services import client_summaries_refresh_due
    from tests.benchmarks.page_data import dietitian, link, patient_with_program
    from tests.clinic.factories import SYMPTOMS, clients_for

    today = datetime.now(UTC).date()
    many = dietitian("dana@bench.example", "Dana Many")
    few = dietitian("dora@bench.example", "Dora Few")
    patients = []
    for i in range(PATIENTS):
        days = LENGTHS[i % len(LENGTHS)]
        patients.append(patient_with_program(f"pat{i:02}@bench.example", days, f"Pat {i:02}"))
        link(many, patients[-1])
    for patient in patients[:5]:
        link(few, patient)
    clients_for(many, CLIENTS - PATIENTS, prefix="dana-", today=today)
    clients_for(few, SMALL_LIST - 5, prefix="dora-", today=today)
    client_summaries_refresh_due()  # the client lists' lines, as the minute trigger stores them
    checkin = {f"score_{s}": "3" for s in SYMPTOMS} | {"dose_taken": "yes"}
    reports = [reverse("clinic:report", args=[p.public_id]) for p in patients]
    return {
        "csrf": csrf_secret(),
        "patients": [{"cookie": session_cookie(p), "checkin": checkin} for p in patients],
        "dietitians": [
            {"cookie": session_cookie(many), "clients": CLIENTS, "reports": reports},
            {"cookie": session_cookie(few), "clients": SMALL_LIST, "reports": reports[:5]},
        ],
    }


def run_level(base: str, users: int, work: Path, env: dict[str, str]) -> None:
    prefix = work / f"users{users}"
    log = work / f"locust{users}.log"
    with open(log, "wb") as output:
        subprocess.run(
            [
                BIN / "locust",
                "-f",
                ROOT / "tests/benchmarks/locustfile.py",
                "--headless",
                "--only-summary",
                "--users",
                str(users),
                "--spawn-rate",
                str(max(1, users // 10)),
                "--run-time",
                f"{SECONDS}s",
                "--stop-timeout",
                "30",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env | {"BENCH_STATE": str(work / "state.json")},
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,  # locust exits 1 when any request failed: the table says so
        )
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust wrote no statistics:\n{log.read_text()[-3000:]}")
    print_level(users, prefix)


def print_level(users: int, prefix: Path) -> None:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    print(f"\n{users} users, {SECONDS} s:\n")
    print("| page | requests | errors | req/s | p50 | p95 | p99 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        name = "all pages" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} ms | {row['95%']} ms | "
            f"{row['99%']} ms |"
        )
    with open(f"{prefix}_failures.csv", newline="") as failures:
        for row in csv.DictReader(failures):
            print(f"error: {row['Name']}: {row['Error']} ({row['Occurrences']} times)")


def main() -> None:
    with work_dir() as work:
        env = server_env(free_port(), work)
        state = prepare(env, build)
        (work / "state.json").write_text(json.dumps(state))
        # Production's queue and its worker: a check-in's refresh of the client list's line
        # runs beside the pages, as on an app server.
        env |= {"TASK_BACKEND": "database"}
        with gunicorn(env, work) as base, task_worker(env, work):
            print(
                f"Load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: locust on this machine "
                f"({os.cpu_count()} CPUs, shared with the server and its task worker) "
                f"against {base}"
            )
            for users in LEVELS:
                run_level(base, users, work, env)


if __name__ == "__main__":
    main()
