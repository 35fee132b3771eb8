"""The client report alone in the page benchmark's set-up (gunicorn, 3 workers, production
settings, PostgreSQL, its generated data): warm, then with the patient's htmx check-in before
each view (another worker may answer it), then warm again; each against the one-line view in
the same rounds. Prints the medians; asserts nothing.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dp_bench_lead \\
        .venv/bin/python -m tests.benchmarks.report_rounds
"""

from __future__ import annotations

from . import pages as bench
from .page_server import free_port, gunicorn, prepare, server_env, work_dir

ROUNDS, WARMUP = 40, 3


def main() -> None:
    with work_dir() as work:
        env = server_env(free_port(), work) | {"TASK_BACKEND": "immediate"}
        state = prepare(env, bench.build)
        floor, timed, _ = bench.pages(state)
        by_label = {page.label: page for page in timed}
        report = by_label["client report, 365 days"]
        check_in = by_label["POST check-in, htmx (365 days)"]
        with gunicorn(env | {"TASK_BACKEND": "database"}, work) as base:
            for name, rounds in (
                ("warm", [floor, report]),
                ("after each check-in", [floor, check_in, report]),
                ("warm again", [floor, report]),
            ):
                for run in range(WARMUP + ROUNDS):
                    for page in rounds:
                        if run == 0 or run == WARMUP:
                            page.times.clear()
                        bench.send(base, page)
                one, ms = bench.median_ms(floor), bench.median_ms(report)
                print(f"report, {name}: {ms:.1f} ms, one-line view {one:.1f} ms: {ms / one:.1f}x")


if __name__ == "__main__":
    main()
