"""A linked dietitian clears a client's health answers for a program (who and when recorded)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from dietplanner.accounts.selectors import get_patient_for_dietitian
from dietplanner.programs.intake import ScreeningError, current_screening, screening_clear

from ..forms import ScreeningClearForm
from ..services import client_summaries_for_patient


def report_health(patient) -> str:
    return reverse("clinic:report", args=[patient.public_id]) + "#health"


@login_required
@require_POST
def clear(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    screening = current_screening(patient)
    if screening is None:
        raise Http404("No answers to clear")
    form = ScreeningClearForm(request.POST, action=request.path)
    if not form.is_valid():
        messages.error(request, "The clearance was not saved: send the form again.")
        return redirect(report_health(patient))
    if form.cleaned_data["screening"] != screening.public_id:
        messages.error(request, "The client changed their answers: review the new ones below.")
        return redirect(report_health(patient))
    try:
        screening_clear(screening=screening, dietitian=request.user, note=form.cleaned_data["note"])
        client_summaries_for_patient(patient)
    except ScreeningError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{patient.full_name} is cleared for a program.")
    return redirect(report_health(patient))
