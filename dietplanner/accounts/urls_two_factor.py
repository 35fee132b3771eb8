from django.urls import path

from . import two_factor_views as views

# /accounts/two-step/  (two-step login: set up, the code at login, recovery codes, turn off)
urlpatterns = [
    path("two-step/", views.two_factor_page, name="two-factor"),
    path("two-step/verify/", views.verify, name="two-factor-verify"),
    path("two-step/recovery-codes/", views.recovery_codes, name="two-factor-codes"),
    path("two-step/recovery-codes/new/", views.recovery_codes_new, name="two-factor-codes-new"),
    path("two-step/turn-off/", views.turn_off, name="two-factor-off"),
]
