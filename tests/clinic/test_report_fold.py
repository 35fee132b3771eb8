"""The report folds its daily table (issue 17): the chart covers the whole program, the table
under it opens on the last 4 weeks, and every day is one link away. The PDF and the CSV keep
their own days."""

import re

import pytest
from django.urls import reverse

from dietplanner.clinic.report import PAGE_TABLE_DAYS
from tests.benchmarks.page_data import (
    dietitian,
    link,
    patient_with_program,
    pinned_time,
    query_count,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("catalogue")

PAGE_LIMIT = 110_000  # bytes of HTML of a year's report (243 KB before the fold, 142 KB before
# its phone and wide charts shared one drawing of the lines)


def dana_and_client(client, days: int):
    """Dana, signed in, and her client Pat with a program of `days` days."""
    dana = dietitian("dana@example.com", "Dana Dietitian")
    patient = patient_with_program(f"pat{days}@example.com", days)
    link(dana, patient)
    sign_in(client, dana)
    return patient


@pytest.fixture
def year(client):
    with pinned_time():
        yield dana_and_client(client, 365)


def daily_table(html: str) -> tuple[str, list[str]]:
    """The daily table's <details> tag and the days of its rows."""
    details = re.search(r'<details class="chart-table[^>]*>.*?</details>', html, re.S).group(0)
    return details.split(">", 1)[0], re.findall(r'<th scope="row">([^<]+)</th>', details)


def test_a_year_report_opens_on_the_last_weeks_of_its_table_under_the_limit(client, year):
    url = reverse("clinic:report", args=[year.public_id])
    queries, response = query_count(lambda: client.get(url))
    html = response.content.decode()
    assert len(response.content) < PAGE_LIMIT
    assert queries == 20  # as pinned in test_queries
    tag, days = daily_table(html)
    assert len(days) == PAGE_TABLE_DAYS and " open" not in tag
    assert f"The last {PAGE_TABLE_DAYS} of 365 days." in html
    assert f'href="{url}?days=all#chart-heading">Show all 365 days</a>' in html
    # the chart still draws the whole year, wide and narrow
    assert html.count("(365 days)") == 2


def score_rows(html: str) -> list[str]:
    """The daily table's rows, each in full (its day, phase, scores and notes)."""
    details = re.search(r'<details class="chart-table[^>]*>.*?</details>', html, re.S).group(0)
    return re.findall(r"<tr>.*?</tr>", details.split("<tbody>", 1)[1], re.S)


def test_every_day_of_the_table_is_one_link_away(client, year):
    url = reverse("clinic:report", args=[year.public_id])
    folded_html = client.get(url).content.decode()
    folded = daily_table(folded_html)[1]
    queries, response = query_count(lambda: client.get(url, {"days": "all"}))
    html = response.content.decode()
    assert queries == 20
    tag, days = daily_table(html)
    assert len(days) == 365 and " open" in tag
    assert days[-PAGE_TABLE_DAYS:] == folded
    # the folded rows are the last ones of the whole table, scores and notes included
    assert score_rows(html)[-PAGE_TABLE_DAYS:] == score_rows(folded_html)
    assert f'href="{url}#chart-heading">Show the last {PAGE_TABLE_DAYS} days only</a>' in html


def test_a_month_long_program_shows_its_whole_table_without_a_fold(client):
    with pinned_time():
        patient = dana_and_client(client, 30)
        url = reverse("clinic:report", args=[patient.public_id])
        for params in ({}, {"days": "all"}):
            html = client.get(url, params).content.decode()
            assert len(daily_table(html)[1]) == 30
            assert "report-table-days" not in html
