"""Consent: e-mail invites, dietitian codes, stopping to share, and "Who saw my data"."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts import services
from dietplanner.accounts.models import AccessRecord, CareLink, DietitianCode, User
from dietplanner.accounts.selectors import access_record, get_patient_for_dietitian
from tests.conftest import make_user, sign_in

BASE = "http://testserver/"


def send_invite(dietitian, email="pat@example.com") -> tuple[CareLink, str]:
    """Send an invite and return it with the token read from the e-mail, as the patient would."""
    invite = services.invite_send(dietitian=dietitian, email=email, request_base_url=BASE)
    token = re.search(r"/accounts/invite/([\w-]+)/", mail.outbox[-1].body).group(1)
    return invite, token


# --- services ---------------------------------------------------------------------------------


def test_inviting_a_patient_already_linked_says_so(dietitian, patient):
    with pytest.raises(services.ConsentError, match="already one of your clients"):
        services.invite_send(dietitian=dietitian, email="Pat@example.com", request_base_url=BASE)
    assert not mail.outbox


def test_invite_sends_an_email_with_a_single_use_link(other_dietitian, patient):
    invite, token = send_invite(other_dietitian)

    message = mail.outbox[-1]
    assert message.to == ["pat@example.com"]
    assert "Otto Outsider" in message.subject
    assert f"http://testserver/accounts/invite/{token}/" in message.body
    assert invite.status == CareLink.Status.INVITED
    assert invite.patient is None
    assert token not in invite.token_hash and len(invite.token_hash) == 64
    assert invite.token_expires - timezone.now() > timedelta(days=13, hours=23)


def test_nothing_is_visible_to_the_dietitian_before_the_patient_accepts(other_dietitian, patient):
    send_invite(other_dietitian)

    with pytest.raises(Http404):
        get_patient_for_dietitian(other_dietitian, patient.public_id)


def test_accepting_an_invite_makes_the_link_active(other_dietitian, patient):
    invite, token = send_invite(other_dietitian)

    link = services.invite_accept(token=token, patient=patient)

    assert link.pk == invite.pk
    assert link.status == CareLink.Status.ACTIVE
    assert link.patient == patient and link.accepted is not None
    assert link.token_hash == ""
    assert get_patient_for_dietitian(other_dietitian, patient.public_id) == patient


def test_a_reused_token_is_refused(other_dietitian, patient, other_patient):
    _, token = send_invite(other_dietitian)
    services.invite_accept(token=token, patient=patient)

    with pytest.raises(services.ConsentError, match="not valid"):
        services.invite_accept(token=token, patient=other_patient)


def test_an_expired_token_is_refused(other_dietitian, patient):
    _, token = send_invite(other_dietitian)

    with (
        time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)),
        pytest.raises(services.ConsentError, match="expired"),
    ):
        services.invite_accept(token=token, patient=patient)
    assert not CareLink.objects.active().filter(dietitian=other_dietitian).exists()


def test_a_forged_token_is_refused(other_dietitian, patient):
    send_invite(other_dietitian)

    with pytest.raises(services.ConsentError, match="not valid"):
        services.invite_accept(token="forged-token", patient=patient)
    with pytest.raises(services.ConsentError, match="not valid"):
        services.invite_accept(token="", patient=patient)


def test_a_dietitian_cannot_accept_an_invite(other_dietitian, dietitian):
    _, token = send_invite(other_dietitian, email="dana@example.com")

    with pytest.raises(services.ConsentError, match="patient account"):
        services.invite_accept(token=token, patient=dietitian)


def test_accepting_when_already_linked_says_so(dietitian, patient):
    _, token = send_invite(dietitian, email="pat.at.work@example.com")

    with pytest.raises(services.ConsentError, match="already share your data with Dana"):
        services.invite_accept(token=token, patient=patient)
    assert CareLink.objects.active().filter(dietitian=dietitian, patient=patient).count() == 1


def test_re_inviting_an_address_replaces_the_pending_token(other_dietitian, patient):
    first, old_token = send_invite(other_dietitian)
    second, new_token = send_invite(other_dietitian, email=" PAT@example.com ")

    assert second.pk == first.pk
    assert CareLink.objects.filter(dietitian=other_dietitian).count() == 1
    with pytest.raises(services.ConsentError):
        services.invite_accept(token=old_token, patient=patient)
    link = services.invite_accept(token=new_token, patient=patient)
    assert link.status == CareLink.Status.ACTIVE


def test_declining_keeps_the_invite_as_history_and_kills_the_token(other_dietitian, patient):
    _, token = send_invite(other_dietitian)

    link = services.invite_decline(token=token, patient=patient)

    assert link.status == CareLink.Status.DECLINED and link.ended is not None
    with pytest.raises(services.ConsentError):
        services.invite_accept(token=token, patient=patient)


def test_a_dietitian_code_has_8_unambiguous_characters_and_is_stable(other_dietitian):
    code = services.code_for(other_dietitian)

    assert len(code.code) == 8
    assert not set(code.code) & set("0O1IL")
    assert services.code_for(other_dietitian) == code


def test_a_code_is_redeemed_whatever_its_case_and_spaces(other_dietitian, patient):
    code = services.code_for(other_dietitian).code
    typed = f" {code[:4].lower()} {code[4:]} "

    link = services.code_redeem(code=typed, patient=patient)

    assert link.status == CareLink.Status.ACTIVE and link.patient == patient
    assert get_patient_for_dietitian(other_dietitian, patient.public_id) == patient


def test_an_unknown_code_is_refused(other_dietitian, patient):
    services.code_for(other_dietitian)

    with pytest.raises(services.ConsentError, match="do not know this code"):
        services.code_redeem(code="ZZZZZZZZ", patient=patient)


def test_the_code_of_someone_no_longer_a_dietitian_is_refused(other_dietitian, patient):
    code = services.code_for(other_dietitian).code
    User.objects.filter(pk=other_dietitian.pk).update(role=User.Role.PATIENT)

    with pytest.raises(services.ConsentError, match="does not belong to a dietitian"):
        services.code_redeem(code=code, patient=patient)
    assert not CareLink.objects.filter(dietitian=other_dietitian).exists()


def test_a_code_for_an_already_linked_dietitian_says_so(dietitian, patient):
    code = services.code_for(dietitian).code

    with pytest.raises(services.ConsentError, match="already share"):
        services.code_redeem(code=code, patient=patient)


def test_revoking_ends_the_dietitians_access_at_once_and_keeps_history(dietitian, patient):
    link = CareLink.objects.get(dietitian=dietitian, patient=patient)

    services.link_revoke(link=link, patient=patient)

    with pytest.raises(Http404):
        get_patient_for_dietitian(dietitian, patient.public_id)
    link.refresh_from_db()
    assert link.status == CareLink.Status.REVOKED and link.ended is not None
    assert CareLink.objects.filter(dietitian=dietitian, patient=patient).count() == 1


def test_a_patient_cannot_revoke_someone_elses_link(dietitian, other_patient):
    link = CareLink.objects.get(dietitian=dietitian)

    with pytest.raises(services.ConsentError):
        services.link_revoke(link=link, patient=other_patient)


# --- the patient's pages ------------------------------------------------------------------------


def test_my_dietitian_page_lists_active_pending_and_ended_links(patient_client, patient, dietitian):
    otto = make_user("otto@example.com", "Otto Outsider", User.Role.DIETITIAN)
    send_invite(otto)
    ended = make_user("eve@example.com", "Eve Earlier", User.Role.DIETITIAN)
    CareLink.objects.create(
        dietitian=ended,
        patient=patient,
        status=CareLink.Status.REVOKED,
        accepted=timezone.now() - timedelta(days=30),
        ended=timezone.now() - timedelta(days=2),
    )

    response = patient_client.get(reverse("accounts:dietitians"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Dana Dietitian" in body and "Stop sharing" in body
    assert "Otto Outsider" in body and "Accept" in body
    assert "Eve Earlier" in body and "Earlier" in body
    assert "Have a code from your dietitian?" in body
    assert 'href="/accounts/dietitians/"' in body  # the nav link


def test_entering_a_code_on_the_page_shares_and_redirects(patient_client, patient):
    otto = make_user("otto@example.com", "Otto Outsider", User.Role.DIETITIAN)
    code = services.code_for(otto).code

    response = patient_client.post(reverse("accounts:code-redeem"), {"code": code.lower()})

    assert response.status_code == 302
    assert CareLink.objects.active().filter(dietitian=otto, patient=patient).exists()


def test_an_unknown_code_on_the_page_shows_a_message(patient_client):
    response = patient_client.post(reverse("accounts:code-redeem"), {"code": "NOPE1234"})

    assert response.status_code == 400
    assert "We do not know this code" in response.content.decode()


def test_stop_sharing_asks_first_then_ends_the_link(patient_client, dietitian, patient):
    link = CareLink.objects.get(dietitian=dietitian, patient=patient)
    url = reverse("accounts:link-stop", args=[link.public_id])

    confirm = patient_client.get(url)
    assert "Yes, stop sharing" in confirm.content.decode()
    assert CareLink.objects.get(pk=link.pk).status == CareLink.Status.ACTIVE

    response = patient_client.post(url)

    assert response.status_code == 302
    assert CareLink.objects.get(pk=link.pk).status == CareLink.Status.REVOKED
    with pytest.raises(Http404):
        get_patient_for_dietitian(dietitian, patient.public_id)


def test_a_patient_cannot_stop_someone_elses_link(client, dietitian, other_patient):
    link = CareLink.objects.get(dietitian=dietitian)
    sign_in(client, other_patient)

    response = client.post(reverse("accounts:link-stop", args=[link.public_id]))

    assert response.status_code == 404
    assert CareLink.objects.get(pk=link.pk).status == CareLink.Status.ACTIVE


def test_a_pending_invite_can_be_accepted_from_the_page(patient_client, patient, other_dietitian):
    invite, _ = send_invite(other_dietitian)

    response = patient_client.post(
        reverse("accounts:invite-answer", args=[invite.public_id]), {"answer": "accept"}
    )

    assert response.status_code == 302
    assert CareLink.objects.get(pk=invite.pk).status == CareLink.Status.ACTIVE


def test_an_invite_addressed_to_someone_else_is_404(client, other_patient, other_dietitian):
    invite, _ = send_invite(other_dietitian, email="pat@example.com")
    sign_in(client, other_patient)

    response = client.post(
        reverse("accounts:invite-answer", args=[invite.public_id]), {"answer": "accept"}
    )

    assert response.status_code == 404
    assert CareLink.objects.get(pk=invite.pk).status == CareLink.Status.INVITED


def test_the_invite_page_says_who_invites_and_what_they_will_see(patient_client, other_dietitian):
    _, token = send_invite(other_dietitian)

    response = patient_client.get(reverse("accounts:invite-accept", args=[token]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Otto Outsider invites you" in body
    for seen in ("program", "diary", "results", "notes"):
        assert seen in body


def test_accepting_on_the_invite_page_links_and_a_second_post_is_refused(
    patient_client, patient, other_dietitian
):
    _, token = send_invite(other_dietitian)
    url = reverse("accounts:invite-accept", args=[token])

    first = patient_client.post(url, {"answer": "accept"}, follow=True)
    second = patient_client.post(url, {"answer": "accept"})

    assert "You now share" in first.content.decode()
    assert CareLink.objects.active().filter(dietitian=other_dietitian, patient=patient).count() == 1
    assert second.status_code == 404
    assert "not valid" in second.content.decode()


def test_declining_on_the_invite_page_shares_nothing(patient_client, patient, other_dietitian):
    _, token = send_invite(other_dietitian)

    patient_client.post(reverse("accounts:invite-accept", args=[token]), {"answer": "decline"})

    assert CareLink.objects.get(dietitian=other_dietitian).status == CareLink.Status.DECLINED
    with pytest.raises(Http404):
        get_patient_for_dietitian(other_dietitian, patient.public_id)


def test_an_expired_invite_page_says_so(patient_client, other_dietitian):
    _, token = send_invite(other_dietitian)
    CareLink.objects.update(token_expires=timezone.now() - timedelta(minutes=1))

    response = patient_client.get(reverse("accounts:invite-accept", args=[token]))

    assert response.status_code == 404
    assert "has expired" in response.content.decode()


def test_a_forged_invite_page_is_refused_without_a_500(patient_client):
    response = patient_client.post(
        reverse("accounts:invite-accept", args=["forged"]), {"answer": "accept"}
    )

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, other_dietitian):
    _, token = send_invite(other_dietitian)
    url = reverse("accounts:invite-accept", args=[token])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_a_dietitian_opening_an_invite_gets_a_clear_message(client, other_dietitian, dietitian):
    _, token = send_invite(other_dietitian)
    sign_in(client, dietitian)

    response = client.post(reverse("accounts:invite-accept", args=[token]), {"answer": "accept"})

    assert response.status_code == 403
    assert "This invite is for a patient" in response.content.decode()
    assert CareLink.objects.get(dietitian=other_dietitian).status == CareLink.Status.INVITED


def test_a_dietitian_name_is_escaped_on_the_invite_page(patient_client):
    evil = make_user("evil@example.com", "<script>alert(1)</script>", User.Role.DIETITIAN)
    _, token = send_invite(evil)

    body = patient_client.get(reverse("accounts:invite-accept", args=[token])).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# --- who saw my data ----------------------------------------------------------------------------


def test_who_saw_lists_only_my_own_records_newest_first(
    patient_client, patient, dietitian, other_patient
):
    old = access_record(dietitian=dietitian, patient=patient, what=AccessRecord.What.DIARY)
    AccessRecord.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=1))
    access_record(dietitian=dietitian, patient=patient, what=AccessRecord.What.EXPORT_PDF)
    access_record(dietitian=dietitian, patient=other_patient, what=AccessRecord.What.NOTES)

    response = patient_client.get(reverse("accounts:who-saw"))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("PDF export</td>") < body.index("Diary</td>")
    assert "Notes</td>" not in body
    assert len(response.context["page"].object_list) == 2


def test_who_saw_shows_times_in_the_patients_time_zone(patient_client, patient, dietitian):
    record = access_record(dietitian=dietitian, patient=patient, what=AccessRecord.What.REPORT)
    at = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    AccessRecord.objects.filter(pk=record.pk).update(at=at)

    body = patient_client.get(reverse("accounts:who-saw")).content.decode()

    assert "16 January 2026, 00:30" in body  # Pat lives in Europe/Oslo


def test_who_saw_has_an_empty_state(patient_client):
    response = patient_client.get(reverse("accounts:who-saw"))

    assert "No dietitian has opened your data yet" in response.content.decode()


def test_who_saw_is_paginated_with_few_queries(
    patient_client, patient, dietitian, django_assert_max_num_queries
):
    AccessRecord.objects.bulk_create(
        AccessRecord(dietitian=dietitian, patient=patient, what=AccessRecord.What.REPORT)
        for _ in range(30)
    )

    with django_assert_max_num_queries(8):
        first = patient_client.get(reverse("accounts:who-saw"))
    second = patient_client.get(reverse("accounts:who-saw"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize(
    "name", ["accounts:dietitians", "accounts:who-saw"], ids=["dietitians", "who-saw"]
)
def test_patient_pages_send_anonymous_visitors_to_log_in(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name", ["accounts:dietitians", "accounts:who-saw"], ids=["dietitians", "who-saw"]
)
def test_patient_pages_are_404_for_a_dietitian(dietitian_client, name):
    assert dietitian_client.get(reverse(name)).status_code == 404


def test_the_code_form_is_404_for_a_dietitian(dietitian_client):
    response = dietitian_client.post(reverse("accounts:code-redeem"), {"code": "ABCDEFGH"})

    assert response.status_code == 404
    assert not DietitianCode.objects.exists()


# --- an invite is for the address it was sent to ----------------------------------------------


def test_an_invite_sent_to_one_address_cannot_be_accepted_by_another_account(
    client, other_dietitian, patient, other_patient
):
    _, token = send_invite(other_dietitian, email="pat@example.com")
    client.force_login(other_patient)
    url = reverse("accounts:invite-accept", args=[token])

    page = client.get(url)
    assert page.status_code == 404
    assert "was sent to another e-mail address" in page.content.decode()
    client.post(url, {"answer": "accept"})
    client.post(url, {"answer": "decline"})

    assert not CareLink.objects.filter(patient=other_patient).exists()
    with pytest.raises(services.ConsentError, match="another e-mail address"):
        services.invite_accept(token=token, patient=other_patient)
    assert services.invite_accept(token=token, patient=patient).status == CareLink.Status.ACTIVE


def test_an_invite_opened_logged_out_says_who_invites_and_why_to_log_in_first(
    client, other_dietitian
):
    _, token = send_invite(other_dietitian, email="newcomer@example.com")
    invite_url = reverse("accounts:invite-accept", args=[token])

    login_page = client.get(invite_url, follow=True)
    body = login_page.content.decode()
    assert "Otto Outsider</strong> invited you" in body
    assert "Log in first, or create an account" in body
    assert "only you decide who sees your diary" in body
    signup_link = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', body).group(1)
    signup = client.get(signup_link.replace("&amp;", "&")).content.decode()
    assert "Otto Outsider</strong> invited you" in signup
    assert "Create your account first, with the e-mail address the invite was sent to" in signup


def test_a_spent_or_forged_invite_link_gets_a_plain_log_in_page(client, other_dietitian):
    for url in ["/accounts/invite/forged-token/", "/diary/", "https://elsewhere.example/"]:
        body = client.get(reverse("accounts:login"), {"next": url}).content.decode()
        assert "invited you" not in body
