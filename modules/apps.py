from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModulesConfig(AppConfig):
    name = "modules"
    verbose_name = "Training modules"

    def ready(self) -> None:
        from modules.h5p.permissions import h5p_permissions_grant

        post_migrate.connect(h5p_permissions_grant, sender=self, dispatch_uid="modules_h5p_permissions")
