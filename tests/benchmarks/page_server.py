"""The server that `make bench` (pages) and `make load` measure: gunicorn with 3 workers and
production settings on 127.0.0.1, over its own PostgreSQL database, dropped and filled afresh
with generated data on every run.

The database is `BENCH_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/dp_bench);
its name must contain "bench", since it is dropped. Everyone is logged in by a session written
to the database beforehand (dietitians past their second step, as the tests' `sign_in` does).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dp_bench"
WORKERS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(port: int, work: Path) -> dict[str, str]:
    """The environment of the server and of this process: production settings over plain
    http on 127.0.0.1 (no TLS redirect, no HSTS), e-mail to the console."""
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    name = urlsplit(database_url).path.lstrip("/")
    if not database_url.startswith("postgres") or "bench" not in name:
        sys.exit(f"BENCH_DATABASE_URL must name a PostgreSQL database called *bench*, not {name!r}")
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "dietplanner.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-only-" + "0" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_URL": "console://",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(work / "static"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_TIMEOUT": "300",
    }


def _recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare(env: dict[str, str], build: Callable[[], dict]) -> dict:
    """A fresh database (migrated, static files collected, catalogue loaded), then `build()`
    run in this process with Django set up on it; returns what `build` returns."""
    started = time.perf_counter()
    _recreate_database(env["DATABASE_URL"])
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    _manage(env, "load_catalogue")
    ready = time.perf_counter()
    os.environ.update(env)
    import django

    django.setup()
    state = build()
    print(
        f"database {ready - started:.0f} s (migrate, static, catalogue), "
        f"data {time.perf_counter() - ready:.0f} s (generated)",
        flush=True,
    )
    return state


def session_cookie(user) -> str:
    """A `Cookie` header value that logs this user in (past the second step if they need
    it), plus a CSRF cookie whose secret `csrf_secret()` returns."""
    from django.conf import settings
    from django.test import Client

    from tests.conftest import sign_in

    client = Client()
    sign_in(client, user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf_secret()}"


def csrf_secret() -> str:
    """The CSRF secret every benchmark client sends, as cookie and as `X-CSRFToken` header."""
    return "b" * 32


@contextlib.contextmanager
def work_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dietplanner-bench-") as work:
        yield Path(work)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], work: Path) -> Iterator[str]:
    """gunicorn serving `page_wsgi` until the block ends; yields its base URL."""
    base = f"http://{env['GUNICORN_BIND']}"
    log_path = work / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "tests.benchmarks.page_wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(base, server, log_path)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=60)


@contextlib.contextmanager
def task_worker(env: dict[str, str], work: Path) -> Iterator[None]:
    """The task queue's worker (`db_worker`), as each app server runs one in production, until
    the block ends; its output goes to `worker.log` in `work`."""
    with open(work / "worker.log", "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def _wait_until_up(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within 60 s:\n{log_path.read_text()[-3000:]}")
