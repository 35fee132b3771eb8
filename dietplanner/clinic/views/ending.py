"""The dietitian ends a client's program early (the client's history stays)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dietplanner.accounts.models import AccessRecord
from dietplanner.accounts.selectors import access_record
from dietplanner.programs.ending import program_end
from dietplanner.programs.forms import EndProgramForm
from dietplanner.programs.services import PlanError

from .plan import NO_PROGRAM, client_and_program


@login_required
@require_http_methods(["GET", "POST"])
def end(request, patient_id) -> HttpResponse:
    patient, program = client_and_program(request, patient_id)  # 404 without an active link
    if program is None:
        messages.error(request, NO_PROGRAM)
        return redirect("clinic:plan", patient_id=patient.public_id)
    form = EndProgramForm(request.POST or None, for_dietitian=True)
    if request.method == "POST" and form.is_valid():
        try:
            program_end(
                program=program,
                by=request.user,
                today=patient.local_today(),
                reason=form.cleaned_data["reason"],
            )
        except PlanError as exc:
            messages.error(request, str(exc))
        else:
            access_record(
                dietitian=request.user, patient=patient, what=AccessRecord.What.PLAN_CHANGE
            )
            messages.success(
                request, f"{patient.full_name}'s program has ended. Their history stays readable."
            )
        return redirect("clinic:plan", patient_id=patient.public_id)
    access_record(dietitian=request.user, patient=patient, what=AccessRecord.What.PLAN)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "clinic/plan/end.html",
        {"patient": patient, "program": program, "form": form, "today": patient.local_today()},
        status=status,
    )
