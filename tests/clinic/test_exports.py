import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse

from dietplanner.accounts.models import AccessRecord
from dietplanner.analysis.exchange import parse_document
from dietplanner.clinic.csv_export import safe_cell
from dietplanner.programs.models import Challenge, DailyEntry
from tests.diary.factories import START, log_days, make_program

from .test_report import FIRST_DOSE, at, first_challenge_tested, program_with_a_challenge

pytestmark = pytest.mark.django_db
TODAY = FIRST_DOSE + timedelta(days=4)


def url(name, patient):
    return reverse(f"clinic:{name}", args=[patient.public_id])


@pytest.fixture
def program(program):
    """Pat's program (the shared fixture) with its first test read after four days, two missing
    days and a note a spreadsheet would run as a formula."""
    first_challenge_tested(program, days_after=4)
    DailyEntry.objects.filter(
        program=program, date__in=[START + timedelta(days=2), START + timedelta(days=3)]
    ).delete()
    DailyEntry.objects.filter(program=program, date=START).update(
        note='=HYPERLINK("http://evil")', off_plan=["dairy"], confounders=["stress"]
    )
    return program


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_has_one_row_per_calendar_day_with_blanks_for_missing_days(dietitian_client, program):
    with at(TODAY):
        response = dietitian_client.get(url("diary-csv", program.patient))
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    header, days = rows[0], rows[1:]
    assert header[:3] == ["date", "phase", "Pain"]
    assert "confounders" in header and "off-plan groups" in header and "note" in header
    assert len(days) == (TODAY - START).days + 1
    assert days[0][0] == START.isoformat()
    assert [d[0] for d in days] == [
        (START + timedelta(days=k)).isoformat() for k in range(len(days))
    ]
    missing = days[2]
    symptom_cells = missing[2 : 2 + len(program.symptoms)]
    assert symptom_cells == [""] * len(program.symptoms)
    assert days[0][2] == "3"


def test_csv_defuses_formulas_and_lists_doses(dietitian_client, program):
    with at(TODAY):
        rows = read_csv(dietitian_client.get(url("diary-csv", program.patient)))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["note"] == '\'=HYPERLINK("http://evil")'
    assert first["off-plan groups"] == "Dairy"
    dose_day = dict(zip(header, rows[1 + 21], strict=True))
    assert dose_day["challenge"] and dose_day["dose"]


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1+1", '\n=HYPERLINK("x")', " \n @A1"],
)
def test_safe_cell_prefixes_formula_starts(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["a calm day", " fine", "", "3", "1/2 cup = fine"])
def test_safe_cell_leaves_plain_text_alone(value):
    assert safe_cell(value) == value


def test_the_pdf_fetches_nothing_but_our_static_files(settings):
    from dietplanner.clinic.pdf import RefusedURL, url_fetcher_for

    fetch = url_fetcher_for("http://testserver/")
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "https://evil.example/x.png",
        "file:///etc/passwd",
        "http://testserver/clinic/",
        "http://testserver/static/../../settings.py",
        "http://testserver:8080/static/css/app.css",
    ]:
        with pytest.raises(RefusedURL):
            fetch(url)
    own = sorted((settings.BASE_DIR / "static").rglob("*.css"))[0]
    name = own.relative_to(settings.BASE_DIR / "static").as_posix()
    assert fetch(f"http://testserver/static/{name}")["string"] == own.read_bytes()


def test_the_report_pdf_is_drawn_with_the_static_only_fetcher(
    dietitian_client, program, monkeypatch
):
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs.get("url_fetcher"))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    with at(TODAY):
        response = dietitian_client.get(url("report-pdf", program.patient))
    assert response.status_code == 200
    assert seen and seen[0] is not None and seen[0].__qualname__.startswith("url_fetcher_for")


def test_csv_hides_blinded_arms_until_finished(dietitian_client, patient, catalogue):
    program, challenge = program_with_a_challenge(patient, blinded=True, days_after=1)
    with at(FIRST_DOSE + timedelta(days=1)):
        body = dietitian_client.get(url("diary-csv", patient)).content.decode("utf-8-sig")
    assert "placebo" not in body and "(active)" not in body
    assert ",blinded," in body
    Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.DONE)
    with at(FIRST_DOSE + timedelta(days=1)):
        body = dietitian_client.get(url("diary-csv", patient)).content.decode("utf-8-sig")
    assert "(placebo)" in body


