"""The staff import's writes: one query per kind of write, whatever the file's size.

Called by cms.people.services.staff_import once every row has passed its checks.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from cms.core.selectors import people_facts_cache_key
from cms.people.middleware import user_cache_key
from cms.people.models import StaffProfile, User
from cms.people.services.roles import role_groups_sync_many
from cms.people.services.staff_import_people import PLACEMENT, ExistingPerson
from cms.people.services.staff_import_rows import ImportResult, ImportRow
from cms.people.signals import people_changed

WRITE_BATCH = 2000


@transaction.atomic
def staff_import_apply(
    rows: list[ImportRow], existing: dict[str, ExistingPerson], unconfirmed: set[str], result: ImportResult
) -> None:
    """Write every created or changed row with one query per kind of write (in batches)."""
    from allauth.account.models import EmailAddress

    action = {change.email: change.action for change in result.changes}
    writes = [row for row in rows if action[row.email] != "unchanged"]
    if not writes:
        return
    by_email = {row.email: row for row in writes}
    now = timezone.now()

    created = [
        User(
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            is_active=row.active,
            password=make_password(None),
        )
        for row in writes
        if row.email not in existing
    ]
    User.objects.bulk_create(created, batch_size=WRITE_BATCH)
    user_ids = {email: person.pk for email, person in existing.items()}
    user_ids.update({user.email: user.pk for user in created})

    updated = []
    for row in writes:
        person = existing.get(row.email)
        if person is not None:
            active = person.is_active if person.is_superuser else row.active
            updated.append((person.pk, row.first_name, row.last_name, active))
    _rows_update(User, ["first_name", "last_name", "is_active"], updated)

    # Unconfirmed sign-ups become the person HR names: the self-chosen password goes, and with
    # their address records go any confirmation links (HMAC keys name the record) and sessions.
    taken_over = [existing[email] for email in sorted(unconfirmed) if email in by_email]
    if taken_over:
        _rows_update(User, ["password"], [(person.pk, make_password(None)) for person in taken_over])
        EmailAddress.objects.filter(user_id__in=[person.pk for person in taken_over]).delete()
        _sessions_void(user_ids={person.pk for person in taken_over})
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in [
                *((user.pk, user.email) for user in created),
                *((person.pk, person.email) for person in taken_over),
            ]
        ],
        batch_size=WRITE_BATCH,
    )

    new_profiles: list[StaffProfile] = []
    changed_profiles: list[tuple] = []
    managers_before: set[int] = set()
    for row in writes:
        person = existing.get(row.email)
        placement = (
            row.job_title,
            row.role.pk,
            row.team.pk if row.team else None,
            row.agency.pk if row.agency else None,
            user_ids[row.line_manager_email] if row.line_manager_email else None,
            row.start_date,
            row.active,
            now,
        )
        if person is not None and person.profile_pk is not None:
            changed_profiles.append((person.profile_pk, *placement))
            if person.line_manager_email in user_ids:
                managers_before.add(user_ids[person.line_manager_email])
        else:
            new_profiles.append(
                StaffProfile(user_id=user_ids[row.email], **dict(zip(PLACEMENT, placement, strict=True)))
            )
    StaffProfile.objects.bulk_create(new_profiles, batch_size=WRITE_BATCH)
    _rows_update(StaffProfile, list(PLACEMENT), changed_profiles)

    written = [user_ids[row.email] for row in writes]
    role_groups_sync_many(user_ids=written)
    managers = managers_before | {
        user_ids[row.line_manager_email] for row in writes if row.line_manager_email
    }
    _cached_people_forget(user_ids=written, manager_ids=managers)
    transaction.on_commit(
        lambda: people_changed.send(sender="cms.people.staff_import", user_ids=list(written))
    )


def _rows_update(model: type[Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Set `fields` (attribute names) of many rows given as (pk, *values), with one statement.

    Django's bulk_update writes a CASE with a branch per row for each field, which
    PostgreSQL evaluates row by row (quadratic: minutes for 10,000 people). Joining a list
    of values is linear: on PostgreSQL the values travel as one array per column (so the
    driver does not parse thousands of placeholders); elsewhere (SQLite 3.33+) as
    UPDATE ... FROM (VALUES ...), in batches.
    """
    if not rows:
        return
    opts = model._meta
    columns = [opts.pk, *(next(f for f in opts.concrete_fields if f.attname == name) for name in fields)]
    quote = connection.ops.quote_name
    table, key = quote(opts.db_table), quote(_column_name(opts.pk))
    assignments = ", ".join(
        f"{quote(_column_name(column))} = v.column{index}"
        for index, column in enumerate(columns[1:], start=2)
    )
    prepared = [
        [column.get_db_prep_save(value, connection) for column, value in zip(columns, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
            names = ", ".join(f"column{index}" for index in range(1, len(columns) + 1))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({names}) "  # noqa: S608 - names from the model, values as parameters
                f"WHERE {table}.{key} = v.column1",
                [list(values) for values in zip(*prepared, strict=True)],
            )
            return
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(prepared), WRITE_BATCH):
            batch = prepared[start : start + WRITE_BATCH]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row_sql] * len(batch))}) AS v "  # noqa: S608 - names from the model, values as parameters
                f"WHERE {table}.{key} = v.column1",
                [value for values in batch for value in values],
            )


def _cached_people_forget(*, user_ids: list[int], manager_ids: set[int]) -> None:
    """Forget the cached sign-in rows and frame facts of everyone written, once committed
    (bulk writes send no post_save, so cms.people.apps and cms.core.signals do not see them)."""
    keys = [user_cache_key(user_id) for user_id in user_ids]
    keys += [people_facts_cache_key(user_id) for user_id in {*user_ids, *manager_ids}]
    transaction.on_commit(lambda: cache.delete_many(keys))


def _column_name(field: Field[Any, Any]) -> str:
    """A concrete field's column name (only fields that are not concrete have none)."""
    if field.column is None:
        raise ValueError(f"{field.name} has no column of its own")
    return field.column


def _pending_user(pending: object) -> int | None:
    """The user a session is part-way through signing in (allauth keeps their id in base 36)."""
    from allauth.account.utils import url_str_to_user_pk

    if not isinstance(pending, dict) or not pending.get("user_pk"):
        return None
    try:
        return url_str_to_user_pk(pending["user_pk"])
    except (ValueError, TypeError):
        return None


def _sessions_void(*, user_ids: set[int]) -> None:
    """End every session signed in as, or part-way through signing in as, these people.

    Sessions are scanned (there is no index by user), which is fine for the rare takeover.
    """
    from allauth.account.internal.stagekit import LOGIN_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
    from django.contrib.sessions.models import Session

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store_class, DatabaseSessionStore):
        return  # sessions not kept server-side: the changed password hash ends signed-in ones
    wanted = {str(user_id) for user_id in user_ids}
    doomed = []
    for key, data in Session.objects.filter(expire_date__gt=timezone.now()).values_list(
        "session_key", "session_data"
    ):
        session = store_class().decode(data)
        if (
            str(session.get(SESSION_KEY)) in wanted
            or _pending_user(session.get(LOGIN_SESSION_KEY)) in user_ids
        ):
            doomed.append(key)
    for key in doomed:
        store_class(session_key=key).delete()
