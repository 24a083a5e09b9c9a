from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "cms.pages"
    label = "pages"
    verbose_name = "Public pages"

    def ready(self) -> None:
        from cms.pages import signals

        signals.connect()
        # seed_demo discovers `seed` modules only; this registers the recruitment seeder too.
        from cms.pages import seed_recruitment  # noqa: F401
