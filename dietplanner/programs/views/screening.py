"""The health questions: the first step before a diet, and a page to change the answers later."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import CareLink, User

from ..forms import ScreeningForm
from ..intake import ScreeningError, current_screening, needs_review, screening_save
from ..record import shown_program

CHANGED_WORRYING = (
    "Thank you. {reason} {advice} Keep to your diet, but start no new food test until your "
    "dietitian has seen your answers."
)


@login_required
@role_required(User.Role.PATIENT)
@require_http_methods(["GET", "POST"])
def screening(request) -> HttpResponse:
    """Ask (or change) the health answers; a saved change goes back to where it matters."""
    current = current_screening(request.user)
    program = shown_program(request.user, running_only=True)
    if request.method == "POST":
        form = ScreeningForm(request.POST)
        if form.is_valid():
            try:
                saved = screening_save(patient=request.user, answers=form.answers())
            except ScreeningError as error:
                form.add_error(None, str(error))
            else:
                return _after_save(request, saved, program)
    else:
        form = ScreeningForm(initial=current.answers if current else None)
    context = {
        "form": form,
        "program": program,
        "has_dietitian": CareLink.objects.active().filter(patient=request.user).exists(),
    }
    return render(request, "programs/screening.html", context)


def _after_save(request, saved, program) -> HttpResponse:
    if program is None:
        return redirect("programs:start")
    if needs_review(saved, program):
        assessment = saved.assessment_for(program.protocol)
        messages.warning(
            request,
            CHANGED_WORRYING.format(reason=assessment.concerns[0].reason, advice=assessment.advice),
        )
    else:
        messages.success(request, "Your health answers are saved.")
    return redirect("programs:plan")
