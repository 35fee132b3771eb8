"""The dietitian's invite page: e-mail invites, pending list, cancelling, the personal code."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from dietplanner.accounts import services
from dietplanner.accounts.models import CareLink, DietitianCode
from tests.conftest import sign_in

URL = "/clinic/invite/"


def test_the_invite_page_shows_the_personal_code_large(dietitian_client, dietitian):
    response = dietitian_client.get(reverse("clinic:invite"))

    code = DietitianCode.objects.get(dietitian=dietitian).code
    body = response.content.decode()
    assert reverse("clinic:invite") == URL
    assert response.status_code == 200
    assert f'id="invite-code">{code}</p>' in body
    assert "Give this code to your patient" in body


def test_inviting_by_email_sends_the_link_and_lists_it_as_pending(dietitian_client, dietitian):
    response = dietitian_client.post(URL, {"email": "New.Patient@Example.com"}, follow=True)

    body = response.content.decode()
    assert "Invite sent to new.patient@example.com" in body
    assert "Invites waiting for an answer" in body and "valid until" in body
    assert len(mail.outbox) == 1
    assert re.search(r"http://testserver/accounts/invite/[\w-]{40,}/", mail.outbox[0].body)
    invite = CareLink.objects.get(invite_email="new.patient@example.com")
    assert invite.dietitian == dietitian and invite.status == CareLink.Status.INVITED


def test_a_bad_email_is_refused_with_a_message(dietitian_client):
    response = dietitian_client.post(URL, {"email": "not-an-address"})

    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not mail.outbox


def test_inviting_an_already_linked_patient_says_so(dietitian_client):
    response = dietitian_client.post(URL, {"email": "pat@example.com"})

    assert response.status_code == 400
    assert "already one of your clients" in response.content.decode()
    assert not mail.outbox


def test_cancelling_an_invite_kills_its_link(dietitian_client, dietitian, other_patient):
    invite = services.invite_send(
        dietitian=dietitian, email="olive@example.com", request_base_url="http://testserver"
    )
    token = re.search(r"/accounts/invite/([\w-]+)/", mail.outbox[-1].body).group(1)

    response = dietitian_client.post(reverse("clinic:invite-cancel", args=[invite.public_id]))

    assert response.status_code == 302
    invite.refresh_from_db()
    assert invite.status == CareLink.Status.REVOKED and invite.ended is not None
    with pytest.raises(services.ConsentError):
        services.invite_accept(token=token, patient=other_patient)


def test_a_dietitian_cannot_cancel_another_dietitians_invite(client, dietitian, other_dietitian):
    invite = services.invite_send(
        dietitian=dietitian, email="olive@example.com", request_base_url="http://testserver"
    )
    sign_in(client, other_dietitian)

    response = client.post(reverse("clinic:invite-cancel", args=[invite.public_id]))

    assert response.status_code == 404
    invite.refresh_from_db()
    assert invite.status == CareLink.Status.INVITED


def test_an_email_is_escaped_in_the_pending_list(dietitian_client, dietitian):
    CareLink.objects.create(dietitian=dietitian, invite_email='"<b>x</b>"@example.com')

    body = dietitian_client.get(URL).content.decode()

    assert "<b>x</b>" not in body


def test_patients_get_404_on_the_invite_page(patient_client):
    assert patient_client.get(URL).status_code == 404
    assert patient_client.post(URL, {"email": "a@example.com"}).status_code == 404
    assert not mail.outbox


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={URL}"


def test_the_invite_page_stays_within_a_few_queries(
    dietitian_client, dietitian, django_assert_max_num_queries
):
    for n in range(5):
        CareLink.objects.create(dietitian=dietitian, invite_email=f"p{n}@example.com")
    services.code_for(dietitian)

    with django_assert_max_num_queries(8):
        response = dietitian_client.get(URL)

    assert response.status_code == 200


def test_an_expired_pending_invite_is_shown_as_expired(dietitian_client, dietitian):
    from datetime import timedelta

    from django.utils import timezone

    CareLink.objects.create(
        dietitian=dietitian,
        invite_email="late@example.com",
        token_hash="x" * 64,
        token_expires=timezone.now() - timedelta(days=1),
    )

    body = dietitian_client.get(URL).content.decode()

    assert "late@example.com" in body and "expired on" in body


def test_the_dietitian_navigation_leads_to_the_invite_page(dietitian_client):
    from django.urls import reverse

    html = dietitian_client.get(reverse("clinic:clients")).content.decode()
    assert f'href="{reverse("clinic:invite")}"' in html
