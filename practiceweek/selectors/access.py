"""Who may do what in practice week (decided here, documented in docs/practice-week.md).

- book: active people in the Senior managers group or with the senior-manager role
  (council and partner agencies alike), L&D (editors and leads) and superusers;
  a leaver (inactive staff profile) may not.
- host a slot: the practitioners named on it, and the members of its host team.
- run the week (allocate, override, reports): the `practiceweek.run_practice_week`
  permission, which L&D groups hold; superusers.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from cms.core.selectors import group_names_of
from cms.people import roles
from cms.people.models import StaffProfile, Team, User
from cms.people.selectors import is_learning_and_development
from practiceweek.models import Slot

# The person's staff profile, read once per request and kept on the user object.
_PROFILE_CACHE = "_practiceweek_profile"


def _signed_in(user: User | AnonymousUser) -> User | None:
    """The person when signed in and active; None for a visitor or a deactivated account."""
    if isinstance(user, AnonymousUser) or not (getattr(user, "is_authenticated", False) and user.is_active):
        return None
    return user


def _profile(user: User) -> StaffProfile | None:
    if not hasattr(user, _PROFILE_CACHE):
        setattr(
            user,
            _PROFILE_CACHE,
            StaffProfile.objects.select_related("role", "team", "agency").filter(user=user).first(),
        )
    profile: StaffProfile | None = getattr(user, _PROFILE_CACHE)
    return profile


def _group_names(user: User) -> frozenset[str]:
    return group_names_of(user)


def user_is_ld(*, user: User | AnonymousUser) -> bool:
    """Who runs the week: L&D (cms.people's one answer: superusers and the L&D groups), and anyone
    else given the run_practice_week permission."""
    person = _signed_in(user)
    if person is None:
        return False
    return is_learning_and_development(user=person) or person.has_perm("practiceweek.run_practice_week")


def user_can_book(*, user: User | AnonymousUser) -> bool:
    """Senior managers (group or role), L&D and superusers; never a leaver."""
    person = _signed_in(user)
    if person is None:
        return False
    profile = _profile(person)
    if profile is not None and not profile.active:
        return False
    # The role first: it comes with the profile already read, so most bookers cost no group query.
    if profile and profile.role and profile.role.slug == roles.SENIOR_MANAGER:
        return True
    if roles.GROUP_SENIOR_MANAGERS in _group_names(person):
        return True
    return user_is_ld(user=person)


def hosted_slots(*, user: User | AnonymousUser) -> QuerySet[Slot]:
    """Slots the person hosts: named on them, or a member of the host team."""
    person = _signed_in(user)
    if person is None:
        return Slot.objects.none()
    profile = _profile(person)
    condition = Q(hosts=person)
    if profile is not None and profile.active and profile.team_id:
        condition |= Q(host_team_id=profile.team_id)
    return Slot.objects.filter(condition).distinct()


def slots_hosted_by_query(*, user: User | AnonymousUser) -> QuerySet[Slot]:
    """The slots the person hosts (named on them, or an active member of the host team), as a
    query not yet run: the frame asks its existence of everyone, folded into one query with the
    person's other facts (cms.core.audiences, "host")."""
    person = _signed_in(user)
    if person is None:
        return Slot.objects.none()
    own_team = StaffProfile.objects.filter(user=person, active=True, team__isnull=False).values("team_id")
    return Slot.objects.filter(Q(hosts=person) | Q(host_team_id__in=own_team))


def user_hosts_any_slot(*, user: User | AnonymousUser) -> bool:
    """Whether the person hosts any slot (named on it, or an active member of its host team): one query."""
    return slots_hosted_by_query(user=user).exists()


def user_hosts_slot(*, user: User | AnonymousUser, slot: Slot) -> bool:
    return hosted_slots(user=user).filter(pk=slot.pk).exists()


def user_is_host(*, user: User | AnonymousUser) -> bool:
    return hosted_slots(user=user).filter(status=Slot.Status.APPROVED).exists()


def user_home_team(*, user: User) -> Team | None:
    profile = _profile(user)
    return profile.team if profile is not None and profile.active else None


def user_agency_id(*, user: User) -> int | None:
    profile = _profile(user)
    return profile.agency_id if profile is not None else None
