"""Speed of the analysis on a large diary: 365 days, 13 challenges, 8 symptoms.

Target (issue 17): under 10 ms median for `analyze_program`. Printed, not asserted:
    .venv/bin/pytest tests/benchmarks/bench_analysis.py -m benchmark -s
For steadier figures (CPU medians, cProfile, callgrind instruction counts) see
profile_analysis.py.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time
from datetime import date, timedelta

import pytest

from dietplanner.analysis.diary import ChallengeFacts, DayEntry, Dose, ProgramFacts
from dietplanner.analysis.exchange import dump_document, parse_document
from dietplanner.analysis.verdicts import analyze_program

SYMPTOMS = ("pain", "fatigue", "sleep", "brain_fog", "stiffness", "headache", "mood", "skin")
GROUPS = (
    "gluten", "dairy", "eggs", "soy", "corn", "nightshades", "citrus", "nuts", "shellfish",
    "added_sugar", "alcohol", "caffeine", "additives",
)  # fmt: skip
START = date(2026, 1, 5)


def year_diary(seed: int = 7) -> tuple[ProgramFacts, list[DayEntry]]:
    """A full year: 21-day baseline, then 13 challenges of 3 doses every 26 days."""
    rng = random.Random(seed)
    challenges = []
    dose_days: dict[int, str] = {}
    for k, group in enumerate(GROUPS):
        first = 21 + 26 * k
        doses = tuple(Dose(START + timedelta(days=first + i), f"step {i + 1}") for i in range(3))
        challenges.append(ChallengeFacts(group, START + timedelta(days=first), doses=doses))
        for i in range(3):
            dose_days[first + i] = group
    triggers = {"dairy", "gluten", "additives", "caffeine"}
    noise = dict.fromkeys(SYMPTOMS, 0.0)
    entries = []
    for day in range(365):
        for s in SYMPTOMS:
            noise[s] = 0.6 * noise[s] + rng.gauss(0.0, 1.0)
        reaction = 0.0
        for back in range(0, 4):
            group = dose_days.get(day - back)
            if group in triggers:
                reaction = max(reaction, 3.0 * ((day - back - 21) % 26 + 1) / 3)
        if rng.random() < 0.15:
            continue
        scores = {
            s: min(10, max(0, math.floor(4 + noise[s] + (reaction if s == "pain" else 0) + 0.5)))
            for s in SYMPTOMS
        }
        confounders = ("poor_sleep",) if rng.random() < 0.05 else ()
        entries.append(DayEntry(START + timedelta(days=day), scores, confounders))
    program = ProgramFacts(START, 21, SYMPTOMS, tuple(challenges), "anti-inflammatory")
    return program, entries


def _median_ms(fn, runs: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1000.0)
    return statistics.median(times)


@pytest.mark.benchmark
def test_analysis_of_a_year_long_diary_365_days_8_symptoms_13_challenges():
    program, entries = year_diary()
    results = analyze_program(program, entries)
    assert len(results) == 13
    assert len(entries) > 300 and len(program.symptoms) == 8
    median = _median_ms(lambda: analyze_program(program, entries), runs=50)
    # CPU time too: on a shared machine the wall clock also counts other people's work.
    cpu = _median_ms(lambda: analyze_program(program, entries), runs=20, clock=time.process_time)
    print(
        f"\nanalyze_program, 365 days x 8 symptoms x 13 challenges: median {median:.1f} ms"
        f" (CPU {cpu:.1f} ms; target < 10 ms)"
    )


@pytest.mark.benchmark
def test_parse_and_dump_of_a_year_long_diary():
    from dietplanner.analysis.diary import DiaryDocument, Patient

    program, entries = year_diary()
    doc = DiaryDocument(Patient("Europe/Oslo"), program, tuple(entries))
    text = json.dumps(dump_document(doc))
    median = _median_ms(lambda: parse_document(json.loads(text)), runs=30)
    print(f"\nparse_document, 365-day diary ({len(text) // 1024} KiB): median {median:.1f} ms")
