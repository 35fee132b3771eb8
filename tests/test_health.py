"""/healthz and the styled 503 while the database is unreachable (in process; the real outage
with a database that stops and comes back is in tests/ops/test_outage.py)."""

import pytest
from django.db import OperationalError
from django.test import Client

from dietplanner import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_session_or_data(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_healthz_ignores_the_host_name_a_load_balancer_uses(client):
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database: down" in response.content


def test_healthz_checks_the_cache_and_the_queue_when_they_are_configured(
    client, settings, monkeypatch
):
    from django.core.cache.backends.redis import RedisCache

    settings.TASK_BACKEND = "database"
    # Nothing listens on port 1: the configured Redis is down.
    redis = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    monkeypatch.setattr(health, "caches", {"default": redis})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"cache: down" in response.content
    assert b"queue: ok" in response.content


def styled_503(response):
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "dietplanner is unavailable for a moment" in html
    assert "Nothing you saved before is lost" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert 'href="#main"' in html  # the site's own page, with its header and styles


@pytest.mark.parametrize("debug", [False, True])
def test_a_page_that_loses_the_database_answers_the_styled_503(settings, debug):
    settings.DEBUG = debug
    settings.ROOT_URLCONF = "tests.urls_boom"
    styled_503(Client(raise_request_exception=False).get("/database-gone/"))


def test_a_middleware_that_loses_the_database_also_gives_the_styled_503(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.urls_boom"
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.urls_boom.SessionLost"]
    styled_503(Client(raise_request_exception=False).get("/session-lost/"))


def test_other_errors_still_get_the_500_page(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.urls_boom"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Retry-After" not in response
