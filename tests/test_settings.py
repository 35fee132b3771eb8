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


# --- e-mail, tasks and the database connection --------------------------------------------------


def test_email_url_gives_the_smtp_settings():
    from dietplanner.settings import email_settings_from_url

    found = email_settings_from_url("smtp://mailer:p%40ss@smtp.example.org:2525")
    assert found == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    ssl = email_settings_from_url("smtp+ssl://u:p@smtp.example.org")
    assert ssl["EMAIL_PORT"] == 465 and ssl["EMAIL_USE_SSL"] and not ssl["EMAIL_USE_TLS"]
    assert email_settings_from_url("smtp+plain://relay")["EMAIL_PORT"] == 25


def test_a_bad_email_url_fails_loudly():
    result = run_check({"EMAIL_URL": "pop3://mail.example.org"})
    assert result.returncode != 0 and "EMAIL_URL must start with one of" in result.stderr


def test_a_bad_task_backend_fails_loudly():
    result = run_check({"TASK_BACKEND": "celery"})
    assert result.returncode != 0 and "TASK_BACKEND must be immediate or database" in result.stderr


def settings_of(env: dict[str, str], *names: str) -> list[str]:
    code = "from django.conf import settings as s; " + "; ".join(
        f"print(repr({name}))" for name in names
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DEBUG"}}, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_production_queues_tasks_in_the_database_and_development_runs_them_at_once():
    prod = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": GOOD_SECRET,
        "ALLOWED_HOSTS": "diet.example.org",
    }
    assert settings_of(prod, "s.TASKS['default']['BACKEND']", "s.SITE_URL") == [
        "'django_tasks_db.DatabaseBackend'",
        "'https://diet.example.org'",
    ]
    assert settings_of({}, "s.TASKS['default']['BACKEND']", "s.EMAIL_BACKEND") == [
        "'django_tasks.backends.immediate.ImmediateBackend'",
        "'django.core.mail.backends.console.EmailBackend'",
    ]


def test_postgresql_connections_time_out_and_are_health_checked():
    env = {"DATABASE_URL": "postgres://u:p@db.example.org:5432/dietplanner"}
    assert settings_of(
        env,
        "s.DATABASES['default']['OPTIONS']['connect_timeout']",
        "s.DATABASES['default']['CONN_HEALTH_CHECKS']",
    ) == ["2", "True"]


def test_redis_backs_the_cache_and_the_sessions_when_set():
    env = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert settings_of(env, "s.CACHES['default']['BACKEND']", "s.SESSION_ENGINE") == [
        "'django.core.cache.backends.redis.RedisCache'",
        "'django.contrib.sessions.backends.cache'",
    ]


def test_development_prints_each_django_warning_once():
    """`make run`'s terminal shows a warning (a 404, the reloader's notice) once, not twice:
    Django's own console handler and the root one would both print it."""
    code = "import logging; logging.getLogger('django.request').warning('Not Found: /qa-once/')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "DEBUG"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /qa-once/") == 1, result.stderr
