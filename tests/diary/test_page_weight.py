"""The pages a patient opens daily stay under 60 KB of HTML for a year-long program with 13 food
tests (issue 17): Today, the diary (two weeks a page, its chart of those days) and the results."""

import pytest
from django.urls import reverse

from tests.benchmarks.page_data import patient_with_program, pinned_time, query_count
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")

PAGE_LIMIT = 60_000  # bytes


@pytest.mark.parametrize("name", ["diary:today", "diary:diary", "programs:results"])
def test_a_daily_page_of_a_year_long_program_weighs_under_60_kb(client, name):
    with pinned_time():
        sign_in(client, patient_with_program("pat365@example.com", 365))
        _, response = query_count(lambda: client.get(reverse(name)))
    assert len(response.content) < PAGE_LIMIT, len(response.content)


def test_the_whole_year_chart_is_one_link_away_at_the_same_query_cost(client):
    with pinned_time():
        sign_in(client, patient_with_program("pat365@example.com", 365))
        paged, page = query_count(lambda: client.get(reverse("diary:diary")))
        whole, response = query_count(lambda: client.get(reverse("diary:diary"), {"chart": "all"}))
    assert 'href="?page=1&amp;chart=all">Show the whole program</a>' in page.content.decode()
    html = response.content.decode()
    assert "The whole program so far" in html
    assert html.count('<th scope="row">') == 365
    assert paged == whole == 8
