"""Generated data for the page benchmark, the load test and the query pins.

A patient with a long program (a diary imported like a file, its verdicts read: 13 challenges
in a year) and a dietitian's many clients, each with a program, challenges and two weeks of
check-ins, written with `bulk_create` so that 5,000 clients take seconds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import time_machine
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dietplanner.accounts.models import CareLink, User
from dietplanner.analysis.diary import DiaryDocument, Dose
from dietplanner.programs.exchange import program_import
from dietplanner.programs.group_plans import results_refresh
from dietplanner.programs.models import Challenge, DailyEntry, Program
from foods.models import FoodGroup, Protocol
from tests.clinic.factories import diary_document
from tests.conftest import make_user, screened

CLIENT_SYMPTOMS = ["pain", "fatigue", "sleep"]
BATCH = 2000


def patient_with_program(email: str, days: int, name: str = "") -> User:
    """A patient (health answers clear, address confirmed) whose program has `days` of diary
    ending today in their time zone."""
    patient = screened(
        make_user(email, name or f"Pat {days}-days", User.Role.PATIENT, timezone="Europe/Oslo")
    )
    today = patient.local_today()
    program = program_import(document=running_document(days, today), patient=patient)
    results_refresh(program=program, today=today)
    return patient


def running_document(days: int, today: date) -> DiaryDocument:
    """`diary_document(days)` with its last food test running now: yesterday's portion taken,
    today the second of three and not checked in yet (as a patient finds Today each morning).
    A year holds 13 tests, a month one."""
    document = diary_document(days, today)
    *done, last = document.program.challenges
    yesterday = today - timedelta(days=1)
    running = replace(
        last, started_on=yesterday, doses=(Dose(yesterday, "step 1"),), status="active"
    )
    return replace(
        document,
        program=replace(document.program, challenges=(*done, running)),
        entries=tuple(e for e in document.entries if e.date < today),
    )


def dietitian(email: str, name: str) -> User:
    return make_user(email, name, User.Role.DIETITIAN)


def link(dietitian: User, patient: User) -> None:
    CareLink.objects.create(
        dietitian=dietitian, patient=patient, status=CareLink.Status.ACTIVE, accepted=timezone.now()
    )


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


# A fixed moment for the query pins: noon UTC, the same calendar day in Oslo and in UTC.
PIN_MOMENT = datetime(2026, 3, 2, 12, tzinfo=UTC)


def pinned_time():
    return time_machine.travel(PIN_MOMENT, tick=False)


def query_count(send) -> tuple[int, HttpResponse]:
    """How many queries `send()` (a test client's request) ran, and its response (a 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = send()
    assert response.status_code == 200, response.status_code
    return len(captured), response
