"""Two-step login pages: set it up, type a code at login, recovery codes, turn it off."""

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import two_factor
from .forms_two_factor import LoginCodeForm, PasswordConfirmForm, SetupCodeForm
from .models import RecoveryCodes

# Session key: recovery codes just made, shown once by the next page.
FRESH_CODES = "fresh_recovery_codes"
# Session key: where to go once the codes are written down.
AFTER_CODES = "after_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    """The page the user was going to, when it is one of ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def url_with_next(name: str, next_url: str) -> str:
    """The URL named `name`, carrying on where the user was going."""
    url = reverse(name)
    if not next_url:
        return url
    query = QueryDict(mutable=True)
    query["next"] = next_url
    return f"{url}?{query.urlencode(safe='/')}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Set up two-step login when it is off (or on a new phone, `?new=1`); otherwise say it is
    on, with what can be done."""
    user = request.user
    enabled = two_factor.two_factor_enabled(user)
    next_url = _next_url(request)
    if enabled and not user.is_verified():
        return redirect(url_with_next("accounts:two-factor-verify", next_url))
    if enabled and request.GET.get("new") != "1":
        if request.method == "POST":
            raise Http404("Page not found")
        context = {
            "codes_left": two_factor.recovery_codes_left(user),
            "can_turn_off": not user.works_in_clinic,
        }
        return render(request, "accounts/two_factor/on.html", context)
    device = two_factor.totp_device_for_setup(user=user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_confirm(device=device, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code",
                "That code did not match. Type the code showing now; if it still fails, check "
                "that the phone's clock is set automatically.",
            )
        else:
            django_otp.login(request, device)
            request.session.cycle_key()
            request.session[FRESH_CODES] = codes
            request.session[AFTER_CODES] = next_url
            messages.success(request, "Two-step login is on.")
            return redirect("accounts:two-factor-codes")
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.totp_secret(device),
        "required": user.works_in_clinic,
        "replacing": enabled,
    }
    return render(request, "accounts/two_factor/setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url or "accounts:home")
    if not two_factor.two_factor_enabled(user):
        # A clinic account without an authenticator yet (or whose phone the admin removed).
        return redirect(url_with_next("accounts:two-factor", next_url))
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.code_check(user=user, code=form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                "That code is not right, or was already used. Wait for the next code and try "
                "again; after several wrong codes each try has to wait a little longer.",
            )
        else:
            django_otp.login(request, device)
            request.session.cycle_key()
            if isinstance(device, RecoveryCodes):
                left = device.remaining()
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If your phone is lost, set up "
                    "two-step login again and make new recovery codes.",
                )
            return redirect(next_url or "accounts:home")
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Fresh recovery codes, shown once: reloading the page does not show them again."""
    codes = request.session.pop(FRESH_CODES, None)
    next_url = request.session.pop(AFTER_CODES, "") or ""
    if not codes:
        messages.info(
            request, "Recovery codes are shown only once. Make new ones if you lost them."
        )
        return redirect("accounts:two-factor")
    return render(
        request,
        "accounts/two_factor/codes.html",
        {"codes": codes, "next": next_url or reverse("accounts:home")},
    )


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes (the old ones stop working)."""
    if not two_factor.two_factor_enabled(request.user) or not request.user.is_verified():
        raise Http404("Page not found")
    request.session[FRESH_CODES] = two_factor.recovery_codes_make(user=request.user)
    request.session[AFTER_CODES] = reverse("accounts:two-factor")
    return redirect("accounts:two-factor-codes")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def turn_off(request: HttpRequest) -> HttpResponse:
    """A patient turns two-step login off after typing their password again. Clinic accounts
    cannot: for them it is required."""
    user = request.user
    if user.works_in_clinic or not two_factor.two_factor_enabled(user):
        raise Http404("Page not found")
    if not user.is_verified():
        return redirect(url_with_next("accounts:two-factor-verify", request.get_full_path()))
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        two_factor.two_factor_disable(user=user)
        messages.success(request, "Two-step login is off. Your password alone logs you in.")
        return redirect("accounts:two-factor")
    return render(request, "accounts/two_factor/turn_off.html", {"form": form})
