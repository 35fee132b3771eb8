"""The report PDF never keeps the dietitian waiting: a PDF drawn before for the same content is
downloaded at once; otherwise the task worker draws it while a "Preparing the PDF…" page checks
back, and a failure reads as a message with a way to try again, never a server error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts.models import AccessRecord
from dietplanner.clinic import pdf as pdf_module
from dietplanner.clinic.models import ReportPdf
from dietplanner.clinic.pdf import report_pdf_draw

from .test_report import FIRST_DOSE, at, program_with_a_challenge

pytestmark = pytest.mark.django_db
TODAY = FIRST_DOSE + timedelta(days=4)
NO_WORKER = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """Stands in for WeasyPrint: records each drawing and returns a small PDF."""
    calls = []

    def draw(html, css, base_url):
        calls.append(html)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(pdf_module, "draw_pdf", draw)
    return calls


@pytest.fixture
def url(patient, catalogue):
    program_with_a_challenge(patient, days_after=4)
    return reverse("clinic:report-pdf", args=[patient.public_id])


def pdf_exports(patient) -> int:
    return AccessRecord.objects.filter(patient=patient, what=AccessRecord.What.EXPORT_PDF).count()


def test_without_a_worker_yet_the_page_says_preparing_then_offers_the_download(
    dietitian_client, patient, url, drawn, settings
):
    settings.TASKS = NO_WORKER
    with at(TODAY):
        response = dietitian_client.get(url)
        page = response.content.decode()
        assert response.status_code == 202
        assert "Preparing the PDF…" in page and 'role="status"' in page
        assert 'aria-live="polite"' in page and 'hx-trigger="every 2s"' in page
        assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
        assert f'href="{url}">Check again</a>' in page
        assert drawn == [] and pdf_exports(patient) == 0

        polled = dietitian_client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "Preparing the PDF…" in polled and "<html" not in polled
        assert ReportPdf.objects.get().status == ReportPdf.Status.PENDING

        report_pdf_draw(ReportPdf.objects.get().pk)  # the worker's turn
        polled = dietitian_client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "The PDF is ready." in polled and "hx-trigger" not in polled
        assert f'href="{url}">Download the PDF (A4)</a>' in polled

        download = dietitian_client.get(url)
    assert download.status_code == 200 and download.content == b"%PDF-1.7 fake"
    assert download["Content-Disposition"].endswith('-report.pdf"')
    assert len(drawn) == 1 and pdf_exports(patient) == 1


def test_the_same_content_is_downloaded_again_without_drawing_it_again(
    dietitian_client, url, drawn
):
    with at(TODAY):
        first = dietitian_client.get(url)
        second = dietitian_client.get(url)
    assert first.content == second.content == b"%PDF-1.7 fake"
    assert len(drawn) == 1


def test_a_change_to_the_report_makes_a_new_pdf(dietitian_client, patient, url, drawn):
    with at(TODAY):
        dietitian_client.get(url)
        dietitian_client.post(
            reverse("clinic:note-add", args=[patient.public_id]),
            {"written_on": TODAY.isoformat(), "text": "Discuss eggs next visit"},
        )
        dietitian_client.get(url)
    assert len(drawn) == 2 and "Discuss eggs next visit" in drawn[1]


def test_letter_size_polls_and_downloads_letter(dietitian_client, url, drawn, settings):
    settings.TASKS = NO_WORKER
    with at(TODAY):
        page = dietitian_client.get(url, {"size": "letter"}).content.decode()
    assert f'hx-get="{url}?size=letter"' in page and "(Letter)" in page


def test_a_failed_drawing_says_so_and_trying_again_draws_it(
    dietitian_client, patient, url, monkeypatch
):
    def broken(html, css, base_url):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf_module, "draw_pdf", broken)
    with at(TODAY):
        response = dietitian_client.get(url)
        page = response.content.decode()
        assert response.status_code == 503
        assert "The PDF could not be made." in page and "no fonts" not in page
        assert f'href="{url}?retry=1">Try again</a>' in page
        assert dietitian_client.get(url).status_code == 503  # not drawn again unasked

        monkeypatch.setattr(pdf_module, "draw_pdf", lambda html, css, base_url: b"%PDF ok")
        again = dietitian_client.get(url, {"retry": "1"})
    assert again.status_code == 200 and again.content == b"%PDF ok"
    assert pdf_exports(patient) == 1


def test_a_pdf_no_worker_picked_up_for_10_minutes_may_be_asked_again(
    dietitian_client, url, drawn, settings
):
    settings.TASKS = NO_WORKER
    with at(TODAY):
        dietitian_client.get(url)
        ReportPdf.objects.update(created=timezone.now() - timedelta(minutes=11))
        page = dietitian_client.get(url).content.decode()
        assert "The PDF could not be made." in page
        settings.TASKS = AT_ONCE
        again = dietitian_client.get(url, {"retry": "1"})
    assert again.status_code == 200 and again.content == b"%PDF-1.7 fake"


def test_another_dietitian_cannot_poll_or_download_a_clients_pdf(
    other_dietitian, client, url, drawn
):
    from tests.conftest import sign_in

    sign_in(client, other_dietitian)
    with at(TODAY):
        assert client.get(url).status_code == 404
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert drawn == [] and not ReportPdf.objects.exists()
