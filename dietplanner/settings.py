"""Settings for dietplanner, read from the environment.

With no environment at all the app runs in development mode on SQLite. `DJANGO_ENV=production`
(or `DEBUG=0`) turns on every production safeguard and refuses to start without a real
`SECRET_KEY` and `ALLOWED_HOSTS`. See the README for the full list of variables.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import DEFAULT_LOGGING

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean environment variable; anything but a clear yes/no is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated environment variable, blanks dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from exc


_EMAIL_SCHEMES = {
    "smtp": ("django.core.mail.backends.smtp.EmailBackend", {"EMAIL_USE_TLS": True}),
    "smtp+tls": ("django.core.mail.backends.smtp.EmailBackend", {"EMAIL_USE_TLS": True}),
    "smtp+ssl": ("django.core.mail.backends.smtp.EmailBackend", {"EMAIL_USE_SSL": True}),
    "smtp+plain": ("django.core.mail.backends.smtp.EmailBackend", {}),
    "console": ("django.core.mail.backends.console.EmailBackend", {}),
}


def email_settings_from_url(url: str) -> dict:
    """EMAIL_* settings from one URL: smtp://user:password@host:587 (STARTTLS), smtp+ssl://
    (port 465), smtp+plain:// (no encryption, a local relay), console://."""
    parsed = urlsplit(url)
    if parsed.scheme not in _EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(_EMAIL_SCHEMES)}://; got {url!r}"
        )
    backend, extra = _EMAIL_SCHEMES[parsed.scheme]
    try:
        port = parsed.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {url!r}") from exc
    default_port = 465 if parsed.scheme == "smtp+ssl" else 587 if extra else 25
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": extra.get("EMAIL_USE_TLS", False),
        "EMAIL_USE_SSL": extra.get("EMAIL_USE_SSL", False),
    }


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, production or test; got {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production" or not env_bool("DEBUG", DJANGO_ENV != "production")
DEBUG = not PRODUCTION

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 50 characters in production."
        )
else:
    SECRET_KEY = SECRET_KEY or _DEV_SECRET

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must list the host names this site is served on in production."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "dietplanner.outbox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dietplanner.accounts",
    "dietplanner.programs",
    "dietplanner.diary",
    "dietplanner.clinic",
    "dietplanner.reminders",
    "dietplanner.demo",
    "foods",
]

MIDDLEWARE = [
    # First: a load balancer's probe is answered before host checks, sessions or log-in.
    "dietplanner.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dietplanner.accounts.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: they end sessions and hold back unverified users.
    "dietplanner.accounts.middleware.SessionPolicyMiddleware",
    "dietplanner.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dietplanner.health.DatabaseDownMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the final outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dietplanner.urls"
WSGI_APPLICATION = "dietplanner.wsgi.application"
ASGI_APPLICATION = "dietplanner.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        # A persistent connection is tested before each request reuses it, so the app recovers
        # by itself when the database comes back after an outage.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a page in 2 s (libpq's minimum) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 2))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions live in Redis too, so any app server can answer any visitor.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whether the server processes share what one of them read or computed through the cache
# (`programs.memo`): only when the cache is shared (Redis). A cache in the process's own memory
# would only hold a second, pickled copy of what the process keeps already.
MEMO_SHARED = env_bool("MEMO_SHARED", bool(REDIS_URL))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name", "first_name"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "landing"

# Sessions: dietitians and staff are signed out after CLINIC_IDLE_MINUTES without a request and
# CLINIC_SESSION_HOURS after logging in; a patient chooses at login between a browser session
# and staying signed in on the device for PATIENT_REMEMBER_DAYS.
CLINIC_IDLE_MINUTES = env_int("CLINIC_IDLE_MINUTES", 30)
CLINIC_SESSION_HOURS = env_int("CLINIC_SESSION_HOURS", 12)
PATIENT_REMEMBER_DAYS = env_int("PATIENT_REMEMBER_DAYS", 14)
SESSION_COOKIE_AGE = PATIENT_REMEMBER_DAYS * 24 * 3600

# Two-step login (django-otp): the name authenticator apps show next to the code.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "dietplanner")
# The admin never shows an authenticator's secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# django-axes: lock out by username and IP together, for an hour, after 5 failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Behind a proxy every connection comes from the proxy: the client's address is read from
# X-Forwarded-For through this many trusted proxies (0: no proxy, REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "dietplanner.accounts.throttle.client_address"
AXES_USERNAME_CALLABLE = "dietplanner.accounts.throttle.login_username"


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A throttle rate from the environment: `5/hour`, `10/minute`, `20/day` or `5/600` (seconds).

    Returns (attempts, seconds)."""
    raw = os.environ.get(name, "").strip() or default
    units = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
    count_text, _, period_text = raw.partition("/")
    period_text = period_text.strip().lower().removesuffix("s")
    try:
        count = int(count_text)
        seconds = units[period_text] if period_text in units else int(period_text)
    except ValueError:
        count = seconds = 0
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(
            f"{name} must look like 5/hour, 10/minute, 20/day or 5/600; got {raw!r}"
        )
    return count, seconds


# Forms that would otherwise invite guessing or mail-bombing: attempts per client address, per
# logged-in user and per e-mail asked for, counted in the cache (Redis when REDIS_URL is set).
THROTTLE_RATES = {
    "password-reset": env_rate("THROTTLE_PASSWORD_RESET", "5/hour"),
    "signup": env_rate("THROTTLE_SIGNUP", "10/hour"),
    "dietitian-code": env_rate("THROTTLE_DIETITIAN_CODE", "10/hour"),
    "invite": env_rate("THROTTLE_INVITE", "20/hour"),
    "delete-account": env_rate("THROTTLE_DELETE_ACCOUNT", "5/hour"),
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: our own origin only, no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        # Opting out of the preload list is a deliberate choice, not an oversight.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True

# E-mail: EMAIL_URL (smtp://, smtp+ssl://, console://), else the EMAIL_* variables (production,
# or whenever EMAIL_HOST is set), else the console in development.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dietplanner <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if os.environ.get("EMAIL_URL"):
    globals().update(email_settings_from_url(os.environ["EMAIL_URL"]))
elif PRODUCTION or os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The address of the site in links sent by e-mail (reminders and digests have no request).
SITE_URL = os.environ.get("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL:
    SITE_URL = f"https://{ALLOWED_HOSTS[0]}"

# Background work (django-tasks, Django 6's django.tasks): run at once in development and tests,
# by `manage.py db_worker` processes from a database queue in production.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "database" if PRODUCTION else "immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND must be immediate or database; got {TASK_BACKEND!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"django.server": DEFAULT_LOGGING["formatters"]["django.server"]},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": DEFAULT_LOGGING["handlers"]["django.server"],
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's loggers drop their own console handler and reach the root one (in development
    # both printed each warning twice); runserver's request lines keep their own, as in Django.
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"level": "INFO"},
        "django.server": DEFAULT_LOGGING["loggers"]["django.server"],
        # Tasks run at once (development, tests) would log two lines each: seeding the demo
        # alone ran a few hundred. The database queue's worker keeps logging each task.
        "django_tasks": {"level": "INFO" if TASK_BACKEND == "database" else "WARNING"},
        # The font subsetter WeasyPrint falls back on without libharfbuzz-subset: WeasyPrint
        # lowers its level to DEBUG while it subsets (to pass its warnings on as its own), and
        # every line went on to the root handler, some 150 per PDF. Its own warnings stay.
        "fontTools": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}
