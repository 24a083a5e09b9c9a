from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cms.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from cms.core import sign_in, signals
        from cms.core.spreadsheets import wagtail_exports_guard

        signals.connect()
        sign_in.connect()
        wagtail_exports_guard()
