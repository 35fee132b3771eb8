"""A linked dietitian starts a program for a client: the only way into a clinic-only diet
(the six-food, eosinophilic-oesophagitis pathway)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.accounts.selectors import get_patient_for_dietitian
from dietplanner.programs.intake import current_screening, screening_summary
from dietplanner.programs.record import shown_program
from dietplanner.programs.services import PlanError, program_start
from foods.models import Protocol

from ..forms_start import ClinicStartForm


def _protocols() -> list[Protocol]:
    """Diets that name the groups they leave out, clinic pathways first."""
    protocols = [p for p in Protocol.objects.prefetch_related("eliminated_groups")]
    protocols = [p for p in protocols if p.eliminated_groups.all()]
    return sorted(protocols, key=lambda p: not p.assessed_by_endoscopy)


@login_required
@role_required(User.Role.DIETITIAN)
@require_http_methods(["GET", "POST"])
def start(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    report = reverse("clinic:report", args=[patient.public_id])
    if shown_program(patient, running_only=True) is not None:
        messages.info(request, f"{patient.full_name} already has a program running.")
        return redirect(report)
    screening = current_screening(patient)
    today = patient.local_today()
    form = ClinicStartForm(
        request.POST or None,
        protocols=_protocols(),
        today=today,
        action=request.path,
        initial={"protocol": request.GET.get("protocol", "")},
    )
    if request.method == "POST" and screening is not None and form.is_valid():
        protocol = form.cleaned_data["protocol"]
        try:
            program_start(
                patient=patient,
                protocol=protocol,
                start_date=form.cleaned_data["start_date"],
                baseline_days=protocol.baseline_days,
                symptoms=list(protocol.default_symptoms),
                today=today,
                started_by=request.user,
            )
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{protocol.name} started for {patient.full_name}. Adjust the plan here."
            )
            return redirect("clinic:plan", patient_id=patient.public_id)
    context = {
        "patient": patient,
        "form": form,
        "health": screening_summary(screening, None),
        "report_url": report,
    }
    return render(request, "clinic/start.html", context)
