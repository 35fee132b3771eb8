"""Charts drawn once per process (`programs.drawn`): kept only for the very same arguments."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string

from dietplanner import charts
from dietplanner.programs.drawn import drawn, rendered
from dietplanner.programs.models import Program

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
