"""Running the app as it runs in production, for the fault tests: gunicorn in its own process
group on loopback, against PostgreSQL through a TCP proxy the test can stop, hang and restart."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SECRET = "fault-tests-only-" + "k" * 50


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proxy:
    """A TCP proxy on 127.0.0.1 in front of PostgreSQL.

    `stop()` is a database that went away: the port refuses and open connections are cut.
    `hang()` is one that does not answer: connections are accepted and never served.
    `start()` brings it back on the same port.
    """

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.mode = "stopped"
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        self._close_all()
        self.mode = "up"
        self._listen()

    def hang(self) -> None:
        self._close_all()
        self.mode = "hang"
        self._listen()

    def stop(self) -> None:
        self.mode = "stopped"
        self._close_all()

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by stop()
            with self._lock:
                self._open.append(client)
            if self.mode == "hang":
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _close_all(self) -> None:
        if self._listener is not None:
            # Wakes the accept() blocked in the other thread (close alone would not).
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()


def production_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    return {
        **keep,
        "DJANGO_ENV": "production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(static_root),
        "EMAIL_URL": "console://",
        "TASK_BACKEND": "immediate",
        "LOG_LEVEL": "CRITICAL",
        **extra,
    }


def collect_static(static_root: Path) -> None:
    env = production_env("sqlite:///unused.sqlite3", static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=240,
    )


def database_url_through(port: int) -> str:
    """The test database (pytest-django's), reached through `port`."""
    info = connection.settings_dict
    user = info["USER"] or "postgres"
    password = f":{info['PASSWORD']}" if info["PASSWORD"] else ""
    return f"postgres://{user}{password}@127.0.0.1:{port}/{info['NAME']}"


class Gunicorn:
    """The app under gunicorn in its own process group, so it can be killed whole (SIGKILL)."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
        }
        self.process: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, *, wait: float = 60) -> None:
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "dietplanner.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if request(self.url + "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer /healthz within {wait} s")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no graceful shutdown, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def request(url: str, *, data: bytes | None = None, cookies: dict | None = None, timeout=10):
    """(status, headers, body) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    req = urllib.request.Request(url, data=data)  # noqa: S310 - http://127.0.0.1 only
    if cookies:
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def session_cookie(user) -> str:
    """A logged-in session for `user`, valid for the app started with SECRET (no log-in form)."""
    previous = settings.SECRET_KEY
    settings.SECRET_KEY = SECRET
    try:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key
    finally:
        settings.SECRET_KEY = previous


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie value and the same token for the form."""
    token = secrets.token_hex(16)
    return token, token
