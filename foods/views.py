from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from .forms import MAX_QUERY_LENGTH, LookupForm
from .selectors import food_lookup


def _personal_answers(user, lookup) -> dict | None:
    """For a patient with a program: each result's answer for them (food pk -> FoodAnswer),
    from their long-term plan where a group has one, else from where their program stands."""
    if not getattr(user, "is_patient", False) or not lookup.results:
        return None
    from dietplanner.programs import selectors
    from dietplanner.programs.exchange import program_for_export
    from dietplanner.programs.group_plans import group_plans_for

    program = program_for_export(user)
    if program is None:
        return None
    statuses = selectors.group_statuses(program, user.local_today())
    plans = {p.food_group.slug: p for p in group_plans_for(program)}
    return {
        r.food.pk: selectors.food_answer(r.groups, r.food.kinds, statuses, plans, user.measures)
        for r in lookup.results
    }


@login_required
@require_GET
def lookup(request):
    form = LookupForm(request.GET or None)
    query, shortened = form.query()
    lookup = food_lookup(query)
    context = {
        "form": form,
        "lookup": lookup,
        "personal": _personal_answers(request.user, lookup),
        "shortened": shortened,
        "max_length": MAX_QUERY_LENGTH,
    }
    htmx: HtmxDetails = request.htmx
    template = "foods/lookup.html#results" if htmx and not htmx.boosted else "foods/lookup.html"
    return render(request, template, context)
