"""Production settings refuse to start half-configured; development needs no environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "s" * 20 + "e7Kq9!xZ2mP4vR8tY1uW3oA5bC6dF0gH"


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_ENV",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_runs_in_development():
    result = run_check({})
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_missing_secret_key():
    result = run_check({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_missing_allowed_hosts():
    result = run_check({"DJANGO_ENV": "production", "SECRET_KEY": GOOD_SECRET})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_zero_also_means_production():
    result = run_check({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"})
    assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = run_check({"DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be one of" in result.stderr


def test_production_passes_the_deploy_check():
    env = {"DJANGO_ENV": "production", "SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "example.org"}
    result = run_check(env, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
