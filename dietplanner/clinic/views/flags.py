"""Attention flags on one client's report, each marked as reviewed on its own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dietplanner.accounts.selectors import get_patient_for_dietitian

from ..selectors import FLAGS, REVIEWABLE_FLAGS, client_rows
from ..services import flag_review


def attention_context(dietitian, patient, *, reviewed: str = "") -> dict:
    """The client's current flags for the report's "Needs attention" section (8 queries)."""
    rows = client_rows(dietitian, patient=patient)
    return {
        "patient": patient,
        "attention": rows[0].flag_labels if rows else [],
        "reviewable": REVIEWABLE_FLAGS,
        "reviewed_label": FLAGS.get(reviewed, ""),
    }


@login_required
@require_POST
def flag_reviewed(request, patient_id, flag: str):
    patient = get_patient_for_dietitian(request.user, patient_id)
    if flag not in REVIEWABLE_FLAGS:
        raise Http404("No such flag")
    flag_review(dietitian=request.user, patient=patient, flag=flag)
    if request.htmx:
        context = attention_context(request.user, patient, reviewed=flag)
        return render(request, "clinic/_attention.html", context)
    messages.success(request, f"Marked as reviewed: {FLAGS[flag]}.")
    return redirect(reverse("clinic:report", args=[patient.public_id]) + "#attention")
