"""Health and faults: the load balancer's probe, and a styled 503 while the database is away.

`/healthz` is answered by the first middleware, before host checks, sessions or log-in, so a
probe costs one `SELECT 1` (plus a cache round trip and a queue read when those are configured),
writes nothing and returns no data.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
RETRY_AFTER_SECONDS = 30
# An error of the connection, not of one query: the database is down or unreachable.
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def _database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_ok() -> bool:
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        return True  # nothing outside the process to reach
    cache.set("healthz", "1", timeout=10)
    return cache.get("healthz") == "1"


def _queue_ok() -> bool:
    if settings.TASK_BACKEND != "database":
        return True  # tasks run in the process that enqueues them
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.only("pk").first()  # the queue's table answers
    return True


CHECKS = {"database": _database_ok, "cache": _cache_ok, "queue": _queue_ok}


def health_report() -> dict[str, bool]:
    """Each dependency and whether it answered."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception:  # noqa: BLE001 - any failure means "not reachable"
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = False
    return results


def healthz() -> HttpResponse:
    results = health_report()
    healthy = all(results.values())
    body = (
        "ok\n"
        if healthy
        else "".join(f"{k}: {'ok' if v else 'down'}\n" for k, v in results.items())
    )
    response = HttpResponse(body, status=200 if healthy else 503, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return healthz()
        return self.get_response(request)


def database_down_response(request=None) -> HttpResponse:
    """The styled 503, rendered without the request: its user and session need the database.

    The request's user and session are set aside, so the middleware the answer goes back
    through does not wait for the database a second time (a hung database costs the connect
    timeout once, not once per middleware), and the visitor's session cookie is kept.
    """
    if request is not None:
        _set_database_aside(request)
    html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _set_database_aside(request) -> None:
    request.user = AnonymousUser()
    request._cached_user = request.user
    session = getattr(request, "session", None)
    if session is not None:
        session._session_cache = {}  # loaded as empty: nothing to read, nothing to save
        session.accessed = False
        session.modified = False


def is_database_down(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_DOWN_ERRORS)


class DatabaseDownMiddleware:
    """A view that lost the database answers the styled 503 (also with DEBUG on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_down(exception):
            logger.error("Database unreachable: %s", exception)
            return database_down_response(request)
        return None
