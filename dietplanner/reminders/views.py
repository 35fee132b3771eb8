"""The one-click unsubscribe link of reminders and digests: no log-in, a signed token."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services


# The signed token is the authority here, and mail programs post RFC 8058's one-click
# unsubscribe without any CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners open links); POST, from the button or the mail program, stops."""
    user = services.user_for_unsubscribe(token)
    if user is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        services.reminders_stop(user=user)
        return render(request, "reminders/unsubscribed.html", {"person": user})
    return render(request, "reminders/unsubscribe.html", {"person": user})
