"""The results page folds earlier tests (issue 17): the latest in full, the rest one line each,
newest first, whose whole card opens at its own address or, with htmx, in place."""

import pytest
from django.urls import reverse

from dietplanner.programs.models import Challenge
from tests.benchmarks.page_data import patient_with_program, pinned_time, query_count
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")

URL = reverse("programs:results")
PAGE_LIMIT = 60_000  # bytes of HTML a page opened daily may weigh


@pytest.fixture
def year(client):
    """Pat 365-days, signed in: 13 food tests in a year, the last one running."""
    with pinned_time():
        patient = patient_with_program("pat365@example.com", 365)
        sign_in(client, patient)
        yield patient


def started(patient) -> list[Challenge]:
    return list(
        Challenge.objects.filter(program__patient=patient, first_dose_day__isnull=False)
        .select_related("food_group")
        .order_by("first_dose_day", "position")
    )


def card_url(challenge) -> str:
    return reverse("programs:result-card", args=[challenge.public_id])


def test_a_year_of_results_stays_under_60_kb_with_the_running_test_in_full(client, year):
    queries, response = query_count(lambda: client.get(URL))
    html = response.content.decode()
    assert len(response.content) < PAGE_LIMIT
    assert queries == 6
    tests = started(year)
    assert len(tests) == 13
    running, earlier = tests[-1], tests[:-1]
    assert html.count('class="card result-card') == 1
    assert f'id="result-{running.public_id.hex}-title"' in html
    assert "In short" in html and html.index("In short") < html.index("Earlier tests")
    # every earlier test keeps its name, verdict and a real link to its whole card, newest first
    links = [html.index(f'href="{card_url(c)}"') for c in earlier]
    assert links == sorted(links, reverse=True)
    for challenge in earlier:
        assert challenge.food_group.name in html
        assert (
            f'Show the whole result<span class="visually-hidden"> for {challenge.food_group.name}'
            in html
        )


def test_a_folded_card_opens_on_its_own_page_without_javascript(client, year):
    first = started(year)[0]
    queries, response = query_count(lambda: client.get(card_url(first)))
    html = response.content.decode()
    assert queries == 6
    assert "<html" in html and f'href="{URL}">All your results</a>' in html
    assert html.count('class="card result-card') == 1
    assert first.food_group.name in html
    assert "Days left out" in html and "The same scores as a table" in html
    assert first.verdict_label in html
    assert "data-focus-heading" not in html


def test_with_htmx_the_whole_card_alone_replaces_its_line(client, year):
    first = started(year)[0]
    html = client.get(card_url(first), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "All your results" not in html
    assert html.lstrip().startswith("<section") and "data-focus-heading" in html
    assert f'id="result-{first.public_id.hex}-title" class="h4 card-title" tabindex="-1"' in html
    assert "symptom-chart" in html


def test_a_card_of_another_patient_or_not_started_is_a_404(client, year, other_patient):
    tests = started(year)
    planned = Challenge.objects.filter(program__patient=year, first_dose_day__isnull=True).first()
    if planned is not None:
        assert client.get(card_url(planned)).status_code == 404
    sign_in(client, other_patient)
    assert client.get(card_url(tests[0])).status_code == 404


def test_a_folded_line_shows_a_verdict_changed_since_at_once(client, year):
    """Each line is rendered once per server process for the same values: a verdict another
    process stored since (a re-read of the diary) is shown on the next view."""
    first = started(year)[0]
    changed = (
        Challenge.Verdict.TOLERATED
        if first.verdict != Challenge.Verdict.TOLERATED
        else Challenge.Verdict.TRIGGER
    )
    with pinned_time():
        before = client.get(URL).content.decode()
        Challenge.objects.filter(pk=first.pk).update(verdict=changed)
        after = client.get(URL).content.decode()

    def line(html):
        start = html.index(f'href="{card_url(first)}"')
        return html[html.rindex('<div class="card result-fold', 0, start) : start]

    assert Challenge.Verdict(changed).label not in line(before)
    assert Challenge.Verdict(changed).label in line(after)
