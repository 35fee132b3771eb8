"""One clock: "today" and every time shown are the patient's, whoever reads and wherever the
server is (docs/architecture.md, "Time is the patient's").

The main pages run for a patient in Auckland and one in Los Angeles at 23:30 and 00:30 UTC,
when the patient's calendar, the server's (Europe/London, UTC in January) and the dietitian's
(Kolkata) disagree about the date. A time or day taken from the wrong clock shows as a wrong
date, a wrong "Saved at" or a client who "last logged yesterday".
"""

from __future__ import annotations

import csv
import io
import json
import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.accounts.models import CareLink, User
from dietplanner.clinic import pdf as pdf_module
from dietplanner.programs.models import DailyEntry, PlanChange
from tests.conftest import make_user, screened, sign_in
from tests.diary.factories import log_days, make_program

pytestmark = pytest.mark.django_db

DIETITIAN_ZONE = "Asia/Kolkata"
INSTANTS = {
    "23:30 UTC": datetime(2026, 1, 14, 23, 30, tzinfo=UTC),
    "00:30 UTC": datetime(2026, 1, 15, 0, 30, tzinfo=UTC),
}
ZONES = ("Pacific/Auckland", "America/Los_Angeles")
DAYS_IN = 9  # the patient's today is baseline day 10


def text(response) -> str:
    """The page's words, tags and spacing dropped."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def long_day(day: date) -> str:
    """As Today's heading writes a day: "Thursday 15 January 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.fixture(params=[(zone, label) for zone in ZONES for label in INSTANTS], ids=str)
def world(request, client, catalogue):
    """A patient in `zone` on baseline day 10 with every earlier day logged, linked to a
    dietitian in Kolkata; the clock stopped at the instant."""
    zone, label = request.param
    moment = INSTANTS[label]
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    patient = screened(make_user("zed@example.com", "Zed Zone", User.Role.PATIENT, timezone=zone))
    dietitian = make_user(
        "dee@example.com", "Dee Far", User.Role.DIETITIAN, timezone=DIETITIAN_ZONE
    )
    CareLink.objects.create(
        dietitian=dietitian, patient=patient, status=CareLink.Status.ACTIVE, accepted=moment
    )
    today = local.date()
    program = make_program(patient, start=today - timedelta(days=DAYS_IN))
    log_days(program, program.start_date, today - timedelta(days=1))
    with time_machine.travel(moment, tick=False):
        yield {
            "client": client,
            "patient": patient,
            "dietitian": dietitian,
            "program": program,
            "today": today,
            "clock": local.strftime("%H:%M"),
        }


def checked_in(world) -> None:
    """The patient saves today's check-in (a plain post, the redirect followed)."""
    client, program = world["client"], world["program"]
    sign_in(client, world["patient"])
    data = {f"score_{s}": "3" for s in program.symptoms}
    client.post(reverse("diary:checkin"), data)
    assert DailyEntry.objects.filter(program=program, date=world["today"]).exists()


def as_dietitian(world):
    client = world["client"]
    client.logout()
    sign_in(client, world["dietitian"])
    return client


def test_today_and_the_check_in_are_on_the_patients_calendar_and_clock(world):
    client, today, program = world["client"], world["today"], world["program"]
    sign_in(client, world["patient"])
    page = text(client.get(reverse("diary:today")))
    assert long_day(today) in page and "Baseline day 10 of 21" in page

    response = client.post(
        reverse("diary:checkin"),
        {f"score_{s}": "3" for s in program.symptoms},
        HTTP_HX_REQUEST="true",
    )
    assert f"Saved your check-in at {world['clock']}." in text(response)
    assert DailyEntry.objects.get(program=program, date=today)

    page = text(client.get(reverse("diary:today")))
    assert f"Saved earlier ({world['clock']})" in page


def test_the_patients_pages_count_days_on_the_patients_calendar(world):
    checked_in(world)
    client, today = world["client"], world["today"]
    diary = text(client.get(reverse("diary:diary")))
    assert f"Newest first: {today.day} {today:%B %Y}" in diary
    assert "running, day 10 of 21" in text(client.get(reverse("programs:plan")))
    assert client.get(reverse("programs:results")).status_code == 200
    assert client.get(reverse("foods:lookup")).status_code == 200


def test_the_patients_diary_file_is_named_after_their_day(world):
    checked_in(world)
    download = world["client"].get(reverse("programs:my-data-download"))
    today = world["today"].isoformat()
    assert f'dietplanner-diary-{today}.json"' in download["Content-Disposition"]
    assert json.loads(download.content)["entries"][-1]["date"] == today


def test_a_plan_change_shows_the_patients_time_to_both(world):
    PlanChange.objects.create(program=world["program"], summary="Moved eggs later.")
    when = f"{world['today'].day} {world['today']:%b %Y}, {world['clock']}"
    client, patient = world["client"], world["patient"]
    sign_in(client, patient)
    assert when in text(client.get(reverse("programs:plan")))
    client = as_dietitian(world)
    assert when in text(client.get(reverse("clinic:plan", args=[patient.public_id])))


