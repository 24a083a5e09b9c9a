"""The staff import's checks against the platform: who exists, unconfirmed sign-ups, domains,
line managers and their loops, and what each row would change. Reads only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from django.db.models.functions import Lower

from cms.people.models import Invitation, User
from cms.people.selectors.organisation import email_domain_of, signup_domain_allowed
from cms.people.services.staff_import_rows import (
    TAKEN_OVER,
    ImportChange,
    ImportProblem,
    ImportResult,
    ImportRow,
)


class ExistingPerson(NamedTuple):
    """What the import needs of someone already on the platform (read as plain values: fast)."""

    pk: int
    email: str
    first_name: str
    last_name: str
    is_active: bool
    is_superuser: bool
    profile_pk: int | None
    job_title: str | None
    role_id: int | None
    team_id: int | None
    agency_id: int | None
    line_manager_email: str | None
    start_date: date | None
    active: bool | None


PERSON_FIELDS = (
    "pk",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_superuser",
    "profile__pk",
    "profile__job_title",
    "profile__role_id",
    "profile__team_id",
    "profile__agency_id",
    "profile__line_manager__email",
    "profile__start_date",
    "profile__active",
)
# Above this many addresses, reading everyone once is cheaper than sending them all in a query.
WHOLE_TABLE_FROM = 2000
# A profile's placement, in the order the import writes it.
PLACEMENT = (
    "job_title",
    "role_id",
    "team_id",
    "agency_id",
    "line_manager_id",
    "start_date",
    "active",
    "updated_at",
)


def people_by_email(emails: Iterable[str]) -> dict[str, ExistingPerson]:
    """People with these (lower-case) addresses, with their profile, in one query."""
    wanted = set(emails)
    if not wanted:
        return {}
    people = User.objects.order_by()
    if len(wanted) < WHOLE_TABLE_FROM:
        people = people.annotate(email_lower=Lower("email")).filter(email_lower__in=list(wanted))
    found = {}
    for values in people.values_list(*PERSON_FIELDS):
        person = ExistingPerson(*values)
        email = person.email.lower()
        if email in wanted:
            manager = person.line_manager_email
            found[email] = person._replace(line_manager_email=manager.lower() if manager else None)
    return found


def unconfirmed_sign_ups(people: dict[str, ExistingPerson]) -> set[str]:
    """The addresses among `people` of accounts that signed themselves up and never confirmed.

    Such an account has an allauth address record, none of its addresses verified, came
    through no invitation and no single sign-on, and is no superuser. Mandatory
    verification means it has never signed in, and whoever created it chose its password.
    Unconfirmed address records are few (sign-ups in their first days), so they are read first.
    """
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    candidates = {person.pk: email for email, person in people.items() if not person.is_superuser}
    if not candidates:
        return set()
    suspects = set(EmailAddress.objects.filter(verified=False).values_list("user_id", flat=True)) & set(
        candidates
    )
    if suspects:
        suspects -= set(
            EmailAddress.objects.filter(user_id__in=list(suspects), verified=True).values_list(
                "user_id", flat=True
            )
        )
    if suspects:
        suspects -= set(
            Invitation.objects.filter(accepted_user_id__in=list(suspects)).values_list(
                "accepted_user_id", flat=True
            )
        )
    if suspects:
        suspects -= set(
            SocialAccount.objects.filter(user_id__in=list(suspects)).values_list("user_id", flat=True)
        )
    return {candidates[user_id] for user_id in suspects}


def domains_check(
    rows: list[ImportRow], existing: dict[str, ExistingPerson], unconfirmed: set[str], result: ImportResult
) -> None:
    """An address that gets an account now (a new one, or a sign-up taken over) follows the sign-up
    domain rule; people already admitted (invited, confirmed, imported) are placed wherever they are."""
    for row in rows:
        if (row.email not in existing or row.email in unconfirmed) and not signup_domain_allowed(
            email=row.email
        ):
            result.errors.append(
                ImportProblem(
                    row.line,
                    f"'{email_domain_of(email=row.email)}' is not an email domain accounts can be "
                    "created for (ALLOWED_SIGNUP_DOMAINS); invite people from other organisations, "
                    "and import them once they have an account",
                )
            )


def managers_check(
    rows: list[ImportRow], existing: dict[str, ExistingPerson], unconfirmed: set[str], result: ImportResult
) -> None:
    """Every line manager exists (in the file or on the platform, confirmed) and no chain loops."""
    in_file = {row.email: row for row in rows}
    for row in rows:
        manager = row.line_manager_email
        if not manager or manager in in_file:
            continue
        if manager not in existing:
            result.errors.append(
                ImportProblem(row.line, f"line manager '{manager}' is not in this file or on the platform")
            )
        elif manager in unconfirmed:
            result.errors.append(
                ImportProblem(
                    row.line,
                    f"line manager '{manager}' signed up but never confirmed the address, so may not be "
                    "the person HR means; add them to this file and the import takes the account over",
                )
            )

    # The managers after import: the file's rows, else what the platform holds.
    manager_of: dict[str, str] = {}
    for email, person in existing.items():
        if person.line_manager_email:
            manager_of[email] = person.line_manager_email
    for row in rows:
        if row.line_manager_email:
            manager_of[row.email] = row.line_manager_email
        else:
            manager_of.pop(row.email, None)
    _load_chain(manager_of, existing)
    for row in rows:
        chain = [row.email]
        current = manager_of.get(row.email)
        while current is not None and current not in chain and len(chain) <= len(manager_of) + 1:
            chain.append(current)
            current = manager_of.get(current)
        if current == row.email:
            result.errors.append(
                ImportProblem(row.line, "line managers form a loop: " + " → ".join([*chain, row.email]))
            )


def _load_chain(manager_of: dict[str, str], existing: dict[str, ExistingPerson]) -> None:
    """Fetch platform people further up the management chains, so loops through them are seen."""
    frontier = {manager for manager in manager_of.values() if manager not in existing}
    while frontier:
        found = people_by_email(frontier)
        frontier = set()
        for email, person in found.items():
            existing.setdefault(email, person)
            manager = person.line_manager_email
            if manager and email not in manager_of:
                manager_of[email] = manager
                if manager not in existing:
                    frontier.add(manager)


def changes_of(row: ImportRow, person: ExistingPerson | None, *, takes_over: bool) -> ImportChange:
    if person is None:
        return ImportChange(row.line, row.email, "create")
    has_profile = person.profile_pk is not None
    pairs = {
        "first name": (person.first_name, row.first_name),
        "last name": (person.last_name, row.last_name),
        "job title": (person.job_title, row.job_title),
        "role": (person.role_id, row.role.pk),
        "team": (person.team_id, row.team.pk if row.team else None),
        "agency": (person.agency_id, row.agency.pk if row.agency else None),
        "line manager": ((person.line_manager_email or "") if has_profile else None, row.line_manager_email),
        "start date": (person.start_date, row.start_date),
        "active": (person.active, row.active),
    }
    changed = tuple(name for name, (old, new) in pairs.items() if old != new)
    if takes_over:
        changed = (TAKEN_OVER, *changed)
    return ImportChange(row.line, row.email, "update" if changed else "unchanged", changed)
