"""Clinic test data: long programs for report and PDF tests (imported like a diary file, with
their verdicts), and a dietitian's many clients for the client list's tests and benchmarks."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from django.utils import timezone

from dietplanner.accounts.models import CareLink, User
from dietplanner.analysis.diary import (
    ChallengeFacts,
    DayEntry,
    DiaryDocument,
    Dose,
    Patient,
    ProgramFacts,
)
from dietplanner.programs.exchange import program_import
from dietplanner.programs.models import Challenge, DailyEntry, Program
from foods.models import FoodGroup, Protocol

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


CLIENT_SYMPTOMS = ["pain", "fatigue", "sleep"]
BATCH = 2000


def clients_for(dietitian: User, count: int, *, prefix: str, today: date) -> list[User]:
    """`count` linked patients with programs at every stage: half in the baseline, half
    testing foods (one test done, one running or in washout, two planned), each with the
    last 14 days of check-ins, a missed day here and there and now and then off-plan food."""
    protocol = Protocol.objects.get(slug="anti-inflammatory")
    groups = list(FoodGroup.objects.order_by("slug")[:4])
    now = timezone.now()
    users = User.objects.bulk_create(
        (
            User(
                email=f"{prefix}{i:05}@example.com",
                full_name=f"Client {prefix} {i:05}",
                role=User.Role.PATIENT,
                password="!",
                timezone="UTC",
                email_verified_at=now,
            )
            for i in range(count)
        ),
        batch_size=BATCH,
    )
    if any(u.pk is None for u in users):  # backends that return no ids from bulk inserts
        users = list(User.objects.filter(email__startswith=prefix).order_by("email"))
    CareLink.objects.bulk_create(
        (
            CareLink(dietitian=dietitian, patient=u, status=CareLink.Status.ACTIVE, accepted=now)
            for u in users
        ),
        batch_size=BATCH,
    )
    programs = Program.objects.bulk_create(
        (
            Program(
                patient=u,
                protocol=protocol,
                start_date=today - timedelta(days=14 + i % 40),
                baseline_days=21,
                symptoms=CLIENT_SYMPTOMS,
                status="baseline" if i % 2 else "reintroduction",
            )
            for i, u in enumerate(users)
        ),
        batch_size=BATCH,
    )
    if any(p.pk is None for p in programs):
        programs = list(Program.objects.filter(patient__in=users).order_by("patient__email"))
    challenges = []
    for i, program in enumerate(programs):
        if program.status == "reintroduction":
            challenges.append(
                Challenge(
                    program=program,
                    food_group=groups[0],
                    position=0,
                    status="done",
                    first_dose_day=today - timedelta(days=12),
                    verdict="tolerated",
                    verdict_updated=now,
                )
            )
            challenges.append(
                Challenge(
                    program=program,
                    food_group=groups[1],
                    position=1,
                    status="active" if i % 4 else "washout",
                    first_dose_day=today - timedelta(days=1 + i % 5),
                )
            )
        challenges += [
            Challenge(program=program, food_group=g, position=k + 2)
            for k, g in enumerate(groups[2:])
        ]
    Challenge.objects.bulk_create(challenges, batch_size=BATCH)
    DailyEntry.objects.bulk_create(
        (
            DailyEntry(
                program=p,
                date=today - timedelta(days=k),
                scores={s: (i + k) % 6 for s in CLIENT_SYMPTOMS},
                off_plan=["dairy"] if (i + k) % 9 == 0 else [],
            )
            for i, p in enumerate(programs)
            for k in range(14)
            if (i * 7 + k) % 11  # a missed day now and then, and some clients quiet lately
        ),
        batch_size=BATCH,
    )
    return users
