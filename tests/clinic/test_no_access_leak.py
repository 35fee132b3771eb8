"""Every clinic URL, found from the URL configuration itself, tried by everyone who must not
get in: an unlinked dietitian, a dietitian whose link was revoked, and another patient."""

import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dietplanner.accounts.models import CareLink
from dietplanner.accounts.services import invite_send
from dietplanner.clinic.models import ClinicalNote
from dietplanner.programs.models import Challenge, Program
from tests.diary.factories import make_program

pytestmark = pytest.mark.django_db

ANY_BODY = {
    "days": "2",
    "dose_days": "2",
    "washout_days": "2",
    "direction": "up",
    "food_group": "dairy",
    "pairs": "2",
    "written_on": "2026-02-01",
    "text": "x",
    "email": "someone@example.com",
}


def clinic_routes() -> dict[str, list[str]]:
    """Every URL name of the clinic namespace with the parameters its route takes."""
    routes: dict[str, list[str]] = {}

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "clinic":
                routes[p.name] = re.findall(r"<(?:\w+:)?(\w+)>", route)

    walk(get_resolver().url_patterns)
    return routes


@pytest.fixture
def pats_things(patient, dietitian, catalogue):
    program = make_program(patient)
    note = ClinicalNote.objects.create(
        author=dietitian, patient=patient, written_on=date(2026, 2, 1), text="private"
    )
    invite = invite_send(dietitian=dietitian, email="new@example.com", request_base_url="http://x")
    return {
        "patient_id": patient.public_id,
        "challenge_id": program.challenges.order_by("position").first().public_id,
        "note_id": note.public_id,
        "invite_id": invite.public_id,
    }


def urls_about_pat(things) -> list[str]:
    return [
        reverse(f"clinic:{name}", kwargs={key: things[key] for key in params})
        for name, params in clinic_routes().items()
        if params
    ]


def snapshot():
    return (
        list(Program.objects.values_list("baseline_days", flat=True)),
        list(Challenge.objects.order_by("pk").values_list("position", "status", "dose_days")),
        ClinicalNote.objects.count(),
        list(CareLink.objects.order_by("pk").values_list("status", flat=True)),
    )


def test_every_clinic_url_is_covered(pats_things):
    # 16 URLs about a client or an invite; if one is added it must be reachable here.
    assert len(urls_about_pat(pats_things)) == len(clinic_routes()) - 2 == 16


def try_all(client, things) -> None:
    before = snapshot()
    for url in urls_about_pat(things):
        for method in (client.get, client.post):
            response = method(url, ANY_BODY)
            assert response.status_code in (404, 405), f"{method.__name__.upper()} {url}"
            assert b"Pat Doe" not in response.content, url
    assert snapshot() == before


def test_unlinked_dietitian_gets_nothing(client, other_dietitian, pats_things):
    client.force_login(other_dietitian)
    try_all(client, pats_things)
    assert b"Pat Doe" not in client.get(reverse("clinic:clients")).content


def test_dietitian_with_a_revoked_link_gets_nothing(client, dietitian, patient, pats_things):
    CareLink.objects.filter(dietitian=dietitian, patient=patient).update(
        status=CareLink.Status.REVOKED
    )
    client.force_login(dietitian)
    for url in urls_about_pat(pats_things):
        if "/invite/" in url:
            continue  # Dana's own invite stays hers to cancel
        response = client.get(url)
        assert response.status_code in (404, 405), url
    assert b"Pat Doe" not in client.get(reverse("clinic:clients")).content


def test_another_patient_gets_nothing(client, other_patient, pats_things):
    client.force_login(other_patient)
    try_all(client, pats_things)
    assert client.get(reverse("clinic:clients")).status_code == 404
    assert client.get(reverse("clinic:invite")).status_code == 404
