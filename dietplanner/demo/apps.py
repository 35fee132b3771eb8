from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dietplanner.demo"
    label = "demo"
    verbose_name = "Demo data"
