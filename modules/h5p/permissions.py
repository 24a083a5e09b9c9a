"""H5P package permissions for the L&D groups (uploading is limited to L&D).

`modules` imports no people code, so the groups are found by name (settings
H5P_UPLOAD_GROUPS, defaulting to the role groups cms.people creates).
"""

from django.conf import settings

H5P_PERMISSION_CODENAMES = ["view_h5ppackage", "add_h5ppackage", "change_h5ppackage", "delete_h5ppackage"]
DEFAULT_UPLOAD_GROUPS = ["L&D editors", "L&D leads"]


def h5p_permissions_grant(sender=None, using: str = "default", **kwargs) -> None:
    """Give the L&D groups the H5P package permissions, if those groups exist (after migrate)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.db import connections

    tables = set(connections[using].introspection.table_names())
    if not {"auth_group", "auth_permission", "modules_h5ppackage"} <= tables:
        return
    groups = list(
        Group.objects.filter(name__in=getattr(settings, "H5P_UPLOAD_GROUPS", DEFAULT_UPLOAD_GROUPS))
    )
    if not groups:
        return
    create_permissions(apps.get_app_config("modules"), verbosity=0, using=using)
    permissions = list(
        Permission.objects.filter(content_type__app_label="modules", codename__in=H5P_PERMISSION_CODENAMES)
    )
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access_admin is not None:
        permissions.append(access_admin)
    for group in groups:
        group.permissions.add(*permissions)
