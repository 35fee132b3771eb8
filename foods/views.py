from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from .forms import MAX_QUERY_LENGTH, LookupForm
from .selectors import food_lookup


def _personal_statuses(user, lookup) -> dict[int, tuple[str, str]] | None:
    """For a patient in a program: each result's status for them now (food pk -> key, label)."""
    if not getattr(user, "is_patient", False) or not lookup.results:
        return None
    from dietplanner.programs import selectors

    program = selectors.active_program_for(user)
    if program is None:
        return None
    statuses = selectors.group_statuses(program, user.local_today())
    personal = {}
    for result in lookup.results:
        key = selectors.food_status([g.slug for g in result.groups], statuses)
        personal[result.food.pk] = (key, selectors.FOOD_STATUS_LABELS[key])
    return personal


@login_required
@require_GET
def lookup(request):
    form = LookupForm(request.GET or None)
    query, shortened = form.query()
    lookup = food_lookup(query)
    context = {
        "form": form,
        "lookup": lookup,
        "personal": _personal_statuses(request.user, lookup),
        "shortened": shortened,
        "max_length": MAX_QUERY_LENGTH,
    }
    htmx: HtmxDetails = request.htmx
    template = "foods/lookup.html#results" if htmx and not htmx.boosted else "foods/lookup.html"
    return render(request, template, context)
