"""Symptom charts drawn once per server process, keyed by everything they draw.

The diary and the results page draw a chart on every view (`charts.symptom_figure`: the SVG
twice on the diary, for a phone and a wider screen, and its table), then render it with its
table alternative (`diary/_chart.html`): a few milliseconds for what is, from one view to the
next, the same drawing. `drawn` keeps the last ones in this process (`memo.Lru`), keyed by
every argument of `charts.symptom_figure` (dates, each series' points, phases, reference
bands, markers, titles, ids, day labels) and the active language (the table's dates are
formatted in it): `charts` is a pure function of its arguments, and `diary/_chart.html`
reads only the figure, so a drawing kept is the drawing that would be made. A new check-in
changes the points, so the next view draws afresh; nothing is keyed by time or by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from dietplanner import charts

from .memo import Lru

DRAWINGS = 128  # a drawing is a few tens of KB: the diary's pages and the results' cards


@dataclass(frozen=True, slots=True)
class Drawing:
    """A chart (`figure`, its data) and its markup with the table (`html`)."""

    figure: charts.SymptomFigure
    html: SafeString


drawings = Lru(DRAWINGS)


def drawn(**chart) -> Drawing:
    """`charts.symptom_figure(**chart)` and `diary/_chart.html` rendered with it, kept in this
    process by all of `chart` (see the module docstring)."""
    key = (translation.get_language(), _frozen(chart))
    return drawings.get(key, lambda: _draw(chart))


def _draw(chart: dict) -> Drawing:
    figure = charts.symptom_figure(**chart)
    return Drawing(figure=figure, html=render_to_string("diary/_chart.html", {"figure": figure}))


def _frozen(value):
    """`value` as a hashable key that tells apart any two arguments that draw differently:
    mappings as their items in order (a series' order sets its colour), sequences as tuples;
    dates, numbers, strings and the charts' frozen dataclasses as they are."""
    if isinstance(value, Mapping):
        return ("map", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("seq", tuple(_frozen(v) for v in value))
    hash(value)  # anything else must be hashable (a TypeError here is a bug, not a miss)
    return value
