"""Shared personas and fixtures (DESIGN.md): Pat, Dana, Olive, Otto and an admin."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dietplanner.accounts.models import User
from dietplanner.analysis import screening as intake

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True
    # The tests' cache (in memory) stands for the shared one (Redis) that server processes
    # share what they keep through (`programs.memo`): tests of another process read it.
    settings.MEMO_SHARED = True


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache, diaries and plans in the process's memory
    (`programs.memo`): each test starts with none (a rolled-back id comes back on SQLite)."""
    from django.core.cache import cache

    from dietplanner.programs import memo

    cache.clear()
    memo.forget()
    yield
    cache.clear()
    memo.forget()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real shipped catalogue once per test database."""
    from foods.services import catalogue_load

    with django_db_blocker.unblock():
        catalogue_load()


@pytest.fixture
def catalogue(db):
    """The catalogue, reloaded when a transactional test emptied the tables before us."""
    from foods.models import FoodGroup
    from foods.services import catalogue_load

    if not FoodGroup.objects.exists():
        catalogue_load()


@pytest.fixture(autouse=True)
def _catalogue_for_database_tests(request):
    """Every test on the test database finds the catalogue, even after a transactional test
    (which empties the tables when it ends) ran before it in the same worker process."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
    )
    if not transactional and (marker or "db" in request.fixturenames):
        request.getfixturevalue("catalogue")


def make_user(email: str, name: str, role: str, **extra) -> User:
    """A persona whose address is confirmed (pass email_verified_at=None for a new account)."""
    from django.utils import timezone

    extra.setdefault("email_verified_at", timezone.now())
    return User.objects.create_user(
        email=email, password=PASSWORD, full_name=name, role=role, **extra
    )


# Health answers that raise no concern for any diet ("no" to all, tested for coeliac disease).
CLEAR_ANSWERS = {q.slug: "yes" if q.gluten_only else "no" for q in intake.QUESTIONS}


def screened(patient: User, **changes) -> User:
    """The patient with health answers saved (clear ones, with `changes`)."""
    from dietplanner.programs.intake import screening_save

    screening_save(patient=patient, answers={**CLEAR_ANSWERS, **changes})
    return patient


@pytest.fixture
def patient(db) -> User:
    """Pat, who answered the health questions with nothing worrying."""
    return screened(
        make_user("pat@example.com", "Pat Doe", User.Role.PATIENT, timezone="Europe/Oslo")
    )


@pytest.fixture
def program(request, patient, catalogue):
    """Pat's program, built by `tests.diary.factories.make_program`: the anti-inflammatory diet
    from Monday 5 January 2026, its 21-day baseline, five symptoms tracked. A module or a test
    asks for another with `@pytest.mark.program(...)` and make_program's keyword arguments, e.g.
    `pytest.mark.program(protocol="low-fodmap", reminder_time=time(20, 0))`."""
    from tests.diary.factories import make_program

    marker = request.node.get_closest_marker("program")
    return make_program(patient, **(marker.kwargs if marker else {}))


@pytest.fixture
def other_patient(db) -> User:
    return screened(make_user("olive@example.com", "Olive Other", User.Role.PATIENT))


@pytest.fixture
def dietitian(db, patient) -> User:
    """Dana, with an active link that Pat approved."""
    from django.utils import timezone

    from dietplanner.accounts.models import CareLink

    dana = make_user("dana@example.com", "Dana Dietitian", User.Role.DIETITIAN)
    CareLink.objects.create(
        dietitian=dana, patient=patient, status=CareLink.Status.ACTIVE, accepted=timezone.now()
    )
    return dana


@pytest.fixture
def other_dietitian(db) -> User:
    """Otto: a dietitian with no link to anyone."""
    return make_user("otto@example.com", "Otto Outsider", User.Role.DIETITIAN)


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser(
        email="admin@example.com", password=PASSWORD, full_name="Ada Admin"
    )


def authenticator(user: User):
    """The user's authenticator app (a confirmed TOTP device), set up on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def current_code(user: User) -> str:
    """The code the user's authenticator shows now (usable again: each call forgets the last
    code used, so a test can log in twice within 30 seconds)."""
    device = authenticator(user)
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def sign_in(client, user: User) -> None:
    """Log the client in as this user, past every step their account must pass: clinic
    accounts (dietitians, staff) and patients who turned it on also pass two-step login."""
    client.force_login(user)
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if user.works_in_clinic or has_device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()


@pytest.fixture
def patient_client(client, patient):
    sign_in(client, patient)
    return client


@pytest.fixture
def dietitian_client(client, dietitian):
    sign_in(client, dietitian)
    return client
