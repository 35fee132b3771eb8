"""The patient's settings page (/accounts/settings/): time zone, reminders and e-mail address
from the account, the reminder time and tracked symptoms from the running program."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dietplanner.accounts import verification
from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.forms import PatientSettingsForm
from dietplanner.accounts.models import User
from foods.models import Symptom

from ..models import Program
from ..record import shown_program
from ..services import program_symptoms_change


@login_required
@role_required(User.Role.PATIENT)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Time zone, reminders and e-mail address; a new address is confirmed again."""
    program = shown_program(request.user, running_only=True)
    # A copy, so a refused form does not change the user the page header shows.
    account = User.objects.get(pk=request.user.pk)
    today = request.user.local_today()
    initial = {}
    if program is not None:
        tomorrow = today + timedelta(days=1)
        initial = {
            "reminder_time": program.reminder_time,
            "symptoms": program.symptoms_on(tomorrow),
        }
    form = PatientSettingsForm(
        request.POST or None,
        instance=account,
        initial=initial,
        has_program=program is not None,
        symptoms=list(Symptom.objects.all()) if program is not None else None,
    )
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                email_changed = form.email_changed
                new_email = form.cleaned_data["email"]
                account = form.save(commit=False)
                account.email = form.initial["email"]  # changed below, with its confirmation
                account.save()
                if program is not None:
                    program.reminder_time = form.cleaned_data.get("reminder_time")
                    program.save(update_fields=["reminder_time", "updated"])
                    program = program_symptoms_change(
                        program=program, symptoms=form.cleaned_data["symptoms"], today=today
                    )
                if email_changed:
                    verification.email_change(user=account, new_email=new_email)
            if email_changed:
                messages.info(
                    request,
                    f"Settings saved. We sent a link to {new_email}: open it to confirm your new "
                    "address. Reminders wait until you do.",
                )
            else:
                messages.success(request, "Settings saved.")
            return redirect("accounts:settings")
        return render(request, "accounts/settings.html", _context(form, program, today), status=400)
    return render(request, "accounts/settings.html", _context(form, program, today))


def _context(form, program: Program | None, today) -> dict:
    """The page: the form, and a pending symptom change in words ("From 5 Dec: ...")."""
    context = {"form": form, "program": program, "symptoms_change": None}
    start = program.symptoms_change_from if program is not None else None
    if start is not None and start > today:
        names = dict(Symptom.objects.values_list("slug", "name"))
        context["symptoms_change"] = {
            "from": start,
            "names": [names.get(s, s.replace("_", " ")) for s in program.symptoms_on(start)],
        }
    return context
