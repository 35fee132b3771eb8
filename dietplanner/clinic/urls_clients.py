from django.urls import path

from .views import clients, endoscopy, exports, flags, notes, reactions, report, screening, start

# /clinic/  (client list, one client's report, its exports and the dietitian's notes)
urlpatterns = [
    path("", clients.clients, name="clients"),
    path("clients/<uuid:patient_id>/", report.report, name="report"),
    path("clients/<uuid:patient_id>/report.pdf", exports.report_pdf, name="report-pdf"),
    path("clients/<uuid:patient_id>/diary.csv", exports.diary_csv, name="diary-csv"),
    path("clients/<uuid:patient_id>/diary.json", exports.diary_json, name="diary-json"),
    path("clients/<uuid:patient_id>/notes/add/", notes.note_add, name="note-add"),
    path(
        "clients/<uuid:patient_id>/flags/<slug:flag>/reviewed/",
        flags.flag_reviewed,
        name="flag-reviewed",
    ),
    path("clients/<uuid:patient_id>/start/", start.start, name="program-start"),
    path("clients/<uuid:patient_id>/endoscopy/", endoscopy.endoscopy, name="endoscopy"),
    path(
        "clients/<uuid:patient_id>/health/clear/",
        screening.clear,
        name="screening-clear",
    ),
    path(
        "clients/<uuid:patient_id>/reactions/<uuid:alert_id>/acknowledge/",
        reactions.acknowledge,
        name="reaction-acknowledge",
    ),
    path(
        "clients/<uuid:patient_id>/reactions/<uuid:alert_id>/clear/",
        reactions.clear,
        name="reaction-clear",
    ),
    path(
        "clients/<uuid:patient_id>/notes/<uuid:note_id>/edit/",
        notes.note_edit,
        name="note-edit",
    ),
]
