from urllib.parse import urlsplit

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_http_methods, require_safe

from foods.portions import SPOON_NOTE

from . import services
from .decorators import role_required
from .forms import AccountDeleteForm, LoginForm, MeasuresForm, SignUpForm
from .models import CareLink, User
from .session_policy import remember_device
from .throttle import throttle


def _invite_waiting(next_url: str) -> CareLink | None:
    """The invite an e-mailed link opened, when `next_url` is that link and it is still valid:
    the log-in and sign-up pages then say who invited the newcomer and why they log in first."""
    try:
        match = resolve(urlsplit(next_url).path) if next_url else None
    except Resolver404:
        return None
    if match is None or match.view_name != "accounts:invite-accept":
        return None
    try:
        return services.invite_for_token(match.kwargs["token"])
    except services.ConsentError:
        return None


class LoginView(auth_views.LoginView):
    """Log in with e-mail and password; a patient may stay signed in on this device."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invite"] = _invite_waiting(_safe_next(self.request))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            remember_device(self.request)
        return response


def _safe_next(request) -> str:
    """The ?next= page to go on to, only when it is one of our own pages."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


@require_http_methods(["GET", "POST"])
@throttle("signup", fields=("email",))
def signup(request):
    """Sign-up answers the same whether or not the address has an account: check your inbox."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    # An invite link sends newcomers here with ?next=; only our own pages are followed.
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        services.signup_request(
            form=form, base_url=request.build_absolute_uri("/").rstrip("/"), next_url=next_url
        )
        return redirect("accounts:signup-sent")
    context = {"form": form, "next": next_url, "invite": _invite_waiting(next_url)}
    return render(request, "accounts/signup.html", context)


@require_safe
def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


@require_http_methods(["GET", "POST"])
@throttle("signup", methods=("POST",))
def signup_confirm(request, uidb64: str, token: str):
    """The link from the sign-up e-mail: a button activates the account and logs in.

    Opening the link changes nothing (mail scanners open links too); the POST does.
    """
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, OverflowError, User.DoesNotExist):
        user = None
    valid = (
        user is not None and not user.is_active and services.signup_tokens.check_token(user, token)
    )
    if not valid:
        return render(request, "accounts/signup_confirm.html", {"valid": False}, status=404)
    if request.method == "POST" and services.signup_confirm(user=user, token=token):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.first_name}. Your account is ready.")
        return redirect(_safe_next(request) or "accounts:home")
    return render(
        request,
        "accounts/signup_confirm.html",
        {"valid": True, "confirm_user": user, "next": _safe_next(request)},
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # The owner proved they hold the mailbox: the log-in pause for this account ends.
        axes_reset(username=form.user.email)
        return response


@login_required
@role_required(User.Role.PATIENT)
@require_http_methods(["GET", "POST"])
@throttle("delete-account")
def delete_account(request):
    """A patient deletes their account and all their data, after their password; the page
    offers a last download of the diary first."""
    user: User = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.account_erase(user=user)
        logout(request)
        messages.success(request, "Your account and all your data were deleted. Take care.")
        return redirect("landing")
    context = {"form": form, "has_program": user.programs.exists()}
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete_account.html", context, status=status)


@login_required
def home(request):
    """Send each role to its own home page."""
    user: User = request.user
    if user.is_dietitian:
        return redirect("clinic:clients")
    return redirect("diary:today")


@login_required
@role_required(User.Role.PATIENT)
@require_http_methods(["GET", "POST"])
def measures(request):
    """The patient's choice of measures for portions (metric or US)."""
    account = User.objects.get(pk=request.user.pk)  # a refused form leaves request.user alone
    form = MeasuresForm(request.POST or None, instance=account)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            shown = account.get_measures_display()
            messages.success(request, f"Saved. Portions: {shown}.")
            return redirect("accounts:measures")
        return render(
            request, "accounts/measures.html", {"form": form, "spoons": SPOON_NOTE}, status=400
        )
    return render(request, "accounts/measures.html", {"form": form, "spoons": SPOON_NOTE})
