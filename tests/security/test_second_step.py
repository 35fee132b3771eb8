"""A dietitian or a staff member who gave only their password reaches no page but the second
step: every URL pattern of the site is tried, so a new clinic or admin page is covered too."""

import pytest
from django.test import Client
from django.urls import reverse

from dietplanner.accounts.middleware import OPEN_BEFORE_SECOND_STEP
from tests.conftest import authenticator
from tests.security.routes import all_routes
from tests.security.test_route_matrix import url_for
from tests.security.world import PATS_WORDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["linked", "staff"])
def test_without_the_second_step_every_page_sends_to_the_code_prompt(persona, world):
    user = world.users[persona]
    authenticator(user)
    client = Client(raise_request_exception=False)
    client.force_login(user)  # the password alone
    verify = reverse("accounts:two-factor-verify")
    checked, problems = 0, []
    for route in all_routes():
        if route.key in OPEN_BEFORE_SECOND_STEP:
            continue
        url = url_for(route, world.values)
        for method in (client.get, client.post):
            response = method(url)
            checked += 1
            if response.status_code != 302 or not response["Location"].startswith(verify):
                problems.append(f"{method.__name__.upper()} {url}: {response.status_code}")
            if any(word in response.content for word in PATS_WORDS):
                problems.append(f"{method.__name__.upper()} {url} shows Pat's data")
    assert not problems, "\n".join(problems)
    assert checked > 200
