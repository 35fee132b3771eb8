from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .forms import LoginForm, SignUpForm
from .models import User
from .session_policy import remember_device


class LoginView(auth_views.LoginView):
    """Log in with e-mail and password; a patient may stay signed in on this device."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            remember_device(self.request)
        return response


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    # An invite link sends newcomers here with ?next=; only our own pages are followed.
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.first_name}. Your account is ready.")
        return redirect(next_url or "accounts:home")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@login_required
def home(request):
    """Send each role to its own home page."""
    user: User = request.user
    if user.is_dietitian:
        return redirect("clinic:clients")
    return redirect("diary:today")
