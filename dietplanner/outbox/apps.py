from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "dietplanner.outbox"
    verbose_name = "Sent e-mail"
