from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "cms.pages"
    label = "pages"
    verbose_name = "Public pages"

    def ready(self) -> None:
        from cms.pages import signals

        signals.connect()
