"""Downloads of one client's data: the report as PDF, the diary as CSV and as JSON.

Each download is stored as an AccessRecord. A blinded challenge's arms never leave before the
challenge is finished.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from dietplanner.accounts.models import AccessRecord
from dietplanner.accounts.selectors import get_patient_for_dietitian
from dietplanner.analysis.exchange import dump_json
from dietplanner.programs.exchange import program_document
from dietplanner.programs.record import shown_program

from ..csv_export import diary_csv as build_csv
from ..models import ReportPdf
from ..pdf import pdf_lost, report_pdf_for
from ..report import load_program_data
from ..services import export_record
from .report import report_context

PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def _filename(patient, what: str, ext: str) -> str:
    return f"{slugify(patient.full_name) or 'client'}-{what}.{ext}"


def _download(body, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def report_pdf(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    size = PAGE_SIZES.get(request.GET.get("size", "a4").lower(), "A4")
    context = report_context(request, patient)
    context["page_size"] = size
    html = render_to_string("clinic/report_pdf.html", context, request=request)
    css = render_to_string("clinic/report_pdf.css", context)
    drawing = report_pdf_for(
        patient=patient,
        requested_by=request.user,
        html=html,
        css=css,
        base_url=request.build_absolute_uri("/"),
        retry=request.GET.get("retry") == "1",
    )
    ready = drawing.status == ReportPdf.Status.READY
    if ready and not request.htmx:
        export_record(dietitian=request.user, patient=patient, what=AccessRecord.What.EXPORT_PDF)
        return _download(bytes(drawing.pdf), "application/pdf", _filename(patient, "report", "pdf"))
    return _pdf_waiting(request, patient, drawing, size)


def _pdf_waiting(request, patient, drawing: ReportPdf, size: str):
    """The page (or, polled by htmx, its status box) while the PDF is being drawn, once it is
    ready, or when it failed: a clear message and a link, never a server error."""
    state = "ready" if drawing.status == ReportPdf.Status.READY else "preparing"
    if drawing.status == ReportPdf.Status.FAILED or pdf_lost(drawing):
        state = "failed"
    context = {
        "patient": patient,
        "state": state,
        "size_label": "Letter" if size == "letter" else "A4",
        "query": "?size=letter" if size == "letter" else "",
    }
    if request.htmx:
        return render(request, "clinic/report_pdf_waiting.html#pdf-status", context)
    status = {"preparing": 202, "failed": 503, "ready": 200}[state]
    response = render(request, "clinic/report_pdf_waiting.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def diary_csv(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    program = shown_program(patient)
    if program is None:
        raise Http404("No program")
    data = load_program_data(patient, program, patient.local_today())
    export_record(dietitian=request.user, patient=patient, what=AccessRecord.What.EXPORT_CSV)
    return _download(
        build_csv(data).encode("utf-8"),
        "text/csv; charset=utf-8",
        _filename(patient, "diary", "csv"),
    )


@login_required
@require_GET
def diary_json(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    program = shown_program(patient)
    if program is None:
        raise Http404("No program")
    document = program_document(program)  # leaves out a running blinded test's doses
    export_record(dietitian=request.user, patient=patient, what=AccessRecord.What.EXPORT_JSON)
    return _download(
        dump_json(document).encode("utf-8"),
        "application/json; charset=utf-8",
        _filename(patient, "diary", "json"),
    )
