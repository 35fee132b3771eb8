import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD, authenticator, current_code

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, follow=True
    )


def test_patient_lands_on_patient_home(client, patient):
    response = login(client, "PAT@example.com")
    assert response.redirect_chain[-1][0] == reverse("diary:today")
    assert b"Hello Pat" in response.content or b"no elimination program" in response.content


def test_dietitian_lands_on_their_client_list_after_the_second_step(client, dietitian):
    authenticator(dietitian)
    response = login(client, dietitian.email)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two-factor-verify"))
    response = client.post(
        response.redirect_chain[-1][0], {"code": current_code(dietitian)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("clinic:clients")


def test_wrong_password_says_so(client, patient):
    response = login(client, patient.email, "wrong-password-here")
    assert b"correct" in response.content  # "Please enter a correct e-mail address and password"
    assert not response.wsgi_request.user.is_authenticated


def test_repeated_failures_lock_the_account_out(client, patient):
    for _ in range(5):
        login(client, patient.email, "wrong-password-here")
    response = login(client, patient.email)
    assert b"Too many failed" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_role_homes_are_404_for_the_other_role(patient_client, dietitian):
    assert patient_client.get(reverse("clinic:clients")).status_code == 404


def test_role_home_needs_login(client):
    response = client.get(reverse("diary:today"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_logout_is_a_post(patient_client):
    response = patient_client.post(reverse("accounts:logout"), follow=True)
    assert not response.wsgi_request.user.is_authenticated


def test_password_change(patient_client, patient):
    response = patient_client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-fine-phrase",
            "new_password2": "another-fine-phrase",
        },
        follow=True,
    )
    assert b"Password changed" in response.content
    patient.refresh_from_db()
    assert patient.check_password("another-fine-phrase")


def test_password_reset_by_email(client, patient):
    client.post(reverse("accounts:password-reset"), {"email": patient.email})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "brand-new-phrase-1", "new_password2": "brand-new-phrase-1"},
        follow=True,
    )
    assert b"Password saved" in response.content
    patient.refresh_from_db()
    assert patient.check_password("brand-new-phrase-1")


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post(
        reverse("accounts:password-reset"), {"email": "nobody@example.com"}, follow=True
    )
    assert b"Check your e-mail" in response.content
    assert mail.outbox == []


def test_a_weak_new_password_is_explained_under_the_new_password(patient_client):
    response = patient_client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "password1234",
            "new_password2": "password1234",
        },
    )
    form = response.context["form"]
    assert "new_password1" in form.errors and "new_password2" not in form.errors
    assert "too common" in str(form.errors["new_password1"])
