from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "dietplanner.reminders"
    verbose_name = "Reminders and digests"
