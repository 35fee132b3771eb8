from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dietplanner.accounts"
    label = "accounts"
    verbose_name = "Accounts"
