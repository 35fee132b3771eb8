"""A linked dietitian acknowledges a client's allergic reaction and clears them for home tests
again (both recorded: who and when). The details are on the report (`_reactions.html`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from dietplanner.accounts.selectors import get_patient_for_dietitian
from dietplanner.programs import safety
from dietplanner.programs.models import ReactionAlert

from ..forms_reactions import ReactionClearForm
from ..services import client_summaries_for_patient


def _alert(request, patient_id, alert_id) -> tuple[object, ReactionAlert]:
    """The client (404 without an active link) and one of their alerts (else 404)."""
    patient = get_patient_for_dietitian(request.user, patient_id)
    alert = ReactionAlert.objects.filter(patient=patient, public_id=alert_id).first()
    if alert is None:
        raise Http404("No such reaction")
    return patient, alert


def report_reactions(patient) -> str:
    return reverse("clinic:report", args=[patient.public_id]) + "#reactions"


@login_required
@require_POST
def acknowledge(request, patient_id, alert_id):
    patient, alert = _alert(request, patient_id, alert_id)
    try:
        safety.alert_acknowledge(alert=alert, dietitian=request.user)
        client_summaries_for_patient(patient)
    except safety.AlertError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Acknowledged. {patient.full_name}'s home tests stay paused until you clear them.",
        )
    return redirect(report_reactions(patient))


@login_required
@require_POST
def clear(request, patient_id, alert_id):
    patient, alert = _alert(request, patient_id, alert_id)
    form = ReactionClearForm(request.POST, alert=alert, action=request.path)
    if not form.is_valid():
        messages.error(request, "The clearance was not saved: keep the note under 500 characters.")
        return redirect(report_reactions(patient))
    try:
        safety.alert_clear(alert=alert, dietitian=request.user, note=form.cleaned_data["note"])
        client_summaries_for_patient(patient)
    except safety.AlertError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{patient.full_name} is cleared for home tests again.")
    return redirect(report_reactions(patient))
