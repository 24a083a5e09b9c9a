from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What the L&D groups may do with practice week in the admin. Bookings are read-only
# there (changes go through practiceweek.services), so no add/change for them.
LD_PERMISSIONS = [
    "practiceweek.run_practice_week",
    "practiceweek.view_practiceweek",
    "practiceweek.add_practiceweek",
    "practiceweek.change_practiceweek",
    "practiceweek.view_slot",
    "practiceweek.add_slot",
    "practiceweek.change_slot",
    "practiceweek.view_booking",
]


def _ld_permissions_grant(sender, using="default", **kwargs) -> None:
    """Give the L&D groups practice week's permissions after every migrate (and test flush)."""
    from django.db import connections

    if "auth_group" not in connections[using].introspection.table_names():
        return
    from cms.people import roles
    from cms.people.services import group_permissions_grant

    for group_name in roles.LD_GROUPS:
        group_permissions_grant(group_name=group_name, permissions=LD_PERMISSIONS)


def _hosts_a_slot(user):
    from practiceweek.selectors import slots_hosted_by_query

    return slots_hosted_by_query(user=user)


class PracticeWeekConfig(AppConfig):
    name = "practiceweek"
    verbose_name = "Practice week"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.core.audiences import audience_test_register

        # Hosting is a fact about slots, not a role: the frame shows it to whoever hosts one.
        audience_test_register(audience="host", test=_hosts_a_slot)
        post_migrate.connect(_ld_permissions_grant, sender=self, dispatch_uid="practiceweek_ld_permissions")
