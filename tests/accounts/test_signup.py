import pytest
from django.urls import reverse

from dietplanner.accounts.models import User

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Sam Newcomer",
    "email": "Sam@Example.com",
    "timezone": "Europe/Oslo",
    "password1": "a-long-and-quiet-river",
    "password2": "a-long-and-quiet-river",
}


def test_sign_up_creates_a_patient_and_logs_them_in(client):
    response = client.post(reverse("accounts:signup"), GOOD, follow=True)
    user = User.objects.get(email="sam@example.com")
    assert user.role == User.Role.PATIENT
    assert user.timezone == "Europe/Oslo"
    assert user.check_password("a-long-and-quiet-river")
    assert response.wsgi_request.user == user
    assert b"Welcome, Sam" in response.content


def test_sign_up_page_explains_dietitians_get_accounts_elsewhere(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    assert b"Dietitians get their account" in response.content


def test_sign_up_cannot_make_a_dietitian(client):
    client.post(reverse("accounts:signup"), {**GOOD, "role": "dietitian"})
    assert User.objects.get(email="sam@example.com").role == User.Role.PATIENT


def test_used_email_is_refused_case_insensitively(client, patient):
    response = client.post(reverse("accounts:signup"), {**GOOD, "email": "PAT@example.com"})
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert User.objects.filter(email__iexact="pat@example.com").count() == 1


@pytest.mark.parametrize(
    "password, message",
    [
        ("short9x!", b"too short"),
        ("1234567890123", b"entirely numeric"),
        ("password1234", b"too common"),
    ],
)
def test_weak_password_is_refused_and_nothing_created(client, password, message):
    data = {**GOOD, "password1": password, "password2": password}
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert message in response.content
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused(client):
    response = client.post(reverse("accounts:signup"), {**GOOD, "password2": "something-else-here"})
    assert b"didn" in response.content and not User.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [("email", "not-an-email"), ("full_name", ""), ("timezone", "Mars/Olympus")],
)
def test_malformed_fields_are_refused(client, field, value):
    response = client.post(reverse("accounts:signup"), {**GOOD, field: value})
    assert response.status_code == 200
    assert b"invalid-feedback" in response.content
    assert not User.objects.exists()


def test_logged_in_user_visiting_sign_up_goes_home(patient_client):
    response = patient_client.get(reverse("accounts:signup"))
    assert response.status_code == 302


def test_sign_up_from_an_invite_link_returns_to_it(client):
    response = client.post(reverse("accounts:signup") + "?next=/accounts/invite/abc/", GOOD)
    assert response["Location"] == "/accounts/invite/abc/"


def test_sign_up_ignores_a_next_to_another_site(client):
    response = client.post(reverse("accounts:signup") + "?next=https://evil.example/", GOOD)
    assert response["Location"] == reverse("accounts:home")


def test_log_in_page_passes_next_on_to_sign_up(client):
    html = client.get(reverse("accounts:login") + "?next=/accounts/invite/abc/").content.decode()
    assert "/accounts/signup/?next=/accounts/invite/abc/" in html
