"""End-to-end speed of `manage.py analyze_diary` on 100 year-long diaries (start-up included).

Each file: 365 days, 8 symptoms, 13 challenges of 3 doses. Printed, not asserted:
    .venv/bin/pytest tests/benchmarks/bench_analyze_command.py -m benchmark -s -p no:cacheprovider
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = 100
DAYS = 365
SYMPTOMS = ("pain", "fatigue", "sleep", "brain_fog", "stiffness", "headache", "mood", "skin")
GROUPS = (
    "gluten", "dairy", "eggs", "soy", "corn", "nightshades", "citrus", "nuts", "shellfish",
    "added_sugar", "alcohol", "caffeine", "additives",
)  # fmt: skip
CONFOUNDERS = ("illness", "poor_sleep", "stress", "travel")
START = date(2026, 1, 5)


def year_document(rng: random.Random) -> dict:
    """One JSON-ready diary: 21-day baseline, then a challenge every 26 days, some triggers."""
    triggers = set(rng.sample(GROUPS, 3))
    challenges = []
    dose_group: dict[int, str] = {}
    for k, group in enumerate(GROUPS):
        first = 21 + 26 * k
        doses = []
        for i in range(3):
            dose_group[first + i] = group
            doses.append(
                {
                    "date": (START + timedelta(days=first + i)).isoformat(),
                    "portion": f"step {i + 1}",
                    "taken": rng.random() > 0.03,
                }
            )
        challenges.append(
            {
                "food_group": group,
                "started_on": (START + timedelta(days=first)).isoformat(),
                "dose_days": 3,
                "washout_days": 4,
                "stopped_early_on": None,
                "stop_reason": None,
                "blinded": False,
                "doses": doses,
                "status": "done",
            }
        )
    noise = dict.fromkeys(SYMPTOMS, 0.0)
    entries = []
    for day in range(DAYS):
        for s in SYMPTOMS:
            noise[s] = 0.6 * noise[s] + rng.gauss(0.0, 1.0)
        reaction = 0.0
        for back in range(4):
            if dose_group.get(day - back) in triggers:
                reaction = max(reaction, 1.0 + back)
        if rng.random() < 0.12:
            continue  # a day not logged
        hit = rng.choice(SYMPTOMS[:3])
        scores = {
            s: min(10, max(0, math.floor(4 + noise[s] + (reaction if s == hit else 0) + 0.5)))
            for s in SYMPTOMS
        }
        entries.append(
            {
                "date": (START + timedelta(days=day)).isoformat(),
                "scores": scores,
                "confounders": [rng.choice(CONFOUNDERS)] if rng.random() < 0.05 else [],
                "off_plan": [rng.choice(GROUPS)] if rng.random() < 0.02 else [],
                "note": "",
            }
        )
    return {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"name": "Bench Patient", "timezone": "Europe/Oslo"},
        "program": {
            "protocol": "anti-inflammatory",
            "started_on": START.isoformat(),
            "baseline_days": 21,
            "symptoms": list(SYMPTOMS),
            "challenges": challenges,
        },
        "entries": entries,
    }


@pytest.mark.benchmark
def test_analyze_diary_command_on_100_year_long_files(tmp_path):
    rng = random.Random(7)
    files = []
    for n in range(FILES):
        path = tmp_path / f"diary-{n:03}.json"
        path.write_text(json.dumps(year_document(rng)), encoding="utf-8")
        files.append(str(path))
    command = [sys.executable, "manage.py", "analyze_diary", *files, "--format", "json"]
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr[-2000:] or done.stdout[-2000:]
    reports = json.loads(done.stdout)
    assert [r["file"] for r in reports] == files
    assert all(len(r["challenges"]) == 13 for r in reports)
    verdicts = [c["verdict"] for r in reports for c in r["challenges"]]
    counts = {v: verdicts.count(v) for v in sorted(set(verdicts))}
    print(
        f"\nmanage.py analyze_diary, {FILES} files x {DAYS} days x {len(SYMPTOMS)} symptoms x "
        f"{len(GROUPS)} challenges, --format json, end to end: {seconds:.2f} s "
        f"({seconds / FILES * 1000:.0f} ms per file incl. start-up); verdicts {counts}"
    )
