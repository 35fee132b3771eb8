"""Every URL pattern of the site (the admin's included) x seven personas x GET and POST, each
answer checked against the table in `tests/security/table.py`. Outsiders get 404 (ids leak
nothing), never see a word of Pat's data, and change none of it."""

from http.cookies import SimpleCookie

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.security.routes import Route, admin_model, all_routes, fill
from tests.security.table import ANY_BODY, PERSONAS, TABLE, row_for
from tests.security.world import PATS_WORDS, pats_data

pytestmark = pytest.mark.django_db

# Personas who must never see or change Pat's data (the staff only inside the admin).
OUTSIDERS = {"anonymous", "other", "unlinked", "revoked", "staff"}


def answer(response) -> str:
    """The status as the table spells it: redirects to a login page are named."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("accounts:login")):
            return "login"
        if location.startswith(reverse("admin:login")):
            return "admin-login"
    return str(response.status_code)


def url_for(route: Route, values: dict) -> str:
    aliases = row_for(route).args
    model = admin_model(route)
    picked = {}
    for param in route.params:
        if param in aliases:
            picked[param] = values[aliases[param]]
        elif param == "object_id" and model:
            picked[param] = values[f"admin:{model}"]
        else:
            picked[param] = values[param]
    return fill(route, picked)


def ask(client: Client, method: str, url: str, world, persona: str, route: Route) -> list[str]:
    """One request, rolled back afterwards so that every request meets the same world.
    Returns what went wrong: the answer, a leak, a change by an outsider."""
    problems = []
    cookies = SimpleCookie(client.cookies)
    with transaction.atomic():
        before = pats_data(world.patient)
        response = client.get(url) if method == "GET" else client.post(url, ANY_BODY)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        got = answer(response)
        expected = row_for(route).expected(method, persona)
        if got not in expected.split("|"):
            problems.append(f"{method} {url}: expected {expected}, got {got}")
        in_admin = route.key.startswith("admin")
        if persona in OUTSIDERS and not (persona == "staff" and in_admin):
            leaked = [word.decode() for word in PATS_WORDS if word in body]
            if leaked:
                problems.append(f"{method} {url}: shows {leaked} to {persona}")
            if pats_data(world.patient) != before:
                problems.append(f"{method} {url}: {persona} changed Pat's data")
        transaction.set_rollback(True)
    client.cookies = cookies
    cache.clear()
    return problems


def test_every_url_pattern_has_a_row_in_the_table():
    routes = {route.key for route in all_routes()}
    missing = sorted(routes - TABLE.keys())
    assert not missing, (
        "These URL patterns have no row in tests/security/table.py; add one saying what each "
        f"persona gets for GET and POST: {missing}"
    )
    stale = sorted(TABLE.keys() - routes)
    assert not stale, f"tests/security/table.py has rows for patterns that are gone: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_table_says(persona, world):
    client = Client(raise_request_exception=False)
    user = world.users[persona]
    if user is not None:
        sign_in(client, user)
    problems = []
    for route in all_routes():
        if route.key not in TABLE:
            continue  # reported by the test above
        url = url_for(route, world.values)
        for method in ("GET", "POST"):
            problems += ask(client, method, url, world, persona, route)
    assert not problems, f"{persona}:\n" + "\n".join(problems)
