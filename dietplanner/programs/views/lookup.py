"""The food lookup (/foods/lookup/): anyone logged in searches the catalogue; a patient with a
program also reads each food's status for them (tested, left out, reintroduced)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from dietplanner.analysis.vocabulary import FODMAP_GROUPS
from foods.forms import MAX_QUERY_LENGTH, LookupForm
from foods.selectors import food_lookup

from .. import selectors
from ..exchange import program_for_export
from ..group_plans import group_plans_for


def _patient_program(user):
    """The program a patient's lookup answers for (None: not a patient, or no program)."""
    if not getattr(user, "is_patient", False):
        return None
    return program_for_export(user)


def _personal_answers(user, program, lookup) -> dict | None:
    """For a patient with a program: each result's answer for them (food pk -> FoodAnswer),
    from their long-term plan where a group has one, else from where their program stands."""
    if program is None or not lookup.results:
        return None
    statuses = selectors.group_statuses(program)
    plans = {p.food_group.slug: p for p in group_plans_for(program)}
    return {
        r.food.pk: selectors.food_answer(r.groups, r.food.kinds, statuses, plans, user.measures)
        for r in lookup.results
    }


def _fodmap_notes(program) -> bool:
    """Whether to show FODMAP portion notes: to anyone without a program (labelled as such),
    and on a program that tests FODMAP groups; never on one that leaves a whole group out."""
    if program is None:
        return True
    if program.protocol.slug == "low-fodmap":
        return True
    return program.challenges.filter(food_group__slug__in=FODMAP_GROUPS).exists()


@login_required
@require_GET
def lookup(request):
    form = LookupForm(request.GET or None)
    query, shortened = form.query()
    lookup = food_lookup(query)
    program = _patient_program(request.user)
    context = {
        "form": form,
        "lookup": lookup,
        "personal": _personal_answers(request.user, program, lookup),
        "fodmap_notes": lookup.results and _fodmap_notes(program),
        "shortened": shortened,
        "max_length": MAX_QUERY_LENGTH,
    }
    htmx: HtmxDetails = request.htmx
    template = "foods/lookup.html#results" if htmx and not htmx.boosted else "foods/lookup.html"
    return render(request, template, context)
