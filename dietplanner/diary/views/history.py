"""The patient's diary: every past day of the program, newest first, with a symptom chart."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.programs.record import load_record, shown_program

from ..selectors import diary_history


@login_required
@role_required(User.Role.PATIENT)
@require_safe
def diary(request: HttpRequest) -> HttpResponse:
    program = shown_program(request.user)
    if program is None:
        return render(request, "diary/history.html", {"history": None})
    record = load_record(
        program,
        today=request.user.local_today(),
        measures=request.user.measures,
        with_doses=False,  # the page's days read theirs (`diary_history`)
    )
    history = diary_history(
        record,
        page_number=request.GET.get("page"),
        whole_chart=request.GET.get("chart") == "all",
    )
    return render(request, "diary/history.html", {"history": history})