def test_the_dietitian_reads_the_client_on_the_clients_calendar(world, monkeypatch):
    checked_in(world)
    client, patient, today = as_dietitian(world), world["patient"], world["today"]

    clients = text(client.get(reverse("clinic:clients")))
    row = clients[clients.index("Zed Zone") :]
    assert row.startswith("Zed Zone Baseline day 10 of 21 today 100% of days logged")

    report = text(client.get(reverse("clinic:report", args=[patient.public_id])))
    assert "Days logged: 10 of 10 (100%)" in report

    drawn = []
    monkeypatch.setattr(pdf_module, "draw_pdf", lambda html, *a: drawn.append(html) or b"%PDF")
    client.get(reverse("clinic:report-pdf", args=[patient.public_id]))
    assert f"Prepared {today.day} {today:%b %Y}" in drawn[0]

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("clinic:diary-csv", args=[patient.public_id])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[-1][0] == today.isoformat() and rows[-1][2] == "3"

    document = json.loads(
        client.get(reverse("clinic:diary-json", args=[patient.public_id])).content
    )
    assert document["entries"][-1]["date"] == today.isoformat()


def test_a_note_is_dated_on_the_clients_calendar(world):
    client, patient, today = as_dietitian(world), world["patient"], world["today"]
    report = client.get(reverse("clinic:report", args=[patient.public_id])).content.decode()
    assert f'value="{today.isoformat()}"' in report
    response = client.post(
        reverse("clinic:note-add", args=[patient.public_id]),
        {"written_on": today.isoformat(), "text": "Doing well."},
        HTTP_HX_REQUEST="true",
    )
    assert f'value="{today.isoformat()}"' in response.content.decode()  # the next note's date


def test_the_report_dates_the_clients_choice_to_test_anyway_on_their_calendar(client, catalogue):
    from dietplanner.programs.baseline_choice import first_test_start_anyway
    from tests.programs.test_baseline_check import READY, first
    from tests.programs.test_stopping import log

    kiwi = screened(make_user("kiwi@example.com", "Kiri", User.Role.PATIENT, timezone=ZONES[0]))
    dietitian = make_user("dee@example.com", "Dee Far", User.Role.DIETITIAN, timezone="UTC")
    CareLink.objects.create(
        dietitian=dietitian,
        patient=kiwi,
        status=CareLink.Status.ACTIVE,
        accepted=INSTANTS["23:30 UTC"],
    )
    program = make_program(kiwi)
    log(program, program.start_date, 21, lambda k: 6 if k < 7 else 5)  # did not help
    # 23:30 UTC the evening before READY is already READY, 12:30, in Auckland.
    evening = datetime(READY.year, READY.month, READY.day, 23, 30, tzinfo=UTC) - timedelta(days=1)
    with time_machine.travel(evening, tick=False):
        first_test_start_anyway(challenge=first(program), by=kiwi, on=READY)
        sign_in(client, dietitian)
        report = text(client.get(reverse("clinic:report", args=[kiwi.public_id])))
    assert f"chose to start the food tests anyway on {READY.day} {READY:%b %Y}" in report


def test_the_new_york_patient_of_issue_15(client, catalogue):
    """Saving at 20:09 in New York (01:09 UTC, the next day on the server) reads "Saved at
    20:09", and the dietitian sees the client up to date: "today", every day logged."""
    york = screened(
        make_user("ny@example.com", "Nia York", User.Role.PATIENT, timezone="America/New_York")
    )
    dietitian = make_user(
        "dee@example.com", "Dee Far", User.Role.DIETITIAN, timezone="Europe/London"
    )
    moment = datetime(2026, 1, 15, 1, 9, tzinfo=UTC)  # 20:09 on 14 January in New York
    CareLink.objects.create(
        dietitian=dietitian, patient=york, status=CareLink.Status.ACTIVE, accepted=moment
    )
    program = make_program(york, start=date(2026, 1, 13))
    log_days(program, date(2026, 1, 13), date(2026, 1, 13))
    with time_machine.travel(moment, tick=False):
        sign_in(client, york)
        data = {f"score_{s}": "3" for s in program.symptoms}
        saved = text(client.post(reverse("diary:checkin"), data, follow=True))
        assert "Saved your check-in at 20:09." in saved
        assert DailyEntry.objects.filter(program=program, date=date(2026, 1, 14)).exists()
        client.logout()
        sign_in(client, dietitian)
        clients = text(client.get(reverse("clinic:clients")))
    assert "Nia York Baseline day 2 of 21 today 100% of days logged" in clients


# --- the rule, kept -------------------------------------------------------------------------

# A stored moment a template may show on the reader's own clock: the dietitian's invites, sent
# before any patient exists (the page says "your time").
OWN_CLOCK = {("clinic/invites/invite.html", "invite.token_expires")}


def test_no_template_shows_a_stored_moment_on_the_servers_clock():
    """`|date` or `|time` straight on a model's date-time field shows it in the server's zone;
    a moment about a patient goes through `|patient_time:patient` first."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings
    from django.db import models

    fields = sorted(
        {
            f.name
            for model in apps.get_models()
            for f in model._meta.get_fields()
            if isinstance(f, models.DateTimeField)
        }
    )
    names = "|".join(fields)
    straight = re.compile(rf"([\w.]+\.(?:{names}))\|(?:date|time)\b")
    root = Path(settings.BASE_DIR) / "templates"
    found = {
        (str(path.relative_to(root)), match.group(1))
        for path in root.rglob("*.*")
        for match in straight.finditer(path.read_text())
    }
    assert found <= OWN_CLOCK


def test_no_code_reads_the_servers_date():
    """`date.today()`, `timezone.localdate()` and `datetime.now()` give the server's day; the
    patient's is `patient.local_today()` (the analysis engine is given its `today`)."""
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    server_date = re.compile(r"date\.today\(\)|localdate\(|datetime\.now\(")
    found = [
        f"{path.relative_to(base)}:{number}"
        for folder in ("dietplanner", "foods")
        for path in (base / folder).rglob("*.py")
        if not {"migrations", "analysis"} & set(path.parts) and path.name != "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if server_date.search(line)
    ]
    assert found == []
