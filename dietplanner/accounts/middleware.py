"""Two gates in front of every view: sessions that ran out end, and someone who must pass the
second login step reaches nothing else until they have. Generic on purpose: a new clinic page
or admin page is covered without a decorator."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control

from .session_policy import NEEDS_SECOND_STEP, session_over
from .two_factor import two_factor_enabled
from .two_factor_views import url_with_next

# Pages someone half logged in (password given, second step not yet) may still open.
OPEN_BEFORE_SECOND_STEP = {
    "landing",
    "safety",
    "accounts:login",
    "accounts:logout",
    "accounts:two-factor",
    "accounts:two-factor-verify",
}


def _go(request, url: str) -> HttpResponse:
    """A redirect that also works for htmx requests (which would swap the target in).

    Reads the `HX-Request` header itself: these gates run before django-htmx's middleware has
    set `request.htmx`."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_over(request)
            if reason:
                path = request.get_full_path()
                logout(request)
                messages.info(request, reason)
                login = redirect_to_login(path, resolve_url("accounts:login"))
                return _go(request, login["Location"])
        return self.get_response(request)


def needs_second_step(request) -> bool:
    """True while this session must still pass the second step: always for clinic accounts,
    for a patient who turned two-step login on."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    session = request.session
    if NEEDS_SECOND_STEP not in session:  # a session from before two-step login existed
        session[NEEDS_SECOND_STEP] = user.works_in_clinic or two_factor_enabled(user)
    return session[NEEDS_SECOND_STEP]


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.second_step_pending = needs_second_step(request)
        if not request.second_step_pending:
            return None
        if request.resolver_match.view_name in OPEN_BEFORE_SECOND_STEP:
            return None
        return _go(request, url_with_next("accounts:two-factor-verify", request.get_full_path()))


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every answer to a logged-in user.

    Pages for a logged-in user hold their data (or a patient's): a shared computer's browser
    cache, a proxy or the back button must not show a diary after log-out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
