from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

# Each kind of uploaded package describes itself in its sub-package's kind.py (modules.packages.kinds).
PACKAGE_KIND_MODULES = ("modules.h5p.kind", "modules.scorm.kind", "modules.xapi_packages.kind")


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Training modules"

    def ready(self) -> None:
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        from cms.core.page_cache import tree_forget
        from modules.packages.kinds import package_kinds

        for module in PACKAGE_KIND_MODULES:
            import_module(module)
        # Lesson pages and the runtimes read packages from the cache until one changes.
        for kind in package_kinds():
            for model in (kind.package_model, kind.version_model):
                for signal in (post_save, post_delete):
                    signal.connect(
                        tree_forget,
                        sender=model,
                        dispatch_uid=f"modules-package-forget-{model.__name__}-{id(signal)}",
                    )
        # Lesson bodies are kept rendered (modules.fragments): what they show of a scenario, an
        # image or a document changes with it, so a change renews the page tree's generation.
        for model in (self.get_model("Scenario"), get_image_model(), get_document_model()):
            for signal in (post_save, post_delete):
                signal.connect(
                    tree_forget,
                    sender=model,
                    dispatch_uid=f"modules-body-forget-{model.__name__}-{id(signal)}",
                )
