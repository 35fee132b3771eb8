"""The symptom chart: pure data in, accessible SVG and a table alternative out."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from dietplanner.charts import (
    Marker,
    Phase,
    _text_width,
    chart_table,
    date_ticks,
    symptom_chart,
    symptom_charts,
    symptom_figure,
    table_rows,
)

SVG = "{http://www.w3.org/2000/svg}"
START = date(2025, 3, 3)


def days(n: int, first: date = START) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own markup


def chart(**kwargs):
    arguments = {
        "start": START,
        "end": START + timedelta(days=13),
        "series": {"Pain": [(d, 4) for d in days(14)], "Fatigue": [(d, 6) for d in days(14)]},
        "title": "Symptoms",
    }
    return symptom_chart(**(arguments | kwargs))


def lines(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}path") if e.get("class") == "chart-line"]


def subpaths(path: ET.Element) -> list[str]:
    return [p for p in re.split(r"(?=M)", path.get("d")) if p]


def test_chart_parses_as_xml_and_is_an_image_named_by_its_title_and_desc():
    root = parse(chart(title="Pat's symptoms"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "Pat's symptoms"
    assert "Pain: scored on 14 of 14 days" in desc.text


def test_chart_scales_through_its_viewbox_without_a_fixed_size():
    root = parse(chart(width=720, height=260))

    assert root.get("viewBox").startswith("0 0 720 ")
    assert root.get("width") is None and root.get("height") is None


def test_chart_draws_one_line_per_symptom():
    series = {name: [(d, 3) for d in days(10)] for name in ["Pain", "Fatigue", "Sleep"]}

    root = parse(chart(series=series))

    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-series"]
    assert [g.get("data-symptom") for g in groups] == ["Pain", "Fatigue", "Sleep"]
    assert len(lines(root)) == 3


def test_a_missing_day_breaks_the_line_instead_of_joining_its_neighbours():
    scored = [d for d in days(10) if d != START + timedelta(days=4)]

    root = parse(chart(end=START + timedelta(days=9), series={"Pain": [(d, 5) for d in scored]}))

    (line,) = lines(root)
    runs = subpaths(line)
    assert len(runs) == 2
    assert [run.count("L") + 1 for run in runs] == [4, 5]


def test_a_lone_scored_day_between_gaps_still_shows_as_a_point():
    series = {"Pain": [(START, 2), (START + timedelta(days=2), 7)]}

    root = parse(chart(end=START + timedelta(days=3), series=series))

    points = [e for e in root.iter(f"{SVG}path") if e.get("class") == "chart-points"]
    assert len(points) == 1
    assert points[0].get("d").count("z") == 2


def test_lines_differ_by_dash_or_point_shape_not_colour_alone():
    series = {f"Symptom {i}": [(d, i % 11) for d in days(5)] for i in range(12)}

    root = parse(chart(end=START + timedelta(days=4), series=series))

    looks = set()
    for group in (g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-series"):
        line = group.find(f"{SVG}path[@class='chart-line']")
        points = group.find(f"{SVG}path[@class='chart-points']")
        shape = re.sub(r"[-\d. ]+", "#", points.get("d")[:40])
        looks.add((line.get("stroke-dasharray"), shape))
    assert len(looks) == 12


def test_phases_are_shaded_and_explained_in_a_legend():
    phases = [
        Phase(start=START, end=START + timedelta(days=6), kind="baseline", label="Baseline"),
        Phase(
            start=START + timedelta(days=7),
            end=START + timedelta(days=9),
            kind="dose",
            label="Dairy challenge",
        ),
        Phase(
            start=START + timedelta(days=10),
            end=START + timedelta(days=13),
            kind="washout",
            label="Washout after Dairy",
        ),
    ]

    root = parse(chart(phases=phases))

    bands = [r for r in root.iter(f"{SVG}rect") if "chart-phase" in (r.get("class") or "")]
    assert [b.get("class").split()[-1] for b in bands] == [
        "chart-phase-baseline",
        "chart-phase-dose",
        "chart-phase-washout",
    ]
    assert len({b.get("fill") for b in bands}) == 3
    legend = "".join(
        next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend").itertext()
    )
    assert "Baseline" in legend and "Dose days" in legend and "Washout" in legend
    assert "Stopped" not in legend


def test_phases_reaching_outside_the_chart_are_clipped_to_it():
    phase = Phase(
        start=START - timedelta(days=30), end=START + timedelta(days=99), kind="baseline", label="B"
    )

    root = parse(chart(phases=[phase], width=720))

    (band,) = [r for r in root.iter(f"{SVG}rect") if "chart-phase" in (r.get("class") or "")]
    assert float(band.get("x")) >= 0
    assert float(band.get("x")) + float(band.get("width")) <= 720


def test_every_label_and_the_title_are_escaped():
    evil = '<script>alert("x")</script> & co'

    svg = str(
        chart(
            title=evil,
            series={evil: [(START, 3)]},
            phases=[Phase(start=START, end=START, kind="dose", label=evil)],
            markers=[Marker(day=START, label=evil)],
        )
    )

    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil
    assert any(evil == "".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_chart_carries_no_style_attribute_or_style_element():
    svg = chart(
        phases=[Phase(start=START, end=START + timedelta(days=3), kind="stopped", label="Stop")],
        reference={"Pain": (2, 4)},
        markers=[Marker(day=START, label="Off-plan")],
    )

    root = parse(svg)
    assert "style=" not in str(svg)
    assert all("style" not in element.attrib for element in root.iter())
    assert root.find(f".//{SVG}style") is None


def test_date_ticks_do_not_collide_on_a_365_day_program():
    start, end = date(2025, 1, 1), date(2025, 12, 31)

    ticks = date_ticks(start, end, plot_width=656)

    assert 3 <= len(ticks) <= 12
    slot = 656 / 365
    lefts_rights = [
        ((d - start).days * slot - len(label) * 4, (d - start).days * slot + len(label) * 4)
        for d, label in ticks
    ]
    assert all(a[1] < b[0] for a, b in zip(lefts_rights, lefts_rights[1:], strict=False))
    assert ticks[0][1] == "Jan 2025"


def test_date_ticks_of_a_few_weeks_count_whole_weeks_from_the_first_day():
    ticks = date_ticks(START, START + timedelta(days=27), plot_width=656)

    assert [d for d, _ in ticks] == [START + timedelta(days=7 * k) for k in range(4)]
    assert ticks[0][1] == "3 Mar"


def test_a_narrow_chart_gets_fewer_date_ticks_than_a_wide_one():
    wide = date_ticks(START, START + timedelta(days=90), plot_width=656)
    narrow = date_ticks(START, START + timedelta(days=90), plot_width=336)

    assert len(narrow) < len(wide)


def test_a_365_day_chart_stays_small_and_valid():
    series = {"Pain": [(d, d.day % 11) for d in days(365) if d.day != 15]}

    svg = chart(end=START + timedelta(days=364), series=series)

    (line,) = lines(parse(svg))
    assert len(subpaths(line)) == 13  # twelve 15ths missing between 3 Mar and 2 Mar
    assert len(str(svg)) < 40_000


def test_reference_bands_and_markers_are_drawn_with_a_tooltip():
    root = parse(
        chart(reference={"Pain": (2, 3.5)}, markers=[Marker(day=START, label="Off-plan: dairy")])
    )

    band = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-reference")
    assert band.find(f"{SVG}title").text == "Pain usual range: 2 to 3.5"
    marker = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "chart-marker")
    assert marker.find(f"{SVG}title").text == "3 Mar 2025: Off-plan: dairy"


def test_out_of_range_scores_are_clamped_and_days_outside_the_chart_dropped():
    series = {
        "Pain": [(START - timedelta(days=1), 5), (START, 14), (START + timedelta(days=1), -2)]
    }

    table = chart_table(start=START, end=START + timedelta(days=1), series=series)

    assert [row.scores for row in table.rows] == [(10,), (0,)]


def test_an_end_before_the_start_or_an_unknown_phase_kind_is_refused():
    with pytest.raises(ValueError):
        chart(end=START - timedelta(days=1))
    with pytest.raises(ValueError):
        chart(phases=[Phase(start=START, end=START, kind="party", label="x")])


def test_table_lists_every_day_oldest_first_with_missing_scores_as_none():
    series = {"Pain": [(START, 2), (START + timedelta(days=2), 5)], "Sleep": []}
    phases = [Phase(start=START, end=START + timedelta(days=1), kind="baseline", label="Baseline")]

    table = chart_table(
        start=START,
        end=START + timedelta(days=2),
        series=series,
        phases=phases,
        markers=[Marker(day=START + timedelta(days=1), label="Stress")],
    )

    assert table.columns == ("Pain", "Sleep")
    assert [(r.day, r.phase, r.scores, r.notes) for r in table.rows] == [
        (START, "Baseline", (2, None), ()),
        (START + timedelta(days=1), "Baseline", (None, None), ("Stress",)),
        (START + timedelta(days=2), "", (5, None), ()),
    ]
    assert table.has_notes


def test_table_phase_column_prefers_the_day_labels_given():
    table = chart_table(
        start=START,
        end=START,
        series={"Pain": [(START, 1)]},
        phases=[Phase(start=START, end=START, kind="dose", label="Dairy challenge")],
        day_labels={START: "Dairy challenge day 1 (1/4 cup of milk)"},
    )

    assert table.rows[0].phase == "Dairy challenge day 1 (1/4 cup of milk)"


def test_figure_draws_a_narrow_version_with_its_own_ids():
    figure = symptom_figure(
        start=START,
        end=START + timedelta(days=13),
        series={"Pain": [(d, 4) for d in days(14)]},
        title="Symptoms",
        chart_id="c1",
        narrow_width=400,
    )

    wide, narrow = parse(figure.svg), parse(figure.svg_narrow)
    assert narrow.get("viewBox").startswith("0 0 400 ")
    wide_ids = {e.get("id") for e in wide.iter() if e.get("id")}
    narrow_ids = {e.get("id") for e in narrow.iter() if e.get("id")}
    assert wide_ids and not wide_ids & narrow_ids
    assert len(figure.table.rows) == 14


def test_two_charts_with_different_titles_do_not_share_ids():
    first, second = parse(chart(title="Before")), parse(chart(title="After"))

    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")


def test_a_long_legend_label_wraps_inside_a_narrow_chart():
    # The clinic report's phone chart: 400 units wide, with the markers' long explanation.
    label = "Verdict, off-plan eating or something else logged"
    root = parse(
        chart(
            width=400,
            markers=[Marker(day=START + timedelta(days=2), label="Ate gluten")],
            markers_label=label,
        )
    )
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend")
    assert " ".join("".join(legend.itertext()).split()).endswith(label)
    for item in legend.findall(f"{SVG}g"):
        x = float(re.match(r"translate\(([-\d.]+)", item.get("transform")).group(1))
        for text in item.iter(f"{SVG}text"):
            for line in [text, *text.iter(f"{SVG}tspan")]:
                words = (line.text or "").strip()
                if words:  # each line of text ends inside the drawing
                    assert x + 38 + _text_width(words, 14) <= 400, words


def test_phase_labels_are_dark_on_a_light_patch_without_relying_on_paint_order():
    # WeasyPrint ignores paint-order: a white halo stroke was painted over the letters, so the
    # PDF showed "Baseline" and "Washout after ..." white on pale shading.
    phases = [
        Phase(start=START, end=START + timedelta(days=6), kind="baseline", label="Baseline"),
        Phase(
            start=START + timedelta(days=7),
            end=START + timedelta(days=13),
            kind="washout",
            label="Washout after Dairy",
        ),
    ]
    root = parse(chart(phases=phases))
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-phases")
    labels = list(group.iter(f"{SVG}text"))
    assert [t.text for t in labels] == ["Baseline", "Washout after Dairy"]
    for text in labels:
        assert text.get("paint-order") is None and text.get("stroke") in (None, "none")
        assert text.get("fill") == "#343a40"
    patches = [r for r in group.iter(f"{SVG}rect") if r.get("class") == "chart-label-patch"]
    assert len(patches) == 2 and all(p.get("fill") == "#fff" for p in patches)


def _points(d: str) -> list[tuple[float, float]]:
    """The (x, y) pairs of a path of M and L commands."""
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", d)]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def test_charts_at_two_widths_share_one_drawing_of_the_lines_placed_as_each_draws_them():
    # The report's phone and wide charts: the lines are drawn once and each places them where
    # a chart of its own width draws them (a gap still breaks a line).
    args = {
        "start": START,
        "end": START + timedelta(days=99),
        "series": {
            "Pain": [(d, k % 11) for k, d in enumerate(days(100)) if k != 40],
            "Fatigue": [(d, 10 - k % 11) for k, d in enumerate(days(100))],
        },
        "title": "Symptoms",
    }
    narrow, wide = symptom_charts(**args, widths=(400, 720), chart_ids=("c-narrow", "c"))

    shared = parse(narrow).find(f"{SVG}defs/{SVG}g[@id='c-narrow-lines']")
    lines = shared.findall(f"{SVG}path")
    assert [p.get("data-symptom") for p in lines] == ["Pain", "Fatigue"]
    assert str(wide).count('class="chart-line"') == 0
    for drawing, width in ((narrow, 400), (wide, 720)):
        root = parse(drawing)
        assert root.get("viewBox").startswith(f"0 0 {width} ")
        use = root.find(f".//{SVG}use")
        assert use.get("href") == "#c-narrow-lines"
        a, _, _, d, e, f = (float(v) for v in re.findall(r"-?[\d.]+", use.get("transform")))
        alone = parse(symptom_chart(**args, width=width))
        expected = [p.get("d") for p in alone.iter(f"{SVG}path") if p.get("class") == "chart-line"]
        for path, drawn in zip(lines, expected, strict=True):
            placed = [v for x, y in _points(path.get("d")) for v in (a * x + e, d * y + f)]
            assert placed == pytest.approx([v for point in _points(drawn) for v in point], abs=0.06)
            assert path.get("d").count("M") == drawn.count("M")
    ids = [e.get("id") for drawing in (narrow, wide) for e in parse(drawing).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_table_rows_draw_what_the_charts_template_draws():
    # The report draws its table's rows in Python: the same rows as `diary/_chart.html`.
    from django.template.loader import render_to_string

    figure = symptom_figure(
        start=START,
        end=START + timedelta(days=9),
        series={
            "Pain": [(d, 4) for d in days(10)[::2]],
            "Brain <fog>": [(d, k) for k, d in enumerate(days(10))],
        },
        phases=[Phase(start=START, end=START + timedelta(days=4), kind="baseline", label="A & B")],
        markers=[Marker(day=START + timedelta(days=3), label="Off-plan: <dairy>")],
        title="Symptoms",
    )
    html = render_to_string("diary/_chart.html", {"figure": figure})
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    assert re.sub(r">\s+<", "><", body.strip()) == str(table_rows(figure.table))
    assert "Wed 5 Mar 2025" in body and "&lt;dairy&gt;" in body
