"""Time and memory of the worst diary file the importer accepts, and of every page it feeds.

Run: `.venv/bin/python -m pytest tests/benchmarks/bench_worst_import.py -m benchmark -s -q
-p no:cacheprovider`. Prints, per step, the wall time of one request and the peak memory
Python allocated during it (tracemalloc, measured on a second request so that imports and
caches do not count). Nothing asserts a time; the asserts check that every step answers.

Two files:
- "attack": the file of the report, a program started in 1750 with 100,000 daily entries. The
  importer must refuse it quickly, without storing anything.
- "worst accepted": the largest program the limits allow (dietplanner/analysis/limits.py): it
  started 3 years ago, a 365-day baseline, 60 challenges of 7 dose days, an entry every day
  with every symptom scored and a 2000-character note.
"""

import json
import time
import tracemalloc
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts.models import CareLink, User
from dietplanner.analysis import limits
from dietplanner.analysis.vocabulary import FOOD_GROUPS, SYMPTOMS
from tests.conftest import sign_in


def attack_file() -> dict:
    start = date(1750, 1, 1)
    return {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"timezone": "Europe/Oslo"},
        "program": {
            "protocol": "anti-inflammatory",
            "started_on": start.isoformat(),
            "baseline_days": 21,
            "symptoms": ["pain", "fatigue"],
            "challenges": [],
        },
        "entries": [
            {"date": (start + timedelta(days=n)).isoformat(), "scores": {"pain": n % 11}}
            for n in range(100_000)
        ],
    }


def worst_accepted_file(today: date) -> dict:
    start = today - timedelta(days=limits.MAX_PROGRAM_DAYS)
    baseline = limits.BASELINE_DAYS[1]
    challenges, first = [], start + timedelta(days=baseline + 1)
    dose_days = limits.DOSE_DAYS[1]
    for n in range(limits.MAX_CHALLENGES):
        if first + timedelta(days=dose_days + 2) >= today:
            break
        challenges.append(
            {
                "food_group": FOOD_GROUPS[n % len(FOOD_GROUPS)],
                "started_on": first.isoformat(),
                "dose_days": dose_days,
                "washout_days": 4,
                "status": "done",
                "doses": [
                    {"date": (first + timedelta(days=k)).isoformat(), "portion": "1 cup"}
                    for k in range(dose_days)
                ],
            }
        )
        first += timedelta(days=dose_days + 5)
    return {
        "format": "dietplanner-diary",
        "version": 1,
        "patient": {"timezone": "Europe/Oslo"},
        "program": {
            "protocol": "anti-inflammatory",
            "started_on": start.isoformat(),
            "baseline_days": baseline,
            "symptoms": list(SYMPTOMS),
            "challenges": challenges,
        },
        "entries": [
            {
                "date": (start + timedelta(days=n)).isoformat(),
                "scores": {s: (n + i) % 11 for i, s in enumerate(SYMPTOMS)},
                "confounders": ["stress"] if n % 9 == 0 else [],
                "note": "x" * limits.MAX_TEXT,
            }
            for n in range(limits.MAX_PROGRAM_DAYS + 1)
        ],
    }


def measure(label: str, request) -> object:
    """Time one call, then its peak memory on a second call; print both; return the answer."""
    started = time.perf_counter()
    response = request()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    request()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    status = getattr(response, "status_code", "")
    print(f"  {label:<28} {status} {elapsed * 1000:9.0f} ms {peak / 2**20:8.1f} MB")
    return response


def upload(client: Client, body: bytes):
    file = SimpleUploadedFile("diary.json", body, content_type="application/json")
    return client.post(reverse("programs:my-data"), {"diary_file": file})


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)
def test_worst_import_and_its_pages(catalogue):
    dana = User.objects.create_user(
        email="dana@example.com", password="x", full_name="Dana", role=User.Role.DIETITIAN
    )
    patients = []
    for n in range(3):
        pat = User.objects.create_user(email=f"p{n}@example.com", password="x", full_name="Pat")
        CareLink.objects.create(
            dietitian=dana, patient=pat, status=CareLink.Status.ACTIVE, accepted=timezone.now()
        )
        patients.append(pat)
    patient, dietitian = Client(), Client()
    sign_in(dietitian, dana)

    attack = json.dumps(attack_file()).encode()
    print(f"\nattack file: {len(attack) / 2**20:.1f} MB")
    patient.force_login(patients[0])
    response = measure("import", lambda: upload(patient, attack))
    if response.status_code == 302:  # accepted (as before the limits): its pages, as the report
        pages(patient, dietitian, patients[0])
    else:
        assert response.status_code == 400

    worst = json.dumps(worst_accepted_file(patients[1].local_today())).encode()
    print(f"worst accepted file: {len(worst) / 2**20:.1f} MB")
    patient.force_login(patients[1])
    response = measure("import", lambda: upload(patient, worst))
    assert response.status_code in (302, 400)  # the second call finds a program running
    pages(patient, dietitian, patients[1])


def pages(patient: Client, dietitian: Client, pat: User) -> None:
    for name in [
        "diary:today",
        "diary:diary",
        "programs:plan",
        "programs:results",
        "programs:ical",
        "programs:my-data-download",
    ]:
        response = measure(name, lambda name=name: patient.get(reverse(name)))
        assert response.status_code == 200, name
    for name in ["clinic:report", "clinic:report-pdf", "clinic:diary-csv", "clinic:diary-json"]:
        url = reverse(name, args=[pat.public_id])
        response = measure(name, lambda url=url: dietitian.get(url))
        assert response.status_code == 200, name
    response = measure("clinic:clients", lambda: dietitian.get(reverse("clinic:clients")))
    assert response.status_code == 200
