"""Ending a program early: the patient's confirmation page and its post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User

from ..ending import program_end
from ..forms import EndProgramForm
from ..models import Challenge
from ..record import shown_program
from ..services import PlanError


@login_required
@role_required(User.Role.PATIENT)
@require_http_methods(["GET", "POST"])
def end(request):
    """ "Go back to my usual eating": a page that says what ending means, then a post."""
    program = shown_program(request.user, running_only=True)
    if program is None:
        messages.info(request, "You have no program running, so there is nothing to end.")
        return redirect("diary:today")
    form = EndProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program_end(
                program=program,
                by=request.user,
                today=request.user.local_today(),
                reason=form.cleaned_data["reason"],
            )
        except PlanError as exc:
            messages.error(request, str(exc))
            return redirect("diary:today")
        messages.success(
            request,
            "Your program has ended: you can go back to your usual eating. Your diary and "
            "results stay here to read and download.",
        )
        return redirect("diary:today")
    running = (
        program.challenges.filter(status=Challenge.Status.ACTIVE)
        .select_related("food_group")
        .first()
    )
    context = {
        "program": program,
        "form": form,
        "running": None if running is None else running_name(running),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/end.html", context, status=status)


def running_name(challenge: Challenge) -> str:
    return "blinded" if challenge.blinded else challenge.food_group.name
