"""Log-in lockout and form throttles behind a proxy: every request comes from the proxy's
address (REMOTE_ADDR fixed) and the client's own address is in X-Forwarded-For."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from dietplanner.accounts.models import CareLink, DietitianCode
from dietplanner.accounts.throttle import client_address
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.5"
PAT_AT_HOME = "198.51.100.7"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def from_address(address: str, *, spoofed: str = "") -> Client:
    """A browser at `address`, seen through our proxy (which appends what it saw)."""
    forwarded = f"{spoofed}, {address}" if spoofed else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def log_in(client: Client, email: str, password: str):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_one_attackers_failures_do_not_lock_the_owner_out_from_elsewhere(patient):
    attacker = from_address(ATTACKER)
    for _ in range(5):
        log_in(attacker, patient.email, "wrong-password-here")
    assert log_in(attacker, patient.email, PASSWORD).status_code == 429

    response = log_in(from_address(PAT_AT_HOME), patient.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")


def test_a_forged_forwarded_header_does_not_escape_the_lockout(patient):
    for number in range(5):
        attacker = from_address(ATTACKER, spoofed=f"192.0.2.{number}")
        log_in(attacker, patient.email, "wrong-password-here")
    response = log_in(from_address(ATTACKER, spoofed="192.0.2.99"), patient.email, PASSWORD)
    assert response.status_code == 429


def test_changing_the_case_of_the_address_does_not_escape_the_lockout(patient):
    attacker = from_address(ATTACKER)
    for variant in ["Pat@example.com", "PAT@example.com", "pat@EXAMPLE.com", "pAt@example.com"]:
        log_in(attacker, variant, "wrong-password-here")
    log_in(attacker, "pat@example.com ", "wrong-password-here")
    assert log_in(attacker, patient.email, PASSWORD).status_code == 429


def test_a_new_password_ends_the_lockout(patient):
    browser = from_address(PAT_AT_HOME)
    for _ in range(5):
        log_in(browser, patient.email, "wrong-password-here")
    assert log_in(browser, patient.email, PASSWORD).status_code == 429

    browser.post(reverse("accounts:password-reset"), {"email": patient.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password/reset/" in line)
    form_page = browser.get(link.split("testserver", 1)[1], follow=True)
    browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-phrase-1", "new_password2": "brand-new-phrase-1"},
    )
    response = log_in(browser, patient.email, "brand-new-phrase-1")
    assert response.status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "192.0.2.1"


def test_two_trusted_proxies_read_the_second_address_from_the_right(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2")
    assert client_address(request) == "203.0.113.9"


def test_a_request_that_skipped_the_proxies_is_keyed_on_its_connection(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="garbage")
    assert client_address(request) == "192.0.2.1"


# --- throttled forms --------------------------------------------------------------------------


def test_password_reset_is_throttled_per_address_and_says_so(settings, patient):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password-reset": (3, 3600)}
    attacker = from_address(ATTACKER)
    for number in range(3):
        response = attacker.post(reverse("accounts:password-reset"), {"email": f"x{number}@e.org"})
        assert response.status_code == 302
    response = attacker.post(reverse("accounts:password-reset"), {"email": patient.email})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert int(response["Retry-After"]) > 0
    assert mail.outbox == []
    # Pat, at home behind the same proxy, is not held up.
    response = from_address(PAT_AT_HOME).post(
        reverse("accounts:password-reset"), {"email": patient.email}
    )
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_password_reset_mails_to_one_address_are_throttled_from_any_address(settings, patient):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password-reset": (2, 3600)}
    for number in range(4):
        from_address(f"203.0.113.{number}").post(
            reverse("accounts:password-reset"), {"email": patient.email}
        )
    assert len(mail.outbox) == 2


def test_sign_up_is_throttled(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup": (2, 3600)}
    attacker = from_address(ATTACKER)
    answers = [
        attacker.post(reverse("accounts:signup"), {"email": f"n{number}@e.org"}).status_code
        for number in range(3)
    ]
    assert answers == [200, 200, 429]


def test_the_dietitian_code_form_is_throttled(settings, patient, other_dietitian):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "dietitian-code": (3, 3600)}
    code = DietitianCode.objects.create(dietitian=other_dietitian, code="KX7M2QPA")
    browser = from_address(ATTACKER)
    browser.force_login(patient)
    for guess in ["AAAA2222", "BBBB3333", "CCCC4444"]:
        assert browser.post(reverse("accounts:code-redeem"), {"code": guess}).status_code == 400
    response = browser.post(reverse("accounts:code-redeem"), {"code": code.code})
    assert response.status_code == 429
    assert not CareLink.objects.filter(patient=patient).exists()


def test_invite_links_are_throttled(settings, patient):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "invite": (3, 3600)}
    browser = from_address(ATTACKER)
    browser.force_login(patient)
    answers = [
        browser.get(reverse("accounts:invite-accept", args=[f"guess-{n}"])).status_code
        for n in range(4)
    ]
    assert answers == [404, 404, 404, 429]
