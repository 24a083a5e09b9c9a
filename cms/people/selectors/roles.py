"""Who holds which role: the predicates every app asks (group names live in cms.people.roles).

One answer to "is this person L&D?": an active, signed-in superuser or member of an L&D group
(editors or leads). It is the role, not a permission: apps that grant a permission to the L&D
groups (practice week's run_practice_week, say) check that permission themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cms.core.selectors import group_names_of
from cms.people import roles
from cms.people.models import StaffProfile, User

# Whoever a request is for: a signed-in person, or nobody yet.
AnyUser = User | AnonymousUser


def user_in_groups(*, user: AnyUser, group_names: list[str]) -> bool:
    """Whether `user` is in any of these groups (their group names are read once per request)."""
    return bool(group_names_of(user) & set(group_names))


def is_learning_and_development(*, user: AnyUser) -> bool:
    """True for L&D editors and leads, and for superusers (who can do all L&D can)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user_in_groups(user=user, group_names=roles.LD_GROUPS)


def is_ld_lead(*, user: AnyUser) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user_in_groups(user=user, group_names=[roles.GROUP_LD_LEADS])


def is_team_manager(*, user: AnyUser) -> bool:
    """Anyone who manages people: in the Team managers group, or line manager of an active person."""
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return (
        user_in_groups(user=user, group_names=[roles.GROUP_TEAM_MANAGERS])
        or StaffProfile.objects.filter(line_manager=user, active=True).exists()
    )


def is_senior_manager(*, user: AnyUser) -> bool:
    return user_in_groups(user=user, group_names=[roles.GROUP_SENIOR_MANAGERS])
