"""Confirming an e-mail address by a signed link; what waits for it and what does not."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts import services
from dietplanner.accounts.models import CareLink, User
from dietplanner.accounts.verification import (
    email_verification_send,
    verification_token,
    verification_url,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Sam Newcomer",
    "email": "sam@example.com",
    "timezone": "Europe/Oslo",
    "password1": "a-long-and-quiet-river",
    "password2": "a-long-and-quiet-river",
}


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def newcomer(db) -> User:
    return make_user("new@example.com", "Nia New", User.Role.PATIENT, email_verified_at=None)


def test_the_sign_up_link_activates_the_account_and_confirms_its_address(client):
    client.post(reverse("accounts:signup"), SIGNUP)
    user = User.objects.get(email="sam@example.com")
    assert user.email_verified_at is None and not user.is_active
    (sent,) = mail.outbox
    assert sent.to == ["sam@example.com"]

    url = re.search(r"http://testserver(/accounts/signup/confirm/\S+/)", sent.body).group(1)
    client.post(url)
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None


def test_the_sign_up_mail_is_recorded_and_sent_by_the_queue(client):
    from dietplanner.outbox.models import Email

    client.post(reverse("accounts:signup"), SIGNUP)
    email = Email.objects.get()
    assert email.to == "sam@example.com" and email.status == Email.Status.SENT


def test_opening_the_link_asks_and_the_button_confirms(client, newcomer):
    url = path_of(verification_url(newcomer))

    page = client.get(url)
    assert page.status_code == 200
    assert "Yes, confirm my address" in page.content.decode()
    assert "new@example.com" not in page.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.email_verified_at is None  # opening the link writes nothing

    response = client.post(url, follow=True)
    newcomer.refresh_from_db()
    assert newcomer.email_verified_at is not None
    assert "your e-mail address is confirmed" in response.content.decode()


def test_a_forged_link_confirms_nothing(client, newcomer):
    token = verification_token(newcomer)
    response = client.post(reverse("accounts:verify-email", args=[token[:-2] + "xx"]))

    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.email_verified_at is None


def test_a_link_older_than_a_week_has_expired(client, newcomer):
    token = verification_token(newcomer)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(reverse("accounts:verify-email", args=[token]))
    assert response.status_code == 404
    assert "expired" in response.content.decode()


def test_a_link_sent_to_an_old_address_does_not_confirm_the_new_one(client, newcomer):
    token = verification_token(newcomer)
    newcomer.email = "other@example.com"
    newcomer.save()

    response = client.post(reverse("accounts:verify-email", args=[token]))
    assert response.status_code == 404
    newcomer.refresh_from_db()
    assert newcomer.email_verified_at is None


def test_an_unconfirmed_patient_sees_the_notice_and_can_still_use_the_diary(client, newcomer):
    client.force_login(newcomer)
    response = client.get(reverse("diary:today"))
    assert response.status_code == 200
    assert "Please confirm your e-mail address" in response.content.decode()


def test_a_confirmed_patient_sees_no_notice(patient_client):
    response = patient_client.get(reverse("diary:today"))
    assert "Please confirm your e-mail address" not in response.content.decode()


def test_send_again_sends_a_new_link_once_in_ten_minutes(client, newcomer):
    client.force_login(newcomer)
    client.post(reverse("accounts:verify-resend"))
    client.post(reverse("accounts:verify-resend"))
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        client.post(reverse("accounts:verify-resend"))
    assert len(mail.outbox) == 2


def test_send_again_goes_back_only_to_our_own_pages(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:verify-resend"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:home")


def test_an_invite_cannot_be_accepted_before_the_address_is_confirmed(dietitian, newcomer):
    invite = services.invite_send(
        dietitian=dietitian, email=newcomer.email, request_base_url="http://testserver/"
    )
    with pytest.raises(services.ConsentError, match="confirm your e-mail address"):
        services.invite_accept(patient=newcomer, invite=invite)
    invite.refresh_from_db()
    assert invite.status == CareLink.Status.INVITED

    email_verification_send(user=newcomer)
    newcomer.email_verified_at = timezone.now()
    newcomer.save()
    link = services.invite_accept(patient=newcomer, invite=invite)
    assert link.status == CareLink.Status.ACTIVE


def test_the_invite_page_says_to_confirm_first(client, dietitian, newcomer):
    services.invite_send(
        dietitian=dietitian, email=newcomer.email, request_base_url="http://testserver/"
    )
    token = re.search(r"/accounts/invite/([^/]+)/", mail.outbox[-1].body).group(1)
    client.force_login(newcomer)
    response = client.post(
        reverse("accounts:invite-accept", args=[token]), {"answer": "accept"}, follow=True
    )
    assert "confirm your e-mail address first" in response.content.decode()
    assert not CareLink.objects.active().filter(patient=newcomer).exists()


def test_a_dietitian_made_by_the_command_counts_as_confirmed():
    dana = services.dietitian_create(
        email="d@example.com", full_name="D D", password="a-long-and-quiet-river"
    )
    assert dana.email_verified
