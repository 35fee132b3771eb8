"""Site-wide pages: the landing page and the error pages."""

import sys

from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .health import database_down_response, is_database_down


def landing(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    return render(request, "landing.html")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # Django calls this inside its `except` block: a lost database (also one lost by a
    # middleware, before any view ran) answers the 503 that asks to come back in a moment.
    if is_database_down(sys.exc_info()[1]):
        return database_down_response(request)
    # Rendered without the request: the context processors (user, messages) may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
