"""How long a login lasts: short for people who see others' health data, the patient's choice
for patients. Timestamps live in the session; the middleware ends a session that ran out."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from .two_factor import two_factor_enabled

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# Whether this session has to pass the second login step (decided at each login).
NEEDS_SECOND_STEP = "needs_second_step"
# A clinic session's "last seen" is written at most this often (one session write a minute).
_SEEN_RESOLUTION = 60


def _now() -> float:
    return timezone.now().timestamp()


def clinic_idle_seconds() -> int:
    return settings.CLINIC_IDLE_MINUTES * 60


@receiver(user_logged_in)
def session_start(sender, request, user, **kwargs) -> None:
    """Every login (form, sign-up, tests' force_login) starts the clocks and gives a browser
    session (its cookie dies with the browser); a patient may then ask to stay signed in
    (`remember_device`). Clinic sessions end on the server by their timestamps
    (`session_over`), so the user is told why."""
    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    request.session.set_expiry(0)
    request.session[NEEDS_SECOND_STEP] = user.works_in_clinic or two_factor_enabled(user)


def remember_device(request) -> None:
    """A patient chose "keep me signed in on this device"."""
    if not request.user.works_in_clinic:
        request.session.set_expiry(settings.PATIENT_REMEMBER_DAYS * 24 * 3600)


def session_over(request) -> str | None:
    """Why this clinic session must end now, or None (and the idle clock is reset)."""
    if not request.user.works_in_clinic:
        return None
    now = _now()
    session = request.session
    started = session.setdefault(SIGNED_IN_AT, now)
    seen = session.get(SEEN_AT, now)
    if now - started > settings.CLINIC_SESSION_HOURS * 3600:
        hours = settings.CLINIC_SESSION_HOURS
        return f"You were logged out {hours} hours after logging in. Please log in again."
    if now - seen > clinic_idle_seconds():
        minutes = settings.CLINIC_IDLE_MINUTES
        return f"You were logged out after {minutes} minutes without activity. Please log in again."
    if now - seen >= _SEEN_RESOLUTION or SEEN_AT not in session:
        session[SEEN_AT] = now
    return None
