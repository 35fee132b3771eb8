from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "dietplanner.diary"
    label = "diary"
    verbose_name = "Diary"
