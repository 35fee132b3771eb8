from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from .forms import MAX_QUERY_LENGTH, LookupForm
from .selectors import food_lookup


@login_required
@require_GET
def lookup(request):
    form = LookupForm(request.GET or None)
    query, shortened = form.query()
    context = {
        "form": form,
        "lookup": food_lookup(query),
        "shortened": shortened,
        "max_length": MAX_QUERY_LENGTH,
    }
    htmx: HtmxDetails = request.htmx
    template = "foods/lookup.html#results" if htmx and not htmx.boosted else "foods/lookup.html"
    return render(request, template, context)
