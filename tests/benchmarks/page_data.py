"""Generated data for the page benchmark, the load test and the query pins.

A patient with a long program (a diary imported like a file, its verdicts read: 13 challenges
in a year); a dietitian's many clients come from `tests.clinic.factories.clients_for`.
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
from tests.clinic.factories import diary_document
from tests.conftest import make_user, screened


def patient_with_program(email: str, days: int, name: str = "") -> User:
    """A patient (health answers clear, address confirmed) whose program has `days` of diary
    ending today in their time zone."""
    patient = screened(
        make_user(email, name or f"Pat {days}-days", User.Role.PATIENT, timezone="Europe/Oslo")
    )
    today = patient.local_today()
    program_import(document=running_document(days, today), patient=patient, today=today)
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


# A fixed moment for the query pins: noon UTC, the same calendar day in Oslo and in UTC.
PIN_MOMENT = datetime(2026, 3, 2, 12, tzinfo=UTC)


def pinned_time():
    return time_machine.travel(PIN_MOMENT, tick=False)


def query_count(send) -> tuple[int, HttpResponse]:
    """How many queries `send()` (a test client's request) ran, and its response (a 200): the
    first view in a server process, with nothing kept in its memory (`programs.memo`)."""
    from dietplanner.programs import memo

    memo.forget()
    with CaptureQueriesContext(connection) as captured:
        response = send()
    assert response.status_code == 200, response.status_code
    return len(captured), response
