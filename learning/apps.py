from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning records"

    def ready(self) -> None:
        # Modules outside tasks.py and wagtail_hooks.py, which autodiscovery alone would miss.
        from learning import admin_readiness, seed_assignments, tasks_reminders  # noqa: F401
