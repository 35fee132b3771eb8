"""On a diet judged by endoscopy (six-food), the dietitian records each group's outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.accounts.selectors import get_patient_for_dietitian
from dietplanner.programs.endoscopy import outcome_of, outcome_sentence
from dietplanner.programs.endoscopy_services import EndoscopyError, endoscopy_record
from dietplanner.programs.models import Challenge
from dietplanner.programs.record import shown_program

from ..forms_endoscopy import EndoscopyForm


def _started(program) -> list[Challenge]:
    return list(
        program.challenges.filter(
            status__in=Challenge.STARTED_STATUSES, first_dose_day__isnull=False
        )
        .select_related("food_group", "endoscopy")
        .order_by("first_dose_day", "position")
    )


@login_required
@role_required(User.Role.DIETITIAN)
@require_http_methods(["GET", "POST"])
def endoscopy(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    program = shown_program(patient)
    if program is None or not program.protocol.assessed_by_endoscopy:
        raise Http404("No diet judged by endoscopy")
    challenges = _started(program)
    posted = request.POST.get("challenge") if request.method == "POST" else None
    rows = []
    for challenge in challenges:
        outcome = outcome_of(challenge)
        initial = {}
        if outcome is not None:
            initial = {
                "outcome": outcome.outcome,
                "endoscopy_on": outcome.endoscopy_on,
                "note": outcome.note,
            }
        bound = posted == str(challenge.public_id)
        form = EndoscopyForm(
            request.POST if bound else None,
            challenge=challenge,
            action=request.path,
            initial=initial,
        )
        if bound and form.is_valid():
            try:
                endoscopy_record(
                    challenge=challenge,
                    dietitian=request.user,
                    outcome=form.cleaned_data["outcome"],
                    on=form.cleaned_data["endoscopy_on"],
                    note=form.cleaned_data["note"],
                    today=patient.local_today(),
                )
            except EndoscopyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Endoscopy outcome saved for {challenge.food_group}.")
                return redirect(request.path + f"#group-{challenge.public_id.hex[:8]}")
        rows.append(
            {
                "challenge": challenge,
                "outcome": outcome,
                "sentence": outcome_sentence(challenge.verdict_detail),
                "form": form,
            }
        )
    context = {
        "patient": patient,
        "program": program,
        "rows": rows,
        "report_url": reverse("clinic:report", args=[patient.public_id]),
    }
    return render(request, "clinic/endoscopy.html", context)
