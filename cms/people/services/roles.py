"""Writes for roles: the role rows, the permission groups, their permissions and memberships.

Groups and their permissions are set up by `groups_ensure()`, which is idempotent
and runs after every `migrate` (a post_migrate handler, see apps.py) and from
`seed_demo`. It is a service rather than a data migration because it needs
permission rows for every installed app (created by Django after migrations),
Wagtail's root page and collection, and the snippet models other apps register:
none of which a migration in this app can rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from cms.people import roles
from cms.people.models import Role, StaffProfile, User

if TYPE_CHECKING:
    from wagtail.models import Page, Workflow

# Model permissions per group, as "app_label.codename". Apps that are not
# installed (or models not yet built) are skipped.
PEOPLE_ADMIN_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "people.view_staffprofile",
    "people.add_staffprofile",
    "people.change_staffprofile",
    "people.import_staff",
    "people.view_team",
    "people.add_team",
    "people.change_team",
    "people.view_agency",
    "people.add_agency",
    "people.change_agency",
]
# Uploading H5P packages is for L&D only (modules names no role: the grant is made here).
H5P_PERMISSIONS = [
    "modules.view_h5ppackage",
    "modules.add_h5ppackage",
    "modules.change_h5ppackage",
    "modules.delete_h5ppackage",
]
# Uploading SCORM packages likewise: a package's code runs on our origin (docs/scorm.md).
SCORM_PERMISSIONS = [
    "modules.view_scormpackage",
    "modules.add_scormpackage",
    "modules.change_scormpackage",
    "modules.delete_scormpackage",
]
GROUP_MODEL_PERMISSIONS: dict[str, list[str]] = {
    roles.GROUP_STAFF: [],
    roles.GROUP_TEAM_MANAGERS: [],
    roles.GROUP_SENIOR_MANAGERS: [],
    roles.GROUP_LD_EDITORS: [*PEOPLE_ADMIN_PERMISSIONS, *H5P_PERMISSIONS, *SCORM_PERMISSIONS],
    roles.GROUP_LD_LEADS: [
        *PEOPLE_ADMIN_PERMISSIONS,
        *H5P_PERMISSIONS,
        *SCORM_PERMISSIONS,
        *roles.LRS_CREDENTIAL_PERMISSIONS,
        *roles.LRS_FORWARDING_PERMISSIONS,
    ],
    roles.GROUP_RECRUITMENT: roles.RECRUITMENT_PERMISSIONS,
    roles.GROUP_LEADERSHIP: roles.LEADERSHIP_PERMISSIONS,
}
# Page permissions on the tree's root, so they reach every page.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page"]
LEAD_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "publish_page", "unlock_page"]
# Image and document permissions on the root collection.
MEDIA_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
# role_groups_sync_many reads whole tables, rather than pass ids, from this many people.
BULK_READ_ALL_FROM = 2000
SNIPPET_EDITOR_ACTIONS = ["add", "change", "delete", "view"]
SNIPPET_LEAD_ACTIONS = [*SNIPPET_EDITOR_ACTIONS, "publish", "lock", "unlock"]


def roles_ensure() -> dict[str, Role]:
    """Create the roles the code knows (names are editable data; slugs carry meaning)."""
    existing = {role.slug: role for role in Role.objects.filter(slug__in=roles.ROLES)}
    for slug, name in roles.ROLES.items():
        if slug not in existing:
            existing[slug] = Role.objects.create(slug=slug, name=name)
    return existing


def _permission(label: str) -> Permission | None:
    app_label, codename = label.split(".", 1)
    try:
        app_config = apps.get_app_config(app_label)
    except LookupError:
        return None
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        # post_migrate runs app by app: an app later in INSTALLED_APPS may not
        # have its permission rows yet when this runs for cms.people.
        create_permissions(app_config, verbosity=0)
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    return permission


def group_permissions_grant(*, group_name: str, permissions: Iterable[str]) -> Group:
    """Give a group model permissions ("app_label.codename"); unknown ones are skipped.

    Other apps' seeders use this to grant their own models' permissions to the
    role groups (e.g. vacancies to Recruitment).
    """
    group, _ = Group.objects.get_or_create(name=group_name)
    found = [perm for perm in (_permission(label) for label in permissions) if perm is not None]
    group.permissions.add(*found)
    return group


def page_permissions_grant(*, group_name: str, page: Page, codenames: Iterable[str]) -> None:
    """Give a group page permissions (e.g. "change_page") on a page and its descendants."""
    from wagtail.models import GroupPagePermission

    group, _ = Group.objects.get_or_create(name=group_name)
    for codename in codenames:
        permission = _permission(f"wagtailcore.{codename}")
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _snippet_permissions(actions: list[str]) -> list[str]:
    from wagtail.snippets.models import get_snippet_models

    labels = []
    for model in get_snippet_models():
        opts = model._meta
        labels += [f"{opts.app_label}.{action}_{opts.model_name}" for action in actions]
    return labels


def _media_permissions_grant(*, group: Group) -> None:
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    for label in MEDIA_PERMISSIONS:
        permission = _permission(label)
        if permission is not None:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


def ld_approval_workflow_ensure() -> Workflow:
    """The "L&D approval" workflow: one task, approved by the L&D leads group.

    It is not attached to any page here; the modules app assigns it to the module tree.
    """
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    leads, _ = Group.objects.get_or_create(name=roles.GROUP_LD_LEADS)
    workflow, _ = Workflow.objects.get_or_create(name=roles.LD_APPROVAL_WORKFLOW, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=roles.LD_APPROVAL_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=roles.LD_APPROVAL_TASK)
    task.groups.add(leads)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


@transaction.atomic
def groups_ensure() -> None:
    """Create the roles, the role groups and their permissions, and the L&D workflow. Idempotent.

    Only adds: permissions given to a group by hand in the admin are kept.
    """
    from wagtail.models import Page

    roles_ensure()
    for group_name, permissions in GROUP_MODEL_PERMISSIONS.items():
        group_permissions_grant(group_name=group_name, permissions=permissions)

    editors = Group.objects.get(name=roles.GROUP_LD_EDITORS)
    leads = Group.objects.get(name=roles.GROUP_LD_LEADS)
    group_permissions_grant(group_name=editors.name, permissions=_snippet_permissions(SNIPPET_EDITOR_ACTIONS))
    group_permissions_grant(group_name=leads.name, permissions=_snippet_permissions(SNIPPET_LEAD_ACTIONS))
    for group in (editors, leads):
        _media_permissions_grant(group=group)

    root = Page.get_first_root_node()
    if root is not None:
        page_permissions_grant(group_name=editors.name, page=root, codenames=EDITOR_PAGE_PERMISSIONS)
        page_permissions_grant(group_name=leads.name, page=root, codenames=LEAD_PAGE_PERMISSIONS)
    ld_approval_workflow_ensure()


def recruitment_form_access_ensure() -> None:
    """Let the Recruitment group read submissions of every form page (Wagtail shows
    submissions to those who may change the form page)."""
    from wagtail.contrib.forms.utils import get_form_types
    from wagtail.models import Page

    for page in Page.objects.filter(content_type__in=get_form_types()):
        page_permissions_grant(group_name=roles.GROUP_RECRUITMENT, page=page, codenames=["change_page"])


def role_groups_sync(*, user: User) -> None:
    """Make the user's role groups follow their role (roles.ROLE_GROUPS).

    Leavers (inactive profile) lose every role group. Groups outside
    roles.ROLE_MANAGED_GROUPS, added by hand, are left alone. Superusers are untouched.
    """
    if user.is_superuser:
        return
    profile = StaffProfile.objects.select_related("role").filter(user=user).first()
    wanted = _role_groups_wanted(
        has_profile=profile is not None,
        active=profile is not None and profile.active,
        role_slug=profile.role.slug if profile is not None and profile.role is not None else None,
    )
    current = set(user.groups.filter(name__in=roles.ROLE_MANAGED_GROUPS).values_list("name", flat=True))
    to_remove = current - set(wanted)
    to_add = set(wanted) - current
    if to_remove:
        user.groups.remove(*Group.objects.filter(name__in=to_remove))
    for name in sorted(to_add):
        user.groups.add(Group.objects.get_or_create(name=name)[0])


def _role_groups_wanted(*, has_profile: bool, active: bool, role_slug: str | None) -> list[str]:
    """The role groups a person should be in: none for a leaver, else their role's (or the default)."""
    if has_profile and not active:
        return []
    if role_slug is not None:
        return roles.ROLE_GROUPS.get(role_slug, roles.DEFAULT_GROUPS)
    return roles.DEFAULT_GROUPS


