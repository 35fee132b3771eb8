from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from . import settings_views, views
from .forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from .throttle import throttle

app_name = "accounts"

# /accounts/
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup-sent"),
    path("signup/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup-confirm"),
    # consent: my dietitians, invites, who saw my data
    path("", include("dietplanner.accounts.urls_consent")),
    # two-step login
    path("", include("dietplanner.accounts.urls_two_factor")),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    # settings/ (the settings page) is wired in dietplanner/urls.py: it lives in programs
    path("verify/resend/", settings_views.verify_resend, name="verify-resend"),
    path("verify/<str:token>/", settings_views.verify_email, name="verify-email"),
    path("delete/", views.delete_account, name="delete-account"),
    path("settings/portions/", views.measures, name="measures"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=PasswordChangeForm,
            success_url=reverse_lazy("accounts:password-change-done"),
        ),
        name="password-change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password-change-done",
    ),
    path(
        "password/reset/",
        throttle("password-reset", fields=("email",))(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset.html",
                form_class=PasswordResetForm,
                email_template_name="accounts/email/password_reset.txt",
                subject_template_name="accounts/email/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password-reset-done"),
            )
        ),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=SetPasswordForm,
            success_url=reverse_lazy("accounts:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
]
