"""The report as PDF: a one-page summary first, the details and the daily appendix after it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from dietplanner.charts import TableRow
from dietplanner.clinic import pdf as pdf_module
from dietplanner.clinic.pdf_daily import daily_text
from dietplanner.programs.models import DailyEntry
from tests.diary.factories import START

from .factories import imported_program
from .test_report import FIRST_DOSE, at, program_with_a_challenge

pytestmark = pytest.mark.django_db


def pdf_pages(client, patient, monkeypatch) -> list[dict]:
    """Download the PDF and return each page drawn: its text and whether it holds a chart."""
    from weasyprint import CSS, HTML

    drawn = []
    real = pdf_module.draw_pdf

    def keep(html, css, base_url):
        drawn.append(HTML(string=html, base_url=base_url).render(stylesheets=[CSS(string=css)]))
        return real(html, css, base_url)

    monkeypatch.setattr(pdf_module, "draw_pdf", keep)
    response = client.get(reverse("clinic:report-pdf", args=[patient.public_id]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return [_page(p) for p in drawn[0].pages]


def _page(page) -> dict:
    texts, charts = [], 0
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        if type(box).__name__.endswith("ReplacedBox") and box.element_tag.endswith("svg"):
            charts += 1
        if getattr(box, "text", None) and not _in_margin(box):
            texts.append(box.text)
        stack.extend(reversed(getattr(box, "children", [])))
    return {"text": " ".join(texts), "charts": charts}


def _in_margin(box) -> bool:
    return type(box).__name__ == "TextBox" and box.element_tag is None and box.style["content"]


def test_the_first_page_is_the_summary_and_the_details_follow(
    dietitian_client, patient, catalogue, monkeypatch
):
    _, challenge = program_with_a_challenge(patient)
    with at(FIRST_DOSE + timedelta(days=6)):
        pages = pdf_pages(dietitian_client, patient, monkeypatch)
    first = pages[0]["text"]
    for heading in ("The program", "To discuss", "Challenges", "Timeline"):
        assert heading in first
    assert challenge.food_group.name in first and challenge.get_verdict_display() in first
    assert pages[0]["charts"] == 1
    rest = " ".join(p["text"] for p in pages[1:])
    for heading in ("key evidence", "Baseline and latest symptom levels", "Appendix: daily"):
        assert heading not in first and heading in rest


def test_a_year_with_13_challenges_still_fits_its_summary_on_page_1_and_has_no_empty_page(
    dietitian_client, patient, catalogue, monkeypatch
):
    program = imported_program(patient, 365)
    groups = [c.food_group.name for c in program.challenges.order_by("position")]
    assert len(groups) == 13
    pages = pdf_pages(dietitian_client, patient, monkeypatch)
    first = pages[0]["text"]
    assert all(name in first for name in groups)
    assert pages[0]["charts"] == 1 and "Timeline" in first
    assert all(len(p["text"].split()) > 20 for p in pages), "a page with (almost) nothing on it"
    # The daily appendix: 16 weeks, the last day included.
    assert "Appendix: daily scores from" in " ".join(p["text"] for p in pages)


def test_the_pdf_is_drawn_once_for_the_same_report_and_again_after_a_change(
    dietitian_client, patient, catalogue, monkeypatch
):
    program, _ = program_with_a_challenge(patient)
    calls = []
    real = pdf_module.draw_pdf
    monkeypatch.setattr(pdf_module, "draw_pdf", lambda *a: calls.append(a) or real(*a))
    url = reverse("clinic:report-pdf", args=[patient.public_id])
    day = FIRST_DOSE + timedelta(days=6)
    with at(day):
        first = dietitian_client.get(url).content
        again = dietitian_client.get(url).content
    assert len(calls) == 1 and first == again
    DailyEntry.objects.filter(program=program, date=day).update(scores={"pain": 9})
    with at(day):
        dietitian_client.get(url)
    assert len(calls) == 2


def test_daily_appendix_lines_keep_columns_and_a_wrapped_day_together():
    rows = [
        TableRow(
            day=START + timedelta(days=k),
            phase="Washout after the Added sugar challenge, day 12 and some more words" * (k % 2),
            scores=(k % 11, None),
            notes=("Slept badly",) if k == 3 else (),
        )
        for k in range(200)
    ]
    text = daily_text(rows, ["fatigue", "brain_fog"], ["Fatigue", "Brain fog"])
    assert text.key == "Fatig = Fatigue, Fog = Brain fog"
    lines = [line for block in text.blocks for line in block.splitlines()]
    heads = [line for line in lines if line.startswith("Date ")]
    assert len(heads) == len(text.blocks) > 1
    assert heads[0].split()[-4:] == ["Fatig", "Fog", "Also", "logged"]
    first = next(line for line in lines if line.startswith("Mon 5 Jan"))
    assert first.split()[3:] == ["0", "-"]
    assert any("Slept badly" in line for line in lines)
    for block in text.blocks:
        body = block.splitlines()[2:]
        assert not body[0].startswith(" "), "a block starts in the middle of a day"


def test_drawing_a_pdf_logs_nothing_at_the_default_level(
    dietitian_client, patient, catalogue, caplog, monkeypatch
):
    """Without libharfbuzz-subset, WeasyPrint subsets fonts with fontTools, which wrote some 150
    lines per PDF ("glyf pruned", the glyph names) into the worker's log at the default INFO
    level; only its warnings are kept. (That path is taken here even where the library is.)"""
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    program_with_a_challenge(patient)
    with at(FIRST_DOSE + timedelta(days=6)), caplog.at_level("INFO"):
        caplog.clear()
        response = dietitian_client.get(reverse("clinic:report-pdf", args=[patient.public_id]))
    assert response.content.startswith(b"%PDF")
    noisy = [r for r in caplog.records if r.name.startswith("fontTools")]
    assert noisy == [], f"{len(noisy)} lines, e.g. {noisy[0].name}: {noisy[0].getMessage()}"