def test_json_export_parses_as_a_diary_document(dietitian_client, program):
    with at(TODAY):
        response = dietitian_client.get(url("diary-json", program.patient))
    document = parse_document(json.loads(response.content))
    assert document.program.started_on == START
    assert len(document.entries) == DailyEntry.objects.filter(program=program).count()


def test_json_export_leaves_out_arms_of_a_running_blinded_challenge(
    dietitian_client, patient, catalogue
):
    program, challenge = program_with_a_challenge(patient, blinded=True, days_after=1)
    with at(FIRST_DOSE + timedelta(days=1)):
        response = dietitian_client.get(url("diary-json", patient))
    assert b"placebo" not in response.content
    parse_document(json.loads(response.content))
    Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.DONE)
    with at(FIRST_DOSE + timedelta(days=1)):
        response = dietitian_client.get(url("diary-json", patient))
    assert b"placebo" in response.content
    parse_document(json.loads(response.content))


@pytest.mark.parametrize("size", ["", "letter"])
def test_pdf_is_a_pdf(dietitian_client, program, size):
    with at(TODAY):
        response = dietitian_client.get(url("report-pdf", program.patient), {"size": size})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_pdf_of_a_blinded_running_challenge_has_no_arms(dietitian_client, patient, catalogue):
    program_with_a_challenge(patient, blinded=True, days_after=1)
    with at(FIRST_DOSE + timedelta(days=1)):
        response = dietitian_client.get(url("report-pdf", patient))
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("report-pdf", AccessRecord.What.EXPORT_PDF),
        ("diary-csv", AccessRecord.What.EXPORT_CSV),
        ("diary-json", AccessRecord.What.EXPORT_JSON),
    ],
)
def test_each_export_is_recorded(dietitian_client, dietitian, program, name, what):
    with at(TODAY):
        dietitian_client.get(url(name, program.patient))
    assert AccessRecord.objects.filter(
        dietitian=dietitian, patient=program.patient, what=what
    ).exists()


def test_exports_without_a_program_are_404(dietitian_client, patient, catalogue):
    for name in ("diary-csv", "diary-json"):
        assert dietitian_client.get(url(name, patient)).status_code == 404


def test_the_pdf_appendix_covers_only_the_last_weeks_of_a_long_program(patient, catalogue):
    from dietplanner.clinic.report import PDF_DAILY_DAYS, client_report, load_program_data

    program = make_program(patient, start=START)
    last = START + timedelta(days=300)
    log_days(program, START, last)
    report = client_report(load_program_data(patient, program, last), last)
    assert report.chart_args["start"] == START  # the chart on page 1 covers it all
    assert [r.day for r in report.recent_days] == [
        last - timedelta(days=k) for k in reversed(range(PDF_DAILY_DAYS))
    ]


def test_csv_gives_each_dose_day_its_verdict_and_trigger_probability(dietitian_client, program):
    challenge = program.challenges.order_by("position").first()
    with at(TODAY):
        rows = read_csv(dietitian_client.get(url("diary-csv", program.patient)))
    header = rows[0]
    assert "verdict" in header and "trigger probability" in header
    dose_day = dict(zip(header, rows[1 + 21], strict=True))
    assert dose_day["verdict"] == challenge.get_verdict_display()
    assert float(dose_day["trigger probability"]) == pytest.approx(
        challenge.verdict_probability, abs=0.005
    )
    baseline_day = dict(zip(header, rows[1], strict=True))
    assert baseline_day["verdict"] == "" and baseline_day["trigger probability"] == ""


def test_json_export_carries_each_read_challenge_verdict_and_probability(dietitian_client, program):
    challenge = program.challenges.order_by("position").first()
    with at(TODAY):
        data = json.loads(dietitian_client.get(url("diary-json", program.patient)).content)
    first = data["program"]["challenges"][0]
    assert first["verdict"] == challenge.verdict
    assert first["probability"] == challenge.verdict_probability
    assert "probability" not in data["program"]["challenges"][1]  # not started: no reading


def test_json_export_hides_a_running_blinded_verdict(dietitian_client, patient, catalogue):
    program_with_a_challenge(patient, blinded=True, days_after=1)
    with at(FIRST_DOSE + timedelta(days=1)):
        data = json.loads(dietitian_client.get(url("diary-json", patient)).content)
    first = data["program"]["challenges"][0]
    assert "verdict" not in first and "probability" not in first
