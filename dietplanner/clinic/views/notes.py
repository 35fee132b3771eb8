"""The dietitian's private clinical notes on a client: add from the report, edit their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dietplanner.accounts.selectors import get_patient_for_dietitian

from ..forms import NoteForm
from ..selectors import get_note_for_author, notes_for
from ..services import note_create, note_update


def _report_notes(patient) -> str:
    return reverse("clinic:report", args=[patient.public_id]) + "#notes"


@login_required
@require_http_methods(["GET", "POST"])
def note_add(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    action = reverse("clinic:note-add", args=[patient.public_id])
    form = NoteForm(request.POST or None, action=action, htmx=bool(request.htmx))
    if request.method == "POST" and form.is_valid():
        note_create(
            author=request.user,
            patient=patient,
            written_on=form.cleaned_data["written_on"],
            text=form.cleaned_data["text"],
        )
        if request.htmx:
            context = {
                "patient": patient,
                "notes": notes_for(author=request.user, patient=patient),
                "note_form": NoteForm(
                    action=action, htmx=True, initial={"written_on": patient.local_today()}
                ),
                "saved": True,
            }
            return render(request, "clinic/_notes.html", context)
        messages.success(request, "Note saved.")
        return redirect(_report_notes(patient))
    template = "clinic/_notes.html" if request.htmx else "clinic/note_form.html"
    context = {"patient": patient, "form": form, "note_form": form, "title": "Add a note"}
    if request.htmx:
        context["notes"] = notes_for(author=request.user, patient=patient)
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request, patient_id, note_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    note = get_note_for_author(author=request.user, patient=patient, note_id=note_id)
    action = reverse("clinic:note-edit", args=[patient.public_id, note.public_id])
    form = NoteForm(request.POST or None, instance=note, action=action, submit="Save changes")
    if request.method == "POST" and form.is_valid():
        note_update(
            note=note, written_on=form.cleaned_data["written_on"], text=form.cleaned_data["text"]
        )
        messages.success(request, "Note updated.")
        return redirect(_report_notes(patient))
    context = {"patient": patient, "form": form, "note": note, "title": "Edit a note"}
    return render(
        request, "clinic/note_form.html", context, status=400 if request.method == "POST" else 200
    )
