"""Run `analyze_program` on the benchmark's year (365 days x 8 symptoms x 13 challenges) for
profiling and instruction counts, where wall-clock medians are too noisy.

    .venv/bin/python -m tests.benchmarks.profile_analysis --runs 50       # median CPU ms
    .venv/bin/python -m tests.benchmarks.profile_analysis --profile       # cProfile, top 30
    # instructions per analysis: the difference of two callgrind runs, divided by 3
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python -m tests.benchmarks.profile_analysis --runs 1 --quiet
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python -m tests.benchmarks.profile_analysis --runs 4 --quiet
"""

from __future__ import annotations

import statistics
import sys
import time

from dietplanner.analysis.verdicts import analyze_program

from .bench_analysis import year_diary


def main(args: list[str]) -> None:
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 20
    program, entries = year_diary()
    if "--profile" in args:
        import cProfile
        import pstats

        analyze_program(program, entries)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            analyze_program(program, entries)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        analyze_program(program, entries)
        times.append((time.process_time() - t0) * 1000.0)
    if "--quiet" not in args:
        print(
            f"analyze_program, {runs} runs: median CPU {statistics.median(times):.2f} ms"
            f" (fastest {min(times):.2f} ms)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
