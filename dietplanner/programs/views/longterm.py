"""The patient's long-term plan per food group, and their printable summary."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dietplanner.accounts.decorators import role_required
from dietplanner.accounts.models import User
from foods.portions import SPOON_NOTE

from ..exchange import program_for_export
from ..group_plans import group_plans_for
from ..models import Challenge


def long_term_context(user: User) -> dict:
    """The plan rows the patient's pages show (three queries)."""
    program = program_for_export(user)
    plans = group_plans_for(program) if program is not None else []
    rows = [
        {"plan": p, "words": p.in_words(user.measures), "short": p.words(user.measures)}
        for p in plans
    ]
    retests = sorted((p for p in plans if p.retest_on), key=lambda p: p.retest_on)
    return {
        "patient": user,
        "program": program,
        "rows": rows,
        "retests": retests,
        "measures": user.get_measures_display(),
        "spoons": SPOON_NOTE,
    }


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def long_term(request):
    return render(request, "programs/long_term.html", long_term_context(request.user))


@login_required
@role_required(User.Role.PATIENT)
@require_GET
def summary(request):
    """One printable page: the plan per group and what each test found."""
    context = long_term_context(request.user)
    program = context["program"]
    tested = []
    if program is not None:
        tested = list(
            program.challenges.filter(status__in=Challenge.STARTED_STATUSES)
            .exclude(verdict="")
            .select_related("food_group")
            .order_by("first_dose_day", "position")
        )
    context.update(tested=tested, today=request.user.local_today())
    return render(request, "programs/summary.html", context)
