import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_landing_explains_and_offers_sign_up_and_log_in(client):
    response = client.get("/")
    html = response.content.decode()
    assert "Find out which foods make your symptoms worse" in html
    assert 'href="/accounts/signup/"' in html and 'href="/accounts/login/"' in html
    assert "does not replace a clinician" in html
    assert 'href="#main"' in html  # skip link


def test_logged_in_visitor_of_landing_goes_home(patient_client):
    assert patient_client.get("/").status_code == 302


def test_unknown_url_gets_the_styled_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_server_error_gets_the_styled_500_without_traceback(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.urls_boom"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_pages_use_no_inline_script_or_style(client):
    html = client.get("/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
