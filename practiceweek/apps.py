from django.apps import AppConfig


class PracticeWeekConfig(AppConfig):
    name = "practiceweek"
    verbose_name = "Practice week"
