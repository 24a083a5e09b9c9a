"""Who may do what in practice week (decided here, documented in docs/practice-week.md).

- book: active people in the Senior managers group or with the senior-manager role
  (council and partner agencies alike), L&D (editors and leads) and superusers;
  a leaver (inactive staff profile) may not.
- host a slot: the practitioners named on it, and the members of its host team.
- run the week (allocate, override, reports): the `practiceweek.run_practice_week`
  permission, which L&D groups hold; superusers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cms.core.selectors import group_names_of
from cms.people import roles
from cms.people.models import StaffProfile, Team
from practiceweek.models import Slot

LD_GROUPS = [roles.GROUP_LD_EDITORS, roles.GROUP_LD_LEADS]


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _profile(user) -> StaffProfile | None:
    if not hasattr(user, "_practiceweek_profile"):
        user._practiceweek_profile = (
            StaffProfile.objects.select_related("role", "team", "agency").filter(user=user).first()
        )
    return user._practiceweek_profile


def _group_names(user) -> frozenset[str]:
    return group_names_of(user)


def user_is_ld(*, user) -> bool:
    """L&D run the week: superusers, L&D groups, or the run_practice_week permission."""
    if not _signed_in(user):
        return False
    return (
        user.is_superuser
        or bool(_group_names(user) & set(LD_GROUPS))
        or user.has_perm("practiceweek.run_practice_week")
    )


def user_can_book(*, user) -> bool:
    """Senior managers (group or role), L&D and superusers; never a leaver."""
    if not _signed_in(user):
        return False
    profile = _profile(user)
    if profile is not None and not profile.active:
        return False
    # The role first: it comes with the profile already read, so most bookers cost no group query.
    if profile and profile.role and profile.role.slug == roles.SENIOR_MANAGER:
        return True
    if roles.GROUP_SENIOR_MANAGERS in _group_names(user):
        return True
    return user_is_ld(user=user)


def hosted_slots(*, user) -> QuerySet[Slot]:
    """Slots the person hosts: named on them, or a member of the host team."""
    if not _signed_in(user):
        return Slot.objects.none()
    profile = _profile(user)
    condition = Q(hosts=user)
    if profile is not None and profile.active and profile.team_id:
        condition |= Q(host_team_id=profile.team_id)
    return Slot.objects.filter(condition).distinct()


def user_hosts_slot(*, user, slot: Slot) -> bool:
    return hosted_slots(user=user).filter(pk=slot.pk).exists()


def user_is_host(*, user) -> bool:
    return hosted_slots(user=user).filter(status=Slot.Status.APPROVED).exists()


def user_home_team(*, user) -> Team | None:
    profile = _profile(user)
    return profile.team if profile is not None and profile.active else None


def user_agency_id(*, user) -> int | None:
    profile = _profile(user)
    return profile.agency_id if profile is not None else None
