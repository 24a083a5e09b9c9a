from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _groups_ensure_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """Keep the role groups and their permissions in place after every migrate (and test flush)."""
    from django.db import connections

    required = {"auth_group", "wagtailcore_workflow", "wagtailcore_groupapprovaltask", "people_role"}
    if not required <= set(connections[using].introspection.table_names()):
        return  # a partial migrate: the tables groups_ensure writes to do not exist yet
    from cms.people.services import groups_ensure

    groups_ensure()


def _user_forget(sender, instance, **kwargs) -> None:
    from cms.people.middleware import user_cache_forget

    user_cache_forget(user_id=instance.pk)


class PeopleConfig(AppConfig):
    name = "cms.people"
    label = "people"
    verbose_name = "People and organisation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.core.audiences import audience_groups_register
        from cms.people import roles

        # The frame's sections follow the roles (cms.core.selectors asks, naming no group).
        for audience, groups in roles.AUDIENCE_GROUPS.items():
            audience_groups_register(audience=audience, groups=groups)
        post_migrate.connect(_groups_ensure_after_migrate, sender=self, dispatch_uid="people_groups_ensure")
        # The signed-in person's row is cached between requests (cms.people.middleware).
        user_model = self.get_model("User")
        post_save.connect(_user_forget, sender=user_model, dispatch_uid="people_user_forget_saved")
        post_delete.connect(_user_forget, sender=user_model, dispatch_uid="people_user_forget_deleted")
