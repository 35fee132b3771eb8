"""Run `analyze_program` on the benchmark's year (365 days x 8 symptoms x 13 challenges) for
profiling and instruction counts, where wall-clock medians are too noisy.

    .venv/bin/python -m tests.benchmarks.profile_analysis --runs 60       # median CPU ms
    .venv/bin/python -m tests.benchmarks.profile_analysis --profile       # cProfile, top 30
    # against another version, on a busy machine: both in one process, runs alternated
    git archive <commit> dietplanner | tar -x -C /tmp/before
    .venv/bin/python -m tests.benchmarks.profile_analysis --runs 100 --against /tmp/before
    # what is left if some parts cost nothing: their results replayed, alternated with full runs
    .venv/bin/python -m tests.benchmarks.profile_analysis --runs 40 \\
        --free decide.reaction_evidence,reference.NoiseEstimator._run
    # instructions per analysis: the difference of two callgrind runs, divided by 3
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python -m tests.benchmarks.profile_analysis --runs 1 --quiet
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python -m tests.benchmarks.profile_analysis --runs 4 --quiet
"""

from __future__ import annotations

import importlib
import importlib.util
import statistics
import sys
import time
from pathlib import Path

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
    if "--against" in args:
        _against(args[args.index("--against") + 1], runs, program, entries)
        return
    if "--free" in args:
        _free(args[args.index("--free") + 1].split(","), runs, program, entries)
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


def _against(root: str, runs: int, program, entries) -> None:
    """This checkout's analysis against the one under `root` (its `dietplanner/analysis`),
    one run of each in turn (the first of the two alternating), so that a busy machine slows
    both alike: prints both CPU medians and their ratio."""
    other = _load_analysis(Path(root))
    same = repr(other(program, entries)) == repr(analyze_program(program, entries))
    times: dict[str, list[float]] = {"other": [], "this": []}
    for k in range(runs):
        order = (("other", other), ("this", analyze_program))
        for name, analyze in order if k % 2 else order[::-1]:
            t0 = time.process_time()
            analyze(program, entries)
            times[name].append((time.process_time() - t0) * 1000.0)
    before, after = (statistics.median(times[n]) for n in ("other", "this"))
    print(
        f"analyze_program, {runs} runs each, alternated: {root} {before:.2f} ms"
        f" (fastest {min(times['other']):.2f}), this checkout {after:.2f} ms"
        f" (fastest {min(times['this']):.2f}), ratio {after / before:.3f};"
        f" same results: {'yes' if same else 'NO'}"
    )


def _free(names: list[str], runs: int, program, entries) -> None:
    """How long the analysis would take if the functions `names` (`module.function` or
    `module.Class.method` under `dietplanner.analysis`) cost nothing: an upper bound of what
    making them faster can save. Each round records their results in one run, then times a
    full run and a run that replays those results in call order (the analysis is
    deterministic, so it makes the same calls); prints both CPU medians."""
    from dietplanner.analysis import verdicts

    spots = []  # (where the function is named, its name, the function)
    for dotted in names:
        *path, name = dotted.split(".")
        owner = importlib.import_module(f"dietplanner.analysis.{path[0]}")
        for attribute in path[1:]:
            owner = getattr(owner, attribute)
        function = owner.__dict__[name]
        owners = [owner]
        if len(path) == 1:  # also where other modules imported it by name
            owners += [
                m
                for m in list(sys.modules.values())
                if getattr(m, "__name__", "").startswith("dietplanner.analysis.")
                and m is not owner
                and m.__dict__.get(name) is function
            ]
        spots.append((owners, name, function))

    def put(functions) -> None:
        for (owners, name, _), function in zip(spots, functions, strict=True):
            for owner in owners:
                setattr(owner, name, function)

    def recorder(function, log):
        def record(*args, **kwargs):
            log.append(function(*args, **kwargs))
            return log[-1]

        return record

    def replayer(log):
        results = iter(log)
        return lambda *args, **kwargs: next(results)

    originals = [function for _, _, function in spots]
    same = True
    expected = repr(verdicts.analyze_program(program, entries))
    times: dict[str, list[float]] = {"full": [], "free": []}
    for _ in range(runs):
        logs = [[] for _ in spots]
        put([recorder(f, log) for f, log in zip(originals, logs, strict=True)])
        verdicts.analyze_program(program, entries)
        for name, functions in (("full", originals), ("free", map(replayer, logs))):
            put(list(functions))
            t0 = time.process_time()
            found = verdicts.analyze_program(program, entries)
            times[name].append((time.process_time() - t0) * 1000.0)
            same = same and repr(found) == expected
        put(originals)
    full, free = (statistics.median(times[n]) for n in ("full", "free"))
    print(
        f"analyze_program, {runs} runs each: {full:.2f} ms; with {', '.join(names)} at no cost"
        f" {free:.2f} ms ({free / full:.3f}); same results: {'yes' if same else 'NO'}"
    )


def _load_analysis(root: Path):
    """`analyze_program` of the analysis package under `root`, imported under another name."""
    package = root / "dietplanner" / "analysis"
    spec = importlib.util.spec_from_file_location(
        "analysis_against", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return importlib.import_module(f"{spec.name}.verdicts").analyze_program


if __name__ == "__main__":
    main(sys.argv[1:])
