"""How long a login lasts: clinic accounts 30 minutes idle and 12 hours in all; patients choose
between a browser session and 14 days on their device; a new password ends other sessions."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db

CLIENTS = reverse("clinic:clients")
TODAY = reverse("diary:today")


def log_in(client, user, **extra):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD, **extra}
    )
    if user.works_in_clinic:
        client.post(reverse("accounts:two-factor-verify"), {"code": current_code(user)})
    return response


def is_logged_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_a_dietitian_is_logged_out_after_30_minutes_without_activity(client, dietitian, clock):
    log_in(client, dietitian)
    assert client.get(CLIENTS).status_code == 200

    clock.shift(timedelta(minutes=31))
    response = client.get(CLIENTS)

    assert is_logged_out(response)
    assert "next=/clinic/" in response["Location"]
    page = client.get(response["Location"])
    assert b"logged out after 30 minutes without activity" in page.content
    assert client.get(CLIENTS)["Location"].startswith(reverse("accounts:login"))


def test_activity_keeps_a_dietitian_logged_in_up_to_12_hours(client, dietitian, clock):
    log_in(client, dietitian)
    for _ in range(11 * 3 + 2):  # a request every 20 minutes: 11 h 40 min
        clock.shift(timedelta(minutes=20))
        assert client.get(CLIENTS).status_code == 200

    clock.shift(timedelta(minutes=21))
    response = client.get(CLIENTS)

    assert is_logged_out(response)
    assert b"12 hours after logging in" in client.get(response["Location"]).content


def test_a_clinic_account_cannot_stay_signed_in_after_the_browser_closes(client, dietitian):
    response = log_in(client, dietitian, remember="on")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_a_patient_gets_a_browser_session_unless_they_ask_to_stay(client, patient, clock):
    response = log_in(client, patient)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()
    # Patients are not timed out after 30 idle minutes.
    clock.shift(timedelta(hours=3))
    assert client.get(TODAY).status_code == 200


def test_a_patient_who_asks_stays_signed_in_on_the_device_for_14_days(client, patient, clock):
    response = log_in(client, patient, remember="on")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 14 * 24 * 3600
    assert not client.session.get_expire_at_browser_close()
    clock.shift(timedelta(days=13))
    assert client.get(TODAY).status_code == 200


def test_the_login_page_offers_to_keep_the_patient_signed_in(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Keep me signed in on this device" in page
    assert "For 14 days, on your own phone or computer only" in page


@pytest.mark.parametrize("who", ["patient", "dietitian"])
def test_a_password_change_ends_the_other_sessions(who, request):
    user = request.getfixturevalue(who)
    home = TODAY if who == "patient" else CLIENTS
    phone, laptop = Client(), Client()
    log_in(phone, user)
    log_in(laptop, user)
    assert laptop.get(home).status_code == 200

    response = phone.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-secret-77",
            "new_password2": "a-brand-new-secret-77",
        },
    )

    assert response.status_code == 302
    assert phone.get(home).status_code == 200  # the session that changed it goes on
    assert is_logged_out(laptop.get(home))


def test_an_htmx_request_after_the_idle_timeout_is_sent_to_the_login_page(client, dietitian, clock):
    # The session gate runs before django-htmx sets request.htmx: it must read the header, or
    # htmx swaps the login page into the fragment it was about to replace.
    log_in(client, dietitian)
    clock.shift(timedelta(minutes=31))

    response = client.get(CLIENTS, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
