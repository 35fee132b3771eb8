"""The report as PDF: WeasyPrint, allowed to read nothing but the app's own static files.

The report holds text patients and dietitians typed; were any of it ever to reach the HTML as
markup, an image or stylesheet URL must not make the server fetch from the network or read a
local file. So the fetcher answers only for STATIC_URL paths on our own base URL (and inline
`data:` URLs, which fetch nothing), and refuses everything else.

Drawing is the slow part (about a second), so the page never waits for it: `report_pdf_for`
keeps each PDF as a row (`ReportPdf`) under a digest of its HTML and CSS, and hands a new one
to the task worker (`draw_report_pdf`). Any change to what the report shows (a check-in,
a verdict, a note, the date) changes the markup and so the key, so a ready PDF is never stale.
Only someone who could render the same markup (who may see the report) can ask for its key.
With the immediate task backend (development, tests) the PDF is drawn within the request.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from .models import ReportPdf

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than one of our static files."""


def static_file_path(url: str, base_url: str) -> Path:
    """The file on disk an own-static URL names; RefusedURL for any other URL."""
    parts, base = urlsplit(url), urlsplit(base_url)
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query:
        raise RefusedURL(f"not one of our static files: {url}")
    path = unquote(parts.path)
    if not path.startswith(static_prefix) or ".." in path.split("/"):
        raise RefusedURL(f"not one of our static files: {url}")
    name = path[len(static_prefix) :]
    collected = Path(staticfiles_storage.path(name)) if settings.STATIC_ROOT else None
    found = collected if collected and collected.is_file() else finders.find(name)
    candidate = Path(found) if found else Path("/nonexistent")
    if not candidate.is_file():
        raise RefusedURL(f"no such static file: {url}")
    return candidate


def url_fetcher_for(base_url: str):
    """A WeasyPrint url_fetcher that serves our static files and refuses everything else."""
    from weasyprint import default_url_fetcher

    def fetch(url: str, *args, **kwargs):
        if url.startswith("data:"):
            return default_url_fetcher(url, *args, **kwargs)
        path = static_file_path(url, base_url)
        return {"string": path.read_bytes(), "filename": path.name}

    return fetch


# A PDF is kept this long (any change to the report makes a new one anyway).
PDF_KEPT = timedelta(days=1)
# A PDF still not drawn after this long is taken as lost (a worker stopped): it may be asked again.
PDF_GIVE_UP = timedelta(minutes=10)


def pdf_key(html: str, css: str, base_url: str) -> str:
    return hashlib.sha256("\0".join((html, css, base_url)).encode()).hexdigest()


def report_pdf_for(
    *, patient, requested_by, html: str, css: str, base_url: str, retry: bool = False
) -> ReportPdf:
    """The PDF of this markup: ready, failed, or (newly) queued for the worker.

    A failed PDF, or one a worker left unfinished, is queued again when `retry` is set.
    """
    key = pdf_key(html, css, base_url)
    drawing = ReportPdf.objects.filter(key=key).first()
    if drawing is None:
        ReportPdf.objects.filter(patient=patient, created__lt=timezone.now() - PDF_KEPT).delete()
        try:
            with transaction.atomic():
                drawing = ReportPdf.objects.create(
                    key=key,
                    patient=patient,
                    requested_by=requested_by,
                    html=html,
                    css=css,
                    base_url=base_url,
                )
        except IntegrityError:  # asked twice at once: the other request queued it
            return ReportPdf.objects.get(key=key)
        return _queue(drawing)
    if retry and (drawing.status == ReportPdf.Status.FAILED or pdf_lost(drawing)):
        drawing.status = ReportPdf.Status.PENDING
        drawing.html, drawing.css, drawing.base_url = html, css, base_url
        drawing.error, drawing.created = "", timezone.now()
        drawing.save(update_fields=["status", "html", "css", "base_url", "error", "created"])
        return _queue(drawing)
    return drawing


def pdf_lost(drawing: ReportPdf) -> bool:
    """Still not drawn long after it was asked for: no worker is drawing it."""
    return (
        drawing.status == ReportPdf.Status.PENDING
        and drawing.created < timezone.now() - PDF_GIVE_UP
    )


def _queue(drawing: ReportPdf) -> ReportPdf:
    draw_report_pdf.enqueue(drawing.pk)
    drawing.refresh_from_db()  # drawn already with the immediate backend
    return drawing


def report_pdf_draw(pdf_id: int) -> str:
    """Draw one queued PDF (the worker's task); returns its status afterwards."""
    with transaction.atomic():
        drawing = (
            ReportPdf.objects.select_for_update(skip_locked=True)
            .filter(pk=pdf_id, status=ReportPdf.Status.PENDING)
            .first()
        )
        if drawing is None:
            return "not due"
        try:
            drawing.pdf = draw_pdf(drawing.html, drawing.css, drawing.base_url)
        except Exception as error:  # noqa: BLE001 - any failure is shown, never a server error
            logger.exception("Report PDF %s could not be drawn", pdf_id)
            drawing.status = ReportPdf.Status.FAILED
            drawing.error = f"{type(error).__name__}: {error}"[:2000]
        else:
            drawing.status = ReportPdf.Status.READY
            drawing.html = drawing.css = ""
        drawing.finished = timezone.now()
        drawing.save()
    return drawing.status


@task()
def draw_report_pdf(pdf_id: int) -> str:
    """The worker's task: draw one PDF a dietitian asked for (a no-op when drawn already)."""
    return report_pdf_draw(pdf_id)


def draw_pdf(html: str, css: str, base_url: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy import, only when a PDF is asked for

    fetcher = url_fetcher_for(base_url)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=fetcher)]
    )