@transaction.atomic
def role_groups_sync_many(*, user_ids: Iterable[int]) -> None:
    """`role_groups_sync` for many people at once, in a constant number of queries (the staff import).

    Writes the membership rows directly, so it forgets the cached group facts itself
    (after commit) rather than through the m2m_changed signal.
    """
    from django.core.cache import cache

    from cms.core.selectors import people_facts_cache_key

    ids = set(user_ids)
    if not ids:
        return
    # For thousands of people, reading everyone once beats sending every id in the query.
    everyone = len(ids) >= BULK_READ_ALL_FROM
    people = User.objects.filter(is_superuser=False)
    memberships = User.groups.through.objects.filter(group__name__in=roles.ROLE_MANAGED_GROUPS)
    if not everyone:
        people, memberships = people.filter(pk__in=list(ids)), memberships.filter(user_id__in=list(ids))
    wanted = {
        pk: set(_role_groups_wanted(has_profile=profile_pk is not None, active=bool(active), role_slug=slug))
        for pk, profile_pk, active, slug in people.values_list(
            "pk", "profile__pk", "profile__active", "profile__role__slug"
        )
        if pk in ids
    }
    if not wanted:
        return
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLE_MANAGED_GROUPS)}
    for name in set(roles.ROLE_MANAGED_GROUPS) - set(groups):
        groups[name] = Group.objects.get_or_create(name=name)[0]
    membership = User.groups.through
    current: dict[int, set[str]] = {pk: set() for pk in wanted}
    for user_id, name in memberships.values_list("user_id", "group__name"):
        if user_id in current:
            current[user_id].add(name)
    removals: dict[str, list[int]] = {}
    additions = []
    for user_id, names in wanted.items():
        for name in current[user_id] - names:
            removals.setdefault(name, []).append(user_id)
        additions += [
            membership(user_id=user_id, group_id=groups[name].pk) for name in sorted(names - current[user_id])
        ]
    for name, removed in removals.items():
        membership.objects.filter(group_id=groups[name].pk, user_id__in=removed).delete()
    if additions:
        membership.objects.bulk_create(additions, ignore_conflicts=True)
    touched = {user_id for removed in removals.values() for user_id in removed}
    touched |= {addition.user_id for addition in additions}
    if touched:
        keys = [people_facts_cache_key(user_id) for user_id in touched]
        transaction.on_commit(lambda: cache.delete_many(keys))
