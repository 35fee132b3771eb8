"""Hypothesis throws odd input at every URL of the apps (the query string of a GET, the body of
a POST, with the field names of every form in the apps) and at the diary upload: the answer is
never a 500. Examples per test: the `ci` profile (default, bounded) or `HYPOTHESIS_PROFILE=deep`.
"""

import importlib
import inspect
import json
import os
import pkgutil
from urllib.parse import urlencode

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dietplanner
import foods
from dietplanner.analysis.exchange import dump_document
from dietplanner.analysis.vocabulary import CONFOUNDERS, SYMPTOMS
from dietplanner.programs.exchange import program_document
from tests.conftest import make_user, sign_in
from tests.security.routes import all_routes
from tests.security.table import row_for
from tests.security.test_route_matrix import url_for

pytestmark = pytest.mark.django_db

settings.register_profile(
    "ci",
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("deep", parent=settings.get_profile("ci"), max_examples=300)
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def app_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the apps' modules."""
    found = []
    for package in (dietplanner, foods):
        for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


FIELD_NAMES = sorted(
    {name for form in app_forms() for name in form.base_fields}
    | set(SYMPTOMS)
    | set(CONFOUNDERS)
    | {"answer", "next", "page", "sort", "filter", "q", "direction", "order", "new"}
)

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "3",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "-0.0",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "2026-01-05",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate, sent as the bytes it would be
    "\u202e\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%s%n",
    "{}",
    "[]",
    "null",
    "on",
    " =1+1",
    "\n=cmd",
    "x" * 5000,
    "00000000-0000-0000-0000-000000000000",
    "dairy",
    "up",
    "accept",
    "decline",
    "anti-inflammatory",
]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(str),
)
BODIES = st.lists(
    st.tuples(st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12)), VALUES),
    max_size=10,
)


def encoded(pairs) -> str:
    # Lone surrogates go out as the (invalid UTF-8) bytes a broken client would send.
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def _reaches_view(answer: str) -> bool:
    return answer not in {"404", "405", "login", "admin-login"}


def fuzz_targets() -> list[tuple[str, str, str]]:
    """(route, method, persona): each URL of the apps (the admin is Django's own) with the
    first persona whose request reaches the view."""
    targets = []
    for route in all_routes():
        if route.key.startswith("admin"):
            continue
        row = row_for(route)
        for method in ("GET", "POST"):
            for persona in ("owner", "linked", "other", "anonymous"):
                if _reaches_view(row.expected(method, persona)):
                    targets.append((route.key, method, persona))
                    break
    return targets


def test_the_fuzzed_field_names_include_every_form_in_the_apps():
    names = {form.__name__ for form in app_forms()}
    assert {"CheckinForm", "NoteForm", "StartForm", "UploadForm", "LookupForm"} <= names
    assert len(names) >= 25


def fuzz_one(client: Client, method: str, url: str) -> int:
    """Odd query strings (GET) or bodies (POST) for one URL; returns the requests sent."""
    sent = 0

    @FUZZ
    @given(pairs=BODIES)
    def check(pairs):
        nonlocal sent
        sent += 1
        with transaction.atomic():
            if method == "GET":
                response = client.get(f"{url}?{encoded(pairs)}")
            else:
                body = encoded(pairs)
                response = client.generic("POST", url, body, "application/x-www-form-urlencoded")
            if response.streaming:
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{method} {url} {pairs!r}"

    check()
    return sent


@pytest.mark.slow
def test_odd_input_to_any_url_never_gives_a_500(world):
    clients = {}
    sent = 0
    for key, method, persona in fuzz_targets():
        route = next(r for r in all_routes() if r.key == key)
        url = url_for(route, world.values)
        if persona not in clients:
            clients[persona] = Client(raise_request_exception=False)
            if world.users[persona]:
                sign_in(clients[persona], world.users[persona])
        sent += fuzz_one(clients[persona], method, url)
    print(f"\nfuzz: {sent} requests over {len(fuzz_targets())} URL x method pairs")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(document, path, new):
    if not path:
        return new
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


@st.composite
def uploads(draw, valid: dict) -> bytes:
    """A valid diary file with one value replaced by odd JSON, or odd bytes altogether."""
    kind = draw(st.sampled_from(["replace", "replace", "replace", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "json":
        return json.dumps(draw(JSON)).encode()
    path = draw(st.sampled_from(list(_paths(valid))))
    new = draw(JSON | st.sampled_from(NASTY) | st.integers(min_value=-(10**6), max_value=10**6))
    return json.dumps(_replaced(valid, path, new), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


PATIENT_PAGES = ["diary:today", "diary:diary", "programs:plan", "programs:results"]


def test_an_odd_diary_file_is_refused_with_errors_and_never_gives_a_500(world):
    valid = dump_document(program_document(world.patient.programs.get()))
    newcomer = make_user("una@example.com", "Una Upload", "patient")
    client = Client(raise_request_exception=False)
    sign_in(client, newcomer)

    @FUZZ
    @given(content=uploads(valid))
    def check(content):
        with transaction.atomic():
            upload = SimpleUploadedFile("diary.json", content, "application/json")
            response = client.post(reverse("programs:my-data"), {"diary_file": upload})
            pages = {}
            if response.status_code == 302:  # imported: every page of the program opens
                pages = {name: client.get(reverse(name)).status_code for name in PATIENT_PAGES}
            transaction.set_rollback(True)
        assert response.status_code in (302, 400), content[:300]
        assert all(status == 200 for status in pages.values()), (pages, content[:300])

    check()
