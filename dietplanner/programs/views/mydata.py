"""My data: the patient downloads their program as a `dietplanner-diary` file, or starts a
program from such a file (validated in full; nothing is half-imported)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from dietplanner.analysis.exchange import DiaryFormatError, dump_json, parse_json

from ..exchange import ImportRefused, program_document, program_for_export, program_import
from ..group_plans import results_refresh
from ..models import Program

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
patient_only = role_required(User.Role.PATIENT)


class UploadForm(forms.Form):
    diary_file = forms.FileField(
        label="Diary file (.json)",
        help_text="A dietplanner-diary file, for example one you downloaded here before.",
    )

    def clean_diary_file(self):
        upload = self.cleaned_data["diary_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("This file is larger than 5 MB; a diary file is smaller.")
        return upload


@login_required
@patient_only
@require_http_methods(["GET", "POST"])
def my_data(request):
    program = program_for_export(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            document = parse_json(
                form.cleaned_data["diary_file"].read(), today=request.user.local_today()
            )
            imported = program_import(document=document, patient=request.user)
        except DiaryFormatError as exc:
            errors = exc.errors
        except ImportRefused as exc:
            errors = [str(exc)]
        else:
            results_refresh(program=imported, today=request.user.local_today())
            messages.success(request, "Your program was imported. Everything is on your plan.")
            return redirect("programs:plan")
    status = 400 if request.method == "POST" else 200
    context = {
        "program": program,
        "form": form,
        "errors": errors,
        "has_active": Program.objects.active().filter(patient=request.user).exists(),
    }
    return render(request, "programs/my_data.html", context, status=status)


@login_required
@patient_only
@require_GET
def my_data_download(request):
    program = program_for_export(request.user)
    if program is None:
        messages.info(request, "You have no program yet, so there is nothing to download.")
        return redirect("programs:my-data")
    body = dump_json(program_document(program))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = request.user.local_today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="dietplanner-diary-{stamp}.json"'
    return response
