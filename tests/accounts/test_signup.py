import re

import pytest
from django.core import mail
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


def link_in_last_mail() -> str:
    return re.search(r"https?://testserver(\S+)", mail.outbox[-1].body).group(1)


def without_csrf(response) -> str:
    return re.sub(r'"x-csrftoken": "[^"]+"', "", response.content.decode())


def finish_sign_up(client, data=GOOD, url=None):
    client.post(url or reverse("accounts:signup"), data)
    confirm = link_in_last_mail()
    assert client.get(confirm).status_code == 200
    return client.post(confirm, follow=True)


def test_sign_up_creates_a_patient_who_logs_in_from_the_link_in_the_email(client):
    response = client.post(reverse("accounts:signup"), GOOD, follow=True)
    assert b"Check your e-mail" in response.content
    user = User.objects.get(email="sam@example.com")
    assert not user.is_active
    assert mail.outbox[-1].to == ["sam@example.com"]

    response = finish_sign_up(client)
    user.refresh_from_db()
    assert user.is_active and user.role == User.Role.PATIENT
    assert user.timezone == "Europe/Oslo"
    assert user.check_password("a-long-and-quiet-river")
    assert response.wsgi_request.user == user
    assert b"Welcome, Sam" in response.content


def test_opening_the_link_changes_nothing_until_the_button_is_pressed(client):
    client.post(reverse("accounts:signup"), GOOD)
    client.get(link_in_last_mail())
    assert not User.objects.get(email="sam@example.com").is_active


def test_the_sign_up_link_works_once(client):
    finish_sign_up(client)
    client.logout()
    response = client.post(link_in_last_mail())
    assert response.status_code == 404 and b"does not work" in response.content


def test_an_account_waiting_for_its_link_cannot_log_in(client):
    client.post(reverse("accounts:signup"), GOOD)
    response = client.post(
        reverse("accounts:login"), {"username": GOOD["email"], "password": GOOD["password1"]}
    )
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_sign_up_page_explains_dietitians_get_accounts_elsewhere(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    assert b"Dietitians get their account" in response.content


def test_sign_up_cannot_make_a_dietitian(client):
    client.post(reverse("accounts:signup"), {**GOOD, "role": "dietitian"})
    assert User.objects.get(email="sam@example.com").role == User.Role.PATIENT


def test_a_used_address_gets_the_same_answer_and_its_owner_an_email(client, patient):
    fresh = client.post(reverse("accounts:signup"), {**GOOD, "email": "new@example.com"})
    used = client.post(reverse("accounts:signup"), {**GOOD, "email": "PAT@example.com"})
    assert (used.status_code, used["Location"]) == (fresh.status_code, fresh["Location"])
    assert without_csrf(client.get(used["Location"])) == without_csrf(client.get(fresh["Location"]))

    assert User.objects.filter(email__iexact="pat@example.com").count() == 1
    patient.refresh_from_db()
    assert patient.full_name == "Pat Doe" and not patient.check_password(GOOD["password1"])
    notice = mail.outbox[-1]
    assert notice.to == ["pat@example.com"]
    assert "already has an account" in notice.body and "/accounts/password/reset/" in notice.body


def test_signing_up_again_before_activating_resends_the_first_link(client):
    client.post(reverse("accounts:signup"), GOOD)
    client.post(reverse("accounts:signup"), {**GOOD, "password1": "x-other-phrase-99"})
    response = client.post(link_in_last_mail(), follow=True)
    user = User.objects.get(email="sam@example.com")
    assert response.wsgi_request.user == user
    assert user.check_password(GOOD["password1"])  # the second form changed nothing


@pytest.mark.parametrize("password", ["Sam Newcomer", "samnewcomer", "sam@example.com"])
def test_a_password_like_the_name_or_address_is_refused(client, password):
    data = {**GOOD, "full_name": "Sam Newcomer", "password1": password, "password2": password}
    response = client.post(reverse("accounts:signup"), data)
    assert b"too similar" in response.content
    assert not User.objects.exists()


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
    response = finish_sign_up(client, url=reverse("accounts:signup") + "?next=/accounts/x/")
    assert response.redirect_chain[0][0] == "/accounts/x/"


def test_sign_up_ignores_a_next_to_another_site(client):
    url = reverse("accounts:signup") + "?next=https://evil.example/"
    response = finish_sign_up(client, url=url)
    assert response.redirect_chain[0][0] == reverse("accounts:home")


def test_log_in_page_passes_next_on_to_sign_up(client):
    html = client.get(reverse("accounts:login") + "?next=/accounts/invite/abc/").content.decode()
    assert "/accounts/signup/?next=/accounts/invite/abc/" in html


def field_block(html: str, field: str) -> str:
    """The rendered block of one field (crispy wraps each in div_id_<field>)."""
    start = html.index(f'id="div_id_{field}"')
    following = html.find('id="div_id_', start + 1)
    return html[start : following if following != -1 else len(html)]


def test_a_weak_password_is_explained_under_the_password_not_the_confirmation(client):
    data = {**GOOD, "password1": "password1234", "password2": "password1234"}
    html = client.post(reverse("accounts:signup"), data).content.decode()
    assert "too common" in field_block(html, "password1")
    assert "too common" not in field_block(html, "password2")


def test_a_mismatch_is_still_explained_under_the_confirmation(client):
    html = client.post(
        reverse("accounts:signup"), {**GOOD, "password2": "something-else-here"}
    ).content.decode()
    assert "didn" in field_block(html, "password2")
