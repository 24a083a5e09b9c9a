"""Writes for people's place in the organisation: staff profiles, and telling other apps.

Saving a person syncs their role groups (services.roles) and, when what decides their
assignments changed, announces it once after commit (`people_changed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypedDict, Unpack

from django.db import transaction

from cms.people.models import Agency, Role, StaffProfile, Team, User
from cms.people.selectors.organisation import agency_for_email, manager_chain_reaches
from cms.people.services.roles import role_groups_sync
from cms.people.signals import people_changed


class Placement(TypedDict):
    """A person's place in the organisation, as staff_member_update takes it."""

    job_title: str
    role: Role | None
    team: Team | None
    agency: Agency | None
    line_manager: User | None
    start_date: date | None
    active: bool


class _PeopleChangedBatch:
    """The people changed in one transaction, announced once when it commits."""

    def __init__(self, user_ids: set[int]) -> None:
        self.user_ids = user_ids

    def __call__(self) -> None:
        people_changed.send(sender=StaffProfile, user_ids=sorted(self.user_ids))


def people_changed_announce(*, user_ids: Iterable[int | None]) -> None:
    """Tell other apps, after commit, that these people's placement or active state changed.

    Calls in one transaction share one announcement (a service that saves a person
    twice, or a batch of edits, sends one signal); nothing is sent if it rolls back.
    Robust: a failing receiver (a broker outage, say) never undoes the saved change,
    and learning's nightly sync catches up anything missed.
    """
    ids = {int(user_id) for user_id in user_ids if user_id is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _PeopleChangedBatch):
                callback.user_ids |= ids
                return
    transaction.on_commit(_PeopleChangedBatch(ids), robust=True)


@transaction.atomic
def staff_profile_ensure(*, user: User) -> StaffProfile:
    """The user's staff profile, created if missing. Idempotent.

    A new profile is placed in the agency whose email domain matches the user's
    (when exactly one does); role, team and line manager are left for L&D or
    the HR import to fill in. The user's groups are synced to the profile.
    """
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = StaffProfile.objects.create(user=user, agency=agency_for_email(email=user.email))
    role_groups_sync(user=user)
    people_changed_announce(user_ids=[user.pk])
    return profile


@transaction.atomic
def staff_member_update(
    *,
    profile: StaffProfile,
    first_name: str,
    last_name: str,
    job_title: str,
    role: Role | None,
    team: Team | None,
    agency: Agency | None,
    line_manager: User | None,
    start_date: date | None,
    active: bool,
) -> StaffProfile:
    """Save a person's name and place in the organisation, then sync their groups and sign-in.

    A leaver (active false) keeps every record but can no longer sign in; a
    returner can again. Used by the admin's edit form.
    """
    user = profile.user
    if line_manager is not None and manager_chain_reaches(manager=line_manager, user=user):
        raise ValueError("A person cannot be their own line manager, directly or through others.")
    placed_before = _placement(profile=profile)
    user.first_name, user.last_name = first_name, last_name
    if not user.is_superuser:
        user.is_active = active
    user.save(update_fields=["first_name", "last_name", "is_active"])
    profile.job_title = job_title
    profile.role, profile.team, profile.agency = role, team, agency
    profile.line_manager, profile.start_date, profile.active = line_manager, start_date, active
    profile.save()
    role_groups_sync(user=user)
    if _placement(profile=profile) != placed_before:
        people_changed_announce(user_ids=[user.pk])
    return profile


def _placement(*, profile: StaffProfile) -> tuple:
    """What decides which assignments reach a person (see learning's assignment audiences)."""
    return (
        profile.role_id,
        profile.team_id,
        profile.agency_id,
        profile.line_manager_id,
        profile.start_date,
        profile.active,
        profile.user.is_active,
    )


@transaction.atomic
def staff_member_create(
    *, email: str, first_name: str, last_name: str, **placement: Unpack[Placement]
) -> StaffProfile:
    """Create a person (no usable password: they sign in by resetting it, or by SSO) and their profile."""
    user = User.objects.create_user(email=email, password=None, first_name=first_name, last_name=last_name)
    email_address_verify(user=user)
    profile = StaffProfile.objects.create(user=user)
    people_changed_announce(user_ids=[user.pk])
    return staff_member_update(profile=profile, first_name=first_name, last_name=last_name, **placement)


def email_address_verify(*, user: User) -> None:
    """Record the user's email as verified and primary for allauth.

    Used for addresses the council vouches for (the HR export, L&D entry, demo
    logins), so these people can reset a password and sign in without a
    confirmation email.
    """
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
        address.verified, address.primary = True, True
        address.save(update_fields=["verified", "primary"])
