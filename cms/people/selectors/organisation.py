"""Reads for people and organisation.

How a manager's teams are known (there is no separate "team manager" field to
keep in step with HR): a person manages

- the teams of their active direct reports (line manager in the HR export), and
- their own team, when their role is team manager.

A manager sees the active members of those teams, and their own direct reports
wherever those sit; never themselves. L&D and superusers see everyone
(`staff_visible_to`).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from cms.people import roles
from cms.people.models import Agency, StaffProfile, Team, User
from cms.people.selectors.roles import AnyUser, is_learning_and_development


def email_domain_of(*, email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def signup_domain_allowed(*, email: str) -> bool:
    """Whether an account may be made for `email` without an invitation (settings.ALLOWED_SIGNUP_DOMAINS)."""
    allowed = {domain.lower() for domain in settings.ALLOWED_SIGNUP_DOMAINS}
    return email_domain_of(email=email) in allowed


def person_by_email(*, email: str) -> User | None:
    """The account with this email address, compared without regard to case, or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def agency_for_email(*, email: str) -> Agency | None:
    """The agency whose email domain matches, when exactly one does."""
    domain = email_domain_of(email=email)
    if not domain:
        return None
    matches = list(Agency.objects.filter(email_domain__iexact=domain)[:2])
    return matches[0] if len(matches) == 1 else None


def managed_team_ids(*, user: AnyUser) -> list[int]:
    """Ids of the teams `user` manages: their active direct reports' teams, plus their own if a
    team manager (one query on two indexes: line manager, and person)."""
    if not getattr(user, "is_authenticated", False):
        return []
    condition = Q(line_manager=user, active=True) | Q(
        user=user, active=True, role__slug__in=roles.TEAM_MANAGING_ROLES
    )
    # Sorted: the same teams in the same order every time (My team's cache key digests them).
    return sorted(
        StaffProfile.objects.filter(condition, team__isnull=False)
        .order_by()
        .values_list("team_id", flat=True)
        .distinct()
    )


def managed_teams(*, user: AnyUser) -> QuerySet[Team]:
    """The teams `user` manages (see managed_team_ids)."""
    return Team.objects.filter(pk__in=managed_team_ids(user=user)).select_related("agency")


def team_members(*, manager: AnyUser) -> QuerySet[StaffProfile]:
    """Active people in the teams `manager` manages, plus their active direct reports; not the manager.

    The team ids are read first (managed_team_ids) and given to this query as a list:
    as one nested query, PostgreSQL could not estimate it and scanned all staff twice.
    """
    if not isinstance(manager, User) or not manager.is_authenticated:
        return StaffProfile.objects.none()
    team_ids = managed_team_ids(user=manager)
    return (
        StaffProfile.objects.filter(Q(team__in=team_ids) | Q(line_manager=manager), active=True)
        .exclude(user=manager)
        .select_related("user", "role", "team", "agency", "line_manager")
        .distinct()
    )


def managed_users(*, user: AnyUser) -> QuerySet[User]:
    """The users whose learning `user` may follow as their manager (see team_members)."""
    return User.objects.filter(profile__in=team_members(manager=user).values("pk")).select_related("profile")


def staff_visible_to(*, user: AnyUser) -> QuerySet[StaffProfile]:
    """Everyone active for L&D and superusers; a manager's team members otherwise."""
    if is_learning_and_development(user=user):
        return StaffProfile.objects.filter(active=True).select_related("user", "role", "team", "agency")
    return team_members(manager=user)


def staff_with_role(*, role_slugs: list[str], active: bool = True) -> QuerySet[StaffProfile]:
    return StaffProfile.objects.filter(role__slug__in=role_slugs, active=active).select_related(
        "user", "role", "team", "agency"
    )


def manager_chain_reaches(*, manager: User, user: User) -> bool:
    """Whether `user` is `manager` or above them in the line-management chain (a loop if set)."""
    seen: set[int] = set()
    current: int | None = manager.pk
    while current is not None and current not in seen:
        if current == user.pk:
            return True
        seen.add(current)
        current = (
            StaffProfile.objects.filter(user_id=current).values_list("line_manager_id", flat=True).first()
        )
    return False
