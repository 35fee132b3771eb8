"""Charts and page fragments drawn once per server process, keyed by everything they show.

The diary and the results page draw a chart on every view (`charts.symptom_figure`: the SVG
twice on the diary, for a phone and a wider screen, and its table), then render it with its
table alternative (`diary/_chart.html`): a few milliseconds for what is, from one view to the
next, the same drawing. `drawn` keeps the last ones in this process (`memo.Lru`), keyed by
every argument of `charts.symptom_figure` (dates, each series' points, phases, reference
bands, markers, titles, ids, day labels) and the active language (the table's dates are
formatted in it): `charts` is a pure function of its arguments, and `diary/_chart.html`
reads only the figure, so a drawing kept is the drawing that would be made. A new check-in
changes the points, so the next view draws afresh; nothing is keyed by time or by id.

`rendered` does the same for a template fragment repeated on a page (a diary day, a folded
result): it is rendered with one plain value alone in its context (a frozen dataclass of
dates, numbers, strings and tuples of them: nothing read by identity, such as a model row),
so that value, the template's name, the language and the URL prefix are all it can show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from uuid import UUID

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString

from dietplanner import charts

from .memo import Lru

DRAWINGS = 128  # a drawing is a few tens of KB: the diary's pages and the results' cards
FRAGMENTS = 1024  # a fragment is about 1 KB: a few programs' days and results
CARDS = 64  # a result card in full holds its chart: about 45 KB


@dataclass(frozen=True, slots=True)
class Drawing:
    """A chart (`figure`, its data) and its markup with the table (`html`)."""

    figure: charts.SymptomFigure
    html: SafeString


drawings = Lru(DRAWINGS)
fragments = Lru(FRAGMENTS)
cards = Lru(CARDS)  # the large fragments apart, so that they bound the memory they take


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
        items = tuple(value)
        try:
            hash(items)  # a series' points, phases, markers: hashable as they are
        except TypeError:
            items = tuple(_frozen(v) for v in items)
        return ("seq", items)
    hash(value)  # anything else must be hashable (a TypeError here is a bug, not a miss)
    return value


def rendered(template_name: str, name: str, value, *, kept: Lru = fragments) -> SafeString:
    """`template_name` rendered with `{name: value}` alone, kept in this process by the
    value (see the module docstring; a value that is not plain raises TypeError). `kept`:
    `cards` for a fragment of tens of KB."""
    key = (template_name, name, value, translation.get_language(), get_script_prefix())
    return kept.get(key, lambda: _render(template_name, name, value))


_PLAIN = (str, int, float, date, UUID, type(None))  # bool is an int, datetime a date


def _render(template_name: str, name: str, value) -> SafeString:
    _check_plain(value)
    return render_to_string(template_name, {name: value})


def _check_plain(value) -> None:
    """Raise TypeError unless `value` is compared by its contents all the way down."""
    if isinstance(value, _PLAIN):
        return
    if isinstance(value, tuple):
        for item in value:
            _check_plain(item)
    elif is_dataclass(value) and type(value).__dataclass_params__.frozen:
        for field in fields(value):
            _check_plain(getattr(value, field.name))
    else:
        raise TypeError(f"{type(value).__name__} is not a plain value to key a fragment by")
