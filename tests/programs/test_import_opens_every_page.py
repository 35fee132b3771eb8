"""What the diary format accepts, the app runs: a generated valid document is imported through
the upload form, then every page and download of the patient and of their dietitian answers 200.

Before the limits were shared, a valid file with 8-14 dose days made Today, the diary, the plan,
the calendar, the report and its PDF and CSV answer 500, with no way out for the patient.
"""

import json
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dietplanner.accounts.models import CareLink, User
from dietplanner.analysis import limits
from dietplanner.analysis.diary import CHALLENGE_STATUSES, STOP_REASONS
from dietplanner.analysis.exchange import DiaryFormatError, parse_document
from dietplanner.analysis.vocabulary import CONFOUNDERS, FOOD_GROUPS, SYMPTOMS
from dietplanner.programs.models import Program
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

TODAY = date.today()


def day(value: date) -> str:
    return value.isoformat()


@st.composite
def challenge_dicts(draw, program_start: date, after: int) -> tuple[dict, int]:
    """One challenge starting `after` days or more into the program; and where the next may."""
    dose_days = draw(st.integers(*limits.DOSE_DAYS))
    started = draw(st.booleans())
    status = draw(st.sampled_from((None, *CHALLENGE_STATUSES)))
    first = program_start + timedelta(days=after + draw(st.integers(1, 40)))
    item = {
        "food_group": draw(st.sampled_from(FOOD_GROUPS)),
        "started_on": day(first) if started else None,
        "dose_days": dose_days,
        "washout_days": draw(st.integers(*limits.WASHOUT_DAYS)),
        "stopped_early_on": None,
        "stop_reason": None,
        "blinded": draw(st.booleans()),
        "doses": [],
    }
    if status is not None:
        item["status"] = status
    if started and draw(st.booleans()):
        item["stopped_early_on"] = day(first + timedelta(days=draw(st.integers(0, dose_days))))
        item["stop_reason"] = draw(st.sampled_from((None, *STOP_REASONS)))
    if started:
        for n in range(draw(st.integers(0, dose_days))):
            dose = {"date": day(first + timedelta(days=n)), "portion": "1/2 cup"}
            dose["taken"] = draw(st.booleans())
            if item["blinded"]:
                dose["arm"] = draw(st.sampled_from(("active", "placebo")))
            item["doses"].append(dose)
    end = (first - program_start).days + dose_days if started else after
    return item, end


@st.composite
def documents(draw) -> dict:
    start = draw(
        st.one_of(
            st.dates(TODAY - timedelta(days=200), TODAY),
            st.dates(TODAY - timedelta(days=limits.MAX_PROGRAM_DAYS), limits.latest_day(TODAY)),
        )
    )
    symptoms = draw(st.lists(st.sampled_from(SYMPTOMS), min_size=1, max_size=4, unique=True))
    challenges, after = [], draw(st.integers(0, 60))
    for _ in range(draw(st.integers(0, 5))):
        item, after = draw(challenge_dicts(start, after))
        challenges.append(item)
    span = min(after + draw(st.integers(0, 40)), limits.MAX_PROGRAM_DAYS)
    logged = draw(st.lists(st.integers(0, span), max_size=60, unique=True))
    entries = [
        {
            "date": day(start + timedelta(days=n)),
            "scores": {s: draw(st.integers(0, 10)) for s in symptoms if draw(st.booleans())},
            "confounders": draw(st.lists(st.sampled_from(CONFOUNDERS), max_size=2, unique=True)),
            "off_plan": draw(st.lists(st.sampled_from(FOOD_GROUPS), max_size=1)),
            "note": draw(st.sampled_from(("", "a calm day", "<b>not bold</b>"))),
        }
        for n in logged
    ]
    return {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"timezone": draw(st.sampled_from(("Europe/Oslo", "Pacific/Kiritimati")))},
        "program": {
            "protocol": draw(st.sampled_from(("anti-inflammatory", "low-fodmap", "custom"))),
            "started_on": day(start),
            "baseline_days": draw(st.integers(1, 60) | st.integers(*limits.BASELINE_DAYS)),
            "symptoms": symptoms,
            "challenges": challenges,
        },
        "entries": entries,
    }


PATIENT_PAGES = [
    "diary:today",
    "diary:diary",
    "programs:plan",
    "programs:ical",
    "programs:results",
    "programs:my-data",
    "programs:my-data-download",
    "foods:lookup",
]
DIETITIAN_PAGES = [
    "clinic:report",
    "clinic:report-pdf",
    "clinic:diary-csv",
    "clinic:diary-json",
    "clinic:plan",
]


def import_and_open_every_page(document: dict, number: int, dana: User) -> None:
    pat = User.objects.create_user(
        email=f"gen{number}@example.com", password="x", full_name="Gen Patient"
    )
    CareLink.objects.create(
        dietitian=dana, patient=pat, status=CareLink.Status.ACTIVE, accepted=timezone.now()
    )
    patient, dietitian = Client(), Client()
    patient.force_login(pat)
    sign_in(dietitian, dana)
    upload = SimpleUploadedFile("diary.json", json.dumps(document).encode())
    response = patient.post(reverse("programs:my-data"), {"diary_file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Program.objects.filter(patient=pat).exists()

    for name in PATIENT_PAGES:
        assert patient.get(reverse(name)).status_code == 200, name
    assert dietitian.get(reverse("clinic:clients")).status_code == 200
    for name in DIETITIAN_PAGES:
        assert dietitian.get(reverse(name, args=[pat.public_id])).status_code == 200, name


@pytest.mark.slow
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents())
def test_every_page_opens_after_importing_any_valid_document(document, catalogue, dietitian):
    try:
        parse_document(document)
    except DiaryFormatError:
        assume(False)
    with transaction.atomic():
        number = User.objects.count()
        import_and_open_every_page(document, number, dietitian)
        transaction.set_rollback(True)


def longest_ladder(dose_days: int) -> dict:
    start = TODAY - timedelta(days=40)
    return {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"timezone": "Europe/Oslo"},
        "program": {
            "protocol": "anti-inflammatory",
            "started_on": day(start),
            "baseline_days": 21,
            "symptoms": ["pain"],
            "challenges": [
                {
                    "food_group": "dairy",
                    "started_on": day(start + timedelta(days=22)),
                    "dose_days": dose_days,
                    "washout_days": limits.WASHOUT_DAYS[1],
                    "stopped_early_on": None,
                    "stop_reason": None,
                    "blinded": False,
                    "doses": [],
                }
            ],
        },
        "entries": [
            {"date": day(start + timedelta(days=n)), "scores": {"pain": 3}} for n in range(40)
        ],
    }


def test_the_longest_dose_ladder_the_format_allows_opens_every_page(catalogue, dietitian):
    import_and_open_every_page(longest_ladder(limits.DOSE_DAYS[1]), 1, dietitian)


def test_a_longer_ladder_than_the_engine_runs_is_refused_at_upload(patient_client, catalogue):
    """The case found: 8 dose days passed the format, then every page answered 500."""
    upload = SimpleUploadedFile("d.json", json.dumps(longest_ladder(8)).encode())
    response = patient_client.post(reverse("programs:my-data"), {"diary_file": upload})
    assert response.status_code == 400
    assert "program.challenges[0].dose_days: must be between 1 and 7, got 8" in (
        response.content.decode()
    )
    assert not Program.objects.exists()
