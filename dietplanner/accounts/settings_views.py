"""Confirming an e-mail address (the settings page itself is `programs.views.settings`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import verification
from .models import User


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The page a confirmation link opens: one button confirms (a GET changes nothing, so a
    mail scanner that follows links does not confirm for the reader)."""
    try:
        verification.user_for_verification(token)
    except verification.VerificationError as error:
        return render(request, "accounts/verify_invalid.html", {"reason": str(error)}, status=404)
    if request.method == "POST":
        verification.email_verify(token=token)
        messages.success(request, "Thank you: your e-mail address is confirmed.")
        return redirect("accounts:home" if request.user.is_authenticated else "accounts:login")
    # The page names nobody: whoever holds the link sees no address or name.
    return render(request, "accounts/verify.html")


@login_required
@require_POST
def verify_resend(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    if user.email_verified:
        messages.info(request, f"{user.email} is already confirmed.")
    else:
        verification.email_verification_send(user=user)
        messages.info(
            request,
            f"We sent a new link to {user.email}. It can take a few minutes to arrive; "
            "check your spam folder too.",
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return redirect(next_url or "accounts:home")
