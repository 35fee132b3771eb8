"""A year-long report's PDF while no worker has drawn it yet: the dietitian reads "Preparing
the PDF…", the page checks back by itself (htmx) and offers the download once the worker is
done. Phone and desktop, with axe on both states."""

import pytest
from playwright.sync_api import expect

from dietplanner.clinic.models import ReportPdf
from dietplanner.clinic.pdf import report_pdf_draw
from tests.browser.test_dietitian_journey import log_in
from tests.clinic.factories import imported_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NO_WORKER = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize("viewport", ["desktop", "mobile"], indirect=True)
def test_the_pdf_is_prepared_in_the_background_then_downloaded(
    page, axe, dietitian, patient, viewport, settings
):
    settings.TASKS = NO_WORKER
    imported_program(patient, 365)
    log_in(page, dietitian.email)
    page.goto(f"/clinic/clients/{patient.public_id}/")
    page.get_by_role("link", name="PDF (A4)").click()

    status = page.get_by_role("status")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pat Doe: report as PDF (A4)")
    expect(status).to_contain_text("Preparing the PDF…")
    expect(status.get_by_role("link", name="Check again")).to_be_visible()
    axe(page, f"report-pdf-preparing-{viewport}")

    report_pdf_draw(ReportPdf.objects.get().pk)  # the worker draws it
    expect(status).to_contain_text("The PDF is ready.", timeout=15_000)
    axe(page, f"report-pdf-ready-{viewport}")
    with page.expect_download() as download:
        status.get_by_role("link", name="Download the PDF (A4)").click()
    assert download.value.suggested_filename == "pat-doe-report.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
