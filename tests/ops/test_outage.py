"""The app against a database that stops and comes back: styled 503 fast, then recovery.

gunicorn runs the app with production settings, reaching PostgreSQL through a proxy that the
test stops (connections refused and cut), hangs (accepted, never answered) and restarts.
"""

import time

import pytest

from tests.diary.factories import make_program

from .server import Gunicorn, Proxy, database_url_through, production_env, request, session_cookie

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("catalogue"),
    # Both start servers and cut connections: one worker runs them, one after the other.
    pytest.mark.xdist_group("ops"),
]


@pytest.fixture
def proxy():
    proxy = Proxy(("127.0.0.1", 5432))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def app(proxy, static_root):
    server = Gunicorn(production_env(database_url_through(proxy.port), static_root), workers=1)
    server.start()
    yield server
    server.kill()


def timed_get(url: str, cookies=None):
    started = time.monotonic()
    status, headers, body = request(url, cookies=cookies, timeout=15)
    return status, headers, body.decode(), time.monotonic() - started


def assert_styled_503(status, headers, body):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "dietplanner is unavailable for a moment" in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_a_database_outage_answers_503_quickly_and_the_app_recovers_by_itself(proxy, app, patient):
    make_program(patient)
    cookies = {"sessionid": session_cookie(patient)}
    today = app.url + "/today/"

    status, _, body, _ = timed_get(today, cookies)
    assert status == 200 and "Pat" in body

    # The database goes away: refused at once, the open connection cut.
    proxy.stop()
    status, headers, body, took = timed_get(today, cookies)
    assert_styled_503(status, headers, body)
    assert took < 2.0, f"503 took {took:.2f} s"
    assert timed_get(app.url + "/healthz")[0] == 503

    # The database hangs: new connections are accepted and never answered.
    proxy.hang()
    status, headers, body, took = timed_get(today, cookies)
    assert_styled_503(status, headers, body)
    assert took < 3.0, f"503 took {took:.2f} s with a 2 s connect timeout"
    print(f"\n503 while the database hangs: {took:.2f} s")

    # It comes back: the very next request is served, with nobody restarting the app.
    proxy.start()
    status, _, body, _ = timed_get(today, cookies)
    assert status == 200 and "Pat" in body
    assert timed_get(app.url + "/healthz")[0] == 200
