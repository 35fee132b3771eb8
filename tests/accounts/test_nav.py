"""The navigation links: drawn once per page, shown in the phone menu and the wide bar."""

import re

import pytest
from django.urls import reverse

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _nav_blocks(html: str) -> list[str]:
    return re.findall(r'<div class="nav-links">.*?</ul>\s*</div>', html, flags=re.S)


@pytest.mark.parametrize(
    ("who", "page", "current"),
    [("patient", "programs:results", "Results"), ("dietitian", "clinic:clients", "Clients")],
)
def test_both_menus_show_the_same_links_with_this_page_marked(client, who, page, current, request):
    user = request.getfixturevalue(who)
    sign_in(client, user)
    html = client.get(reverse(page)).content.decode()
    phone, wide = _nav_blocks(html)
    assert phone == wide
    assert re.search(rf'aria-current="page" href="[^"]+">{current}</a>', phone)
    assert f'<span class="visually-hidden">{user.full_name}</span>' in phone


def test_the_menus_follow_the_page_and_the_person(client, patient, dietitian):
    sign_in(client, patient)
    today = _nav_blocks(client.get(reverse("diary:today")).content.decode())[0]
    plan = _nav_blocks(client.get(reverse("programs:plan")).content.decode())[0]
    sign_in(client, dietitian)
    clients = _nav_blocks(client.get(reverse("clinic:clients")).content.decode())[0]
    assert re.search(r'aria-current="page" href="[^"]+">Today</a>', today)
    assert re.search(r'aria-current="page" href="[^"]+">Plan</a>', plan)
    assert "Invite a patient" in clients and "Invite a patient" not in today


def test_signed_out_pages_offer_log_in_in_both_menus(client):
    phone, wide = _nav_blocks(client.get(reverse("accounts:login")).content.decode())
    assert phone == wide and "Log in" in phone and "Sign up" in phone


def test_the_log_out_button_works_with_the_pages_own_token(patient, other_patient):
    """The links are drawn once per process for a kind of reader and page; each page puts in
    its own CSRF token and its reader's name."""
    from django.test import Client

    for person in (patient, other_patient, patient):
        client = Client(enforce_csrf_checks=True)
        sign_in(client, person)
        html = client.get(reverse("diary:today")).content.decode()
        phone, wide = _nav_blocks(html)
        assert phone == wide
        assert f'<span class="visually-hidden">{person.full_name}</span>' in phone
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', phone).group(1)
        assert token in re.sub(r'<div class="nav-links">.*?</ul>\s*</div>', "", html, flags=re.S)
        response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert client.get(reverse("diary:today")).status_code == 302  # signed out


def test_every_page_links_the_style_sheets_and_scripts_the_static_files_name(client, patient):
    """The head's assets are drawn once per process: each page links the static files'
    addresses (`{% static %}`), the same on every page."""
    from django.templatetags.static import static

    sign_in(client, patient)
    today = client.get(reverse("diary:today")).content.decode()
    plan = client.get(reverse("programs:plan")).content.decode()
    for html in (today, plan):
        assert f'<link rel="stylesheet" href="{static("css/app.css")}">' in html
        assert f'<script src="{static("js/app.js")}" defer></script>' in html
        assert html.count("<link ") == 6
