"""Long programs for report and PDF tests: imported like a diary file, with their verdicts."""

from __future__ import annotations

import math
import random
from datetime import timedelta

from dietplanner.analysis.diary import (
    ChallengeFacts,
    DayEntry,
    DiaryDocument,
    Dose,
    Patient,
    ProgramFacts,
)
from dietplanner.programs.exchange import program_import
from dietplanner.programs.models import Program

SYMPTOMS = ("pain", "fatigue", "sleep", "brain_fog", "stiffness", "headache", "mood", "skin")
GROUPS = (
    "gluten", "dairy", "eggs", "soy", "corn", "nightshades", "citrus", "nuts", "shellfish",
    "added_sugar", "alcohol", "caffeine", "additives",
)  # fmt: skip


def diary_document(days: int, today, seed: int = 7) -> DiaryDocument:
    """`days` of diary ending today: a 21-day baseline, then a challenge every 26 days."""
    rng = random.Random(seed)
    start = today - timedelta(days=days - 1)
    challenges, dose_days = [], {}
    for k, group in enumerate(GROUPS):
        first = 21 + 26 * k
        if first + 3 + 4 >= days:
            break
        doses = tuple(Dose(start + timedelta(days=first + i), f"step {i + 1}") for i in range(3))
        challenges.append(
            ChallengeFacts(group, start + timedelta(days=first), doses=doses, status="done")
        )
        for i in range(3):
            dose_days[first + i] = group
    noise = dict.fromkeys(SYMPTOMS, 0.0)
    entries = []
    for day in range(days):
        for s in SYMPTOMS:
            noise[s] = 0.6 * noise[s] + rng.gauss(0.0, 1.0)
        reaction = 3.0 if dose_days.get(day) in {"dairy", "gluten", "caffeine"} else 0.0
        if rng.random() < 0.1:
            continue
        scores = {
            s: min(10, max(0, math.floor(4 + noise[s] + (reaction if s == "pain" else 0) + 0.5)))
            for s in SYMPTOMS
        }
        confounders = ("poor_sleep",) if rng.random() < 0.05 else ()
        note = "Slept badly, long day at work." if rng.random() < 0.2 else ""
        entries.append(DayEntry(start + timedelta(days=day), scores, confounders, note=note))
    program = ProgramFacts(start, 21, SYMPTOMS, tuple(challenges), "anti-inflammatory")
    return DiaryDocument(Patient("Europe/Oslo"), program, tuple(entries))


def imported_program(patient, days: int) -> Program:
    """`diary_document(days)` imported for `patient`, its verdicts read."""
    today = patient.local_today()
    return program_import(document=diary_document(days, today), patient=patient, today=today)
