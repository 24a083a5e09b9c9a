from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Training modules"

    def ready(self) -> None:
        # Lesson pages read packages from the cache (modules.h5p.blocks) until one changes.
        from modules.h5p.cache import h5p_packages_forget

        for model_name in ("H5PPackage", "H5PPackageVersion", "ScormPackage", "ScormPackageVersion"):
            for signal in (post_save, post_delete):
                signal.connect(
                    h5p_packages_forget,
                    sender=self.get_model(model_name),
                    dispatch_uid=f"modules-h5p-forget-{model_name}-{id(signal)}",
                )
