"""The client report's queries one by one, in the page benchmark's set-up (production settings,
PostgreSQL, its generated data, no statistics), in this process: each query's median time over
the views and the view's median. Prints; asserts nothing.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dp_bench_lead \\
        .venv/bin/python -m tests.benchmarks.report_queries

A slow query here is one the database spends its time on (a plan to read with EXPLAIN), not
Django's building of it: compare with the view's time.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

from . import pages as bench
from .page_server import free_port, prepare, server_env, work_dir

VIEWS, WARMUP = 60, 5


def main() -> None:
    with work_dir() as work:
        env = server_env(free_port(), work) | {"TASK_BACKEND": "immediate"}
        state = prepare(env, bench.build)
        from django.db import connection
        from django.test import Client

        client = Client(HTTP_COOKIE=state["many"], HTTP_HOST="127.0.0.1")
        spent: dict[str, list[float]] = defaultdict(list)
        first_view: list[str] = []  # the statements in the order the first view ran them

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[sql].append(time.perf_counter() - started)
                if not views:
                    first_view.append(sql)

        for _ in range(WARMUP):
            assert client.get(state["report"]).status_code == 200
        views: list[float] = []
        with connection.execute_wrapper(timed):
            for _ in range(VIEWS):
                started = time.perf_counter()
                answer = client.get(state["report"])
                views.append(time.perf_counter() - started)
                assert answer.status_code == 200
        print(f"\nclient report, {VIEWS} views: median {1000 * statistics.median(views):.2f} ms")
        total = 0.0
        for sql in first_view:
            ms = 1000 * statistics.median(spent[sql])
            total += ms
            print(f"{ms:7.3f} ms  {' '.join(sql.split())[:110]}")
        print(f"{len(first_view)} statements (BEGIN and COMMIT aside): {total:.2f} ms")


if __name__ == "__main__":
    main()
