"""The dietitian's view of a client's long-term plan, and their change to one group of it.

Access through `get_patient_for_dietitian` (404 without an active, approved link); every open
and change is recorded for the patient. Changes are post/redirect/get.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dietplanner.accounts.models import AccessRecord
from dietplanner.accounts.selectors import access_record, get_patient_for_dietitian
from dietplanner.programs.group_plans import group_plan_change, group_plans_for
from dietplanner.programs.record import shown_program

from ..forms_longterm import GroupPlanForm


def _form(patient, plan, data=None) -> GroupPlanForm:
    action = reverse("clinic:long-term-change", args=[patient.public_id, plan.food_group.slug])
    return GroupPlanForm(
        data,
        plan=plan,
        measures=patient.measures,
        today=patient.local_today(),
        action=action,
    )


def _page(request, patient, program, plans, bound=None, status=200):
    rows = [
        {
            "plan": p,
            "words": p.in_words(patient.measures),
            "form": bound
            if bound is not None and bound.prefix == p.food_group.slug
            else _form(patient, p),
        }
        for p in plans
    ]
    context = {"patient": patient, "program": program, "rows": rows}
    return render(request, "clinic/long_term.html", context, status=status)


@login_required
@require_GET
def long_term(request, patient_id):
    patient = get_patient_for_dietitian(request.user, patient_id)
    access_record(dietitian=request.user, patient=patient, what=AccessRecord.What.PLAN)
    program = shown_program(patient)
    plans = group_plans_for(program) if program is not None else []
    return _page(request, patient, program, plans)


@login_required
@require_POST
def long_term_change(request, patient_id, group_slug):
    patient = get_patient_for_dietitian(request.user, patient_id)
    program = shown_program(patient)
    plans = group_plans_for(program) if program is not None else []
    plan = next((p for p in plans if p.food_group.slug == group_slug), None)
    if plan is None:
        raise Http404("No plan for this group")
    form = _form(patient, plan, request.POST)
    if not form.is_valid():
        return _page(request, patient, program, plans, bound=form, status=400)
    group_plan_change(plan=plan, author=request.user, **form.cleaned_data)
    access_record(dietitian=request.user, patient=patient, what=AccessRecord.What.PLAN_CHANGE)
    messages.success(
        request, f"Saved. {patient.first_name} sees: {plan.in_words(patient.measures)}"
    )
    return redirect("clinic:long-term", patient.public_id)
