from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dietplanner.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Connects the login signal that starts a session's clocks.
        from . import session_policy  # noqa: F401
