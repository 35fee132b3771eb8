"""Charts drawn once per process (`programs.drawn`): kept only for the very same arguments."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from dietplanner import charts
from dietplanner.programs import drawn as drawn_module
from dietplanner.programs.drawn import drawn, rendered
from dietplanner.programs.models import Program
from tests.benchmarks.page_data import patient_with_program, pinned_time
from tests.conftest import sign_in

START = date(2025, 3, 3)


def chart(**changes) -> dict:
    days = [START + timedelta(days=k) for k in range(5)]
    return {
        "start": days[0],
        "end": days[-1],
        "series": {"Pain": [(d, 3) for d in days], "Bloating": [(d, 1) for d in days]},
        "phases": [charts.Phase(start=days[0], end=days[-1], kind="baseline", label="Baseline")],
        "markers": [charts.Marker(day=days[2], label="Off-plan: dairy")],
        "title": "Your symptom scores",
        "chart_id": "diary-chart",
        "day_labels": {d: f"Baseline day {k + 1}" for k, d in enumerate(days)},
    } | changes


def test_the_same_arguments_give_the_drawing_kept_and_the_same_markup():
    kept = drawn(**chart())
    assert drawn(**chart()) is kept
    assert kept.figure == charts.symptom_figure(**chart())
    assert kept.html == render_to_string("diary/_chart.html", {"figure": kept.figure})


def test_any_argument_that_draws_differently_gives_a_new_drawing():
    kept = drawn(**chart())
    series = chart()["series"]
    for changed in (
        chart(series={"Pain": series["Pain"][:-1] + [(START + timedelta(days=4), 4)]}),
        chart(series=dict(reversed(series.items()))),  # the order sets each line's colour
        chart(markers=[]),
        chart(day_labels={START: "Dairy challenge day 1"}),
        chart(title="Another title"),
        chart(narrow_width=400),
    ):
        other = drawn(**changed)
        assert other is not kept
        assert other.figure == charts.symptom_figure(**changed)


def test_a_fragment_is_keyed_only_by_plain_values():
    """A model row compares by its id: a fragment kept by it could show stale fields."""
    with pytest.raises(TypeError, match="Program is not a plain value"):
        rendered("diary/_history_day.html", "day", (START, Program(pk=1)))


@pytest.mark.django_db
def test_result_cards_in_full_are_kept_apart_from_the_small_fragments(client):
    """A full card holds its chart (tens of KB): its own, smaller memory bounds what the
    cards take, whatever the number of days and folded lines kept."""
    drawn_module.cards.clear()
    drawn_module.fragments.clear()
    with pinned_time():
        sign_in(client, patient_with_program("pat365@example.com", 365))
        assert client.get(reverse("programs:results")).status_code == 200
    kept_cards = [key[0] for key in drawn_module.cards._items]
    kept_small = [key[0] for key in drawn_module.fragments._items]
    assert kept_cards and set(kept_cards) == {"programs/_result_card.html"}
    assert kept_small and "programs/_result_card.html" not in kept_small
    assert drawn_module.cards.size < drawn_module.fragments.size
