"""Demo organisation: agencies, teams and staff from cms/people/demo/organisation.json.

Idempotent: people are matched by email, agencies and teams by slug. Only the demo
logins (people with a "login" label) get a password, set when they are first created;
everyone else signs in by resetting theirs, as imported staff do. Line managers are
listed before the people they manage.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from cms.core.seeding import DemoLogin, SeedContext, register
from cms.people.models import Agency, Role, StaffProfile, Team, User
from cms.people.services import (
    email_address_verify,
    groups_ensure,
    recruitment_form_access_ensure,
    role_groups_sync,
    roles_ensure,
)

DATA = Path(__file__).parent / "organisation.json"


def demo_organisation() -> dict[str, Any]:
    """The demo organisation as the data file has it."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def _by_slug[M: (Agency, Team)](
    model: type[M], rows: list[dict[str, Any]], *fields: str, **links: dict[str, Any]
) -> dict[str, M]:
    """Create or update each row by its slug, {slug: object}: `fields` are copied from the row, and
    each of `links` sets its field to the object the row's value names."""
    return {
        row["slug"]: model.objects.update_or_create(
            slug=row["slug"],
            defaults={
                **{name: row[name] for name in fields},
                **{name: objects[row[name]] for name, objects in links.items()},
            },
        )[0]
        for row in rows
    }


def _person_ensure(
    entry: dict[str, Any],
    *,
    context: SeedContext,
    roles: dict[str, Role],
    agencies: dict[str, Agency],
    teams: dict[str, Team],
) -> bool:
    """Create or update one person from the data file; True when they are new."""
    user = User.objects.filter(email__iexact=entry["email"]).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=entry["email"], password=None)
        if entry.get("login"):
            user.set_password(context.password)
    user.first_name, user.last_name = entry["first_name"], entry["last_name"]
    user.is_active = True
    if entry.get("superuser"):
        user.is_superuser = user.is_staff = True
    user.save()
    email_address_verify(user=user)
    manager_email = entry.get("line_manager")
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={
            "job_title": entry["job_title"],
            "role": roles[entry["role"]],
            "team": teams[entry["team"]] if entry.get("team") else None,
            "agency": agencies[entry["agency"]],
            "line_manager": User.objects.get(email__iexact=manager_email) if manager_email else None,
            "start_date": date.fromisoformat(entry["start_date"]),
            "active": True,
        },
    )
    role_groups_sync(user=user)
    return created


@register(order=10)
def seed_people(context: SeedContext) -> None:
    data = demo_organisation()
    with transaction.atomic():
        groups_ensure()
        roles = roles_ensure()
        agencies = _by_slug(Agency, data["agencies"], "name", "kind", "email_domain")
        teams = _by_slug(Team, data["teams"], "name", "locality", agency=agencies)
        created = sum(
            _person_ensure(entry, context=context, roles=roles, agencies=agencies, teams=teams)
            for entry in data["people"]
        )
    logins = {entry["email"]: entry["login"] for entry in data["people"] if entry.get("login")}
    for email in data["demo_login_order"]:
        context.logins.append(DemoLogin(who=logins[email], email=email))
    context.say(
        f"people: {Agency.objects.count()} agencies, {Team.objects.count()} teams, "
        f"{StaffProfile.objects.filter(active=True).count()} active staff ({created} new)"
    )


@register(order=95)
def seed_people_permissions(context: SeedContext) -> None:
    """After the pages exist: refresh snippet permissions and let Recruitment read form submissions."""
    groups_ensure()
    recruitment_form_access_ensure()
