"""Two-step login: required for dietitians and staff, optional for patients, with recovery
codes shown once and stored hashed, and a QR code drawn on our own server."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dietplanner.accounts.models import RecoveryCode
from dietplanner.accounts.two_factor import recovery_codes_make
from tests.conftest import PASSWORD, authenticator, current_code, sign_in

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:two-factor-verify")
SETUP = reverse("accounts:two-factor")
CLIENTS_PAGE = reverse("clinic:clients")


def log_in(client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD, **extra}
    )


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_a_dietitian_with_only_a_password_reaches_no_clinic_page(client, dietitian, patient):
    authenticator(dietitian)
    log_in(client, dietitian)

    response = client.get(reverse("clinic:report", args=[patient.public_id]))

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=/clinic/clients/")
    assert b"Pat Doe" not in client.get(response["Location"], follow=True).content


def test_the_code_from_the_app_opens_the_page_asked_for(client, dietitian, patient):
    authenticator(dietitian)
    log_in(client, dietitian)
    report = reverse("clinic:report", args=[patient.public_id])

    response = client.post(f"{VERIFY}?next={report}", {"code": current_code(dietitian)})

    assert response.status_code == 302 and response["Location"] == report
    assert client.get(report).status_code == 200


def test_a_wrong_code_is_refused_and_says_what_to_do(client, dietitian):
    authenticator(dietitian)
    log_in(client, dietitian)

    response = client.post(VERIFY, {"code": "000000"})

    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert client.get(reverse("clinic:clients")).status_code == 302


def test_wrong_codes_slow_down_guessing(client, dietitian):
    authenticator(dietitian)
    log_in(client, dietitian)
    client.post(VERIFY, {"code": "000000"})

    # Straight after a wrong guess even the right code waits; a second later it works.
    assert client.post(VERIFY, {"code": current_code(dietitian)}).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        assert client.post(VERIFY, {"code": current_code(dietitian)}).status_code == 302


def test_a_code_cannot_be_used_twice(client, dietitian):
    device = authenticator(dietitian)
    log_in(client, dietitian)
    code = code_of(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    log_in(client, dietitian)
    assert client.post(VERIFY, {"code": code}).status_code == 200


def test_a_new_dietitian_sets_up_the_app_before_anything_else(client, other_dietitian):
    log_in(client, other_dietitian)

    response = client.get(reverse("clinic:clients"), follow=True)

    assert response.redirect_chain[-1][0].startswith(SETUP)
    page = response.content.decode()
    assert "Set up two-step login" in page
    assert '<svg class="qr-code" role="img"' in page
    device = TOTPDevice.objects.get(user=other_dietitian, confirmed=False)
    secret = re.search(r'class="totp-secret"><code>([A-Z2-7 ]+)</code>', page).group(1)
    assert secret.replace(" ", "") in device.config_url
    # The nav shows no clinic page while the second step is missing.
    assert 'href="/clinic/"' not in page


def test_the_qr_code_is_drawn_here_with_nothing_the_csp_would_block(client, other_dietitian):
    log_in(client, other_dietitian)

    response = client.get(SETUP)

    svg = re.search(r"<svg class=\"qr-code\".*?</svg>", response.content.decode(), re.S).group(0)
    assert (
        "style=" not in svg
        and "<script" not in svg
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_setting_up_shows_recovery_codes_once_and_opens_the_clinic(client, other_dietitian):
    log_in(client, other_dietitian)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=other_dietitian, confirmed=False)

    wrong = client.post(SETUP, {"code": "123456"})
    assert b"That code did not match" in wrong.content

    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        response = client.post(SETUP, {"code": code_of(device)}, follow=True)

    codes = re.findall(
        r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.content.decode()
    )
    assert len(codes) == 10
    assert client.get(reverse("clinic:clients")).status_code == 200
    again = client.get(reverse("accounts:two-factor-codes"), follow=True)
    assert codes[0] not in again.content.decode()
    assert b"shown only once" in again.content


def test_recovery_codes_are_stored_hashed_and_each_works_once(client, dietitian):
    authenticator(dietitian)
    codes = recovery_codes_make(user=dietitian)
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)

    log_in(client, dietitian)
    response = client.post(VERIFY, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("clinic:clients")
    assert b"You used a recovery code; 9 left" in response.content
    client.post(reverse("accounts:logout"))

    log_in(client, dietitian)
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(dietitian_client, dietitian):
    old = recovery_codes_make(user=dietitian)

    response = dietitian_client.post(reverse("accounts:two-factor-codes-new"), follow=True)

    new = re.findall(r"<li><code>([a-z2-9-]{11})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert RecoveryCode.objects.filter(device__user=dietitian).count() == 10


def test_a_clinic_account_cannot_turn_two_step_login_off(dietitian_client):
    assert dietitian_client.get(reverse("accounts:two-factor-off")).status_code == 404
    page = dietitian_client.get(SETUP)
    assert b"two-step login stays on" in page.content


def test_a_patient_logs_in_with_a_password_alone_until_they_turn_it_on(client, patient):
    log_in(client, patient)
    assert client.get(reverse("diary:today")).status_code == 200

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=patient, confirmed=False)
    response = client.post(SETUP, {"code": code_of(device)}, follow=True)
    assert b"Your recovery codes" in response.content
    client.post(reverse("accounts:logout"))

    log_in(client, patient)
    assert client.get(reverse("diary:today"))["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": current_code(patient)})
    assert client.get(reverse("diary:today")).status_code == 200


def test_a_patient_turns_it_off_with_their_password(patient_client, patient):
    authenticator(patient)
    recovery_codes_make(user=patient)
    patient_client.post(VERIFY, {"code": current_code(patient)})

    wrong = patient_client.post(reverse("accounts:two-factor-off"), {"password": "nope"})
    assert b"That is not your password" in wrong.content
    patient_client.post(reverse("accounts:two-factor-off"), {"password": PASSWORD})

    assert not TOTPDevice.objects.filter(user=patient).exists()
    assert not RecoveryCode.objects.filter(device__user=patient).exists()


def test_a_session_opened_with_a_password_alone_cannot_turn_it_off(client, patient):
    # Pat's session started before she turned two-step login on elsewhere.
    client.force_login(patient)
    authenticator(patient)
    response = client.post(reverse("accounts:two-factor-off"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=patient).exists()


def test_staff_need_the_second_step_for_the_admin(client, admin):
    authenticator(admin)
    log_in(client, admin)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": current_code(admin)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_never_shows_an_authenticators_secret(client, admin, dietitian):
    device = authenticator(dietitian)
    sign_in(client, admin)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key.encode() not in page.content


def test_an_htmx_request_before_the_second_step_is_sent_to_the_code_page(client, dietitian):
    authenticator(dietitian)
    log_in(client, dietitian)

    response = client.get(CLIENTS_PAGE, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(VERIFY + "?next=/clinic/")
