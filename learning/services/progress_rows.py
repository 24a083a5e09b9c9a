"""The statements behind ``activity_complete``: a completion in as few round trips as the
database allows, with the same locks and the same outcome on each.

PostgreSQL runs data-modifying ``WITH`` queries, so there locking and touching the person's
progress row and inserting the activity's completion are one statement, and writing the
lesson's and the module's progress one more. SQLite has no such queries and takes them one
at a time. Both have ``INSERT ... ON CONFLICT DO NOTHING RETURNING``, so a completion is never
looked up before it is inserted: the unique constraint says whether it is new.

Identifiers come from the models, quoted; every value is a parameter, prepared by its field.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, models, router
from django.db.models import QuerySet

from learning.models import ActivityCompletion, LessonProgress, ModuleProgress


@dataclass(frozen=True)
class CompletionRow:
    """The activity completion a statement would write (its cycle is the progress row's)."""

    user_id: int
    lesson_id: int
    block_id: str
    score: float | None
    max_score: float | None
    completed_at: datetime


@dataclass(frozen=True)
class LessonRowChange:
    """What to set on the person's lesson progress row, and on which condition: ``unless`` the
    row is completed (a lesson still open) or the count already matches (a completed one)."""

    values: dict[str, Any]
    only_if_open: bool


def _database() -> str:
    return router.db_for_write(ModuleProgress)


def _with_queries() -> bool:
    """Whether this database runs INSERT and UPDATE inside WITH (PostgreSQL does)."""
    return connections[_database()].vendor == "postgresql"


def _quote(name: str) -> str:
    return connections[_database()].ops.quote_name(name)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column.")
    return field


def _column(model: type[models.Model], name: str) -> str:
    return _quote(str(_field(model, name).column))


def _prepared(model: type[models.Model], name: str, value: object) -> Any:
    return _field(model, name).get_db_prep_save(value, connection=connections[_database()])


def _assignments(model: type[models.Model], values: dict[str, Any]) -> tuple[str, list[Any]]:
    """``"column" = %s, ...`` for the fields named, and their values as each field saves them."""
    parts = [f"{_column(model, name)} = %s" for name in values]
    return ", ".join(parts), [_prepared(model, name, value) for name, value in values.items()]


@functools.cache
def _progress_columns() -> str:
    meta = ModuleProgress._meta
    return ", ".join(_quote(field.column) for field in meta.concrete_fields if field.column is not None)


@functools.cache
def _progress_touch_sql() -> str:
    progress = _quote(ModuleProgress._meta.db_table)
    # The module is the lesson's parent: found by its path, so no query reads the module first.
    return (
        f"UPDATE {progress} SET {_column(ModuleProgress, 'last_lesson')} = %s, "  # noqa: S608
        f"{_column(ModuleProgress, 'last_activity_at')} = %s "
        f"WHERE {_column(ModuleProgress, 'user')} = %s AND {_column(ModuleProgress, 'module')} = "
        f"(SELECT {_quote('id')} FROM {_quote('wagtailcore_page')} WHERE {_quote('path')} = %s) "
        f"RETURNING {_progress_columns()}"
    )


@functools.cache
def _completion_insert_sql(*, from_progress: bool) -> str:
    """The completion's INSERT; ``from_progress`` takes its cycle from the ``progress`` WITH query."""
    names = ["user", "lesson", "block_id", "score", "max_score", "completed_at", "cycle"]
    columns = ", ".join(_column(ActivityCompletion, name) for name in names)
    cycle = f"{_quote('progress')}.{_column(ModuleProgress, 'cycle')}" if from_progress else "%s"
    source = f" FROM {_quote('progress')}" if from_progress else ""
    return (
        f"INSERT INTO {_quote(ActivityCompletion._meta.db_table)} ({columns}) "
        f"SELECT %s, %s, %s, %s, %s, %s, {cycle}{source} "
        f"ON CONFLICT DO NOTHING RETURNING {_quote('id')}"
    )


def _completion_params(completion: CompletionRow) -> list[Any]:
    return [
        completion.user_id,
        completion.lesson_id,
        completion.block_id,
        completion.score,
        completion.max_score,
        _prepared(ActivityCompletion, "completed_at", completion.completed_at),
    ]


@dataclass(frozen=True)
class Touched:
    progress: ModuleProgress
    newly_completed: bool | None  # None: the completion is still to be inserted


def progress_touch(
    *, user_id: int, module_path: str, lesson_id: int, at: datetime, completion: CompletionRow
) -> Touched | None:
    """The person's progress row for the lesson's module, locked for this transaction, with the
    lesson recorded as where they were last active; on PostgreSQL the activity's completion is
    inserted by the same statement (under the row's cycle). None when the row does not exist.

    The UPDATE takes the same row lock ``select_for_update`` does (waiting for a concurrent
    holder, then working from its committed row), so what it returns is as safe to change.
    """
    touch = [lesson_id, _prepared(ModuleProgress, "last_activity_at", at), user_id, module_path]
    if _with_queries():
        sql = (
            f"WITH {_quote('progress')} AS ({_progress_touch_sql()}), "  # noqa: S608
            f"{_quote('inserted')} AS ({_completion_insert_sql(from_progress=True)}) "
            f"SELECT {_quote('progress')}.*, EXISTS (SELECT 1 FROM {_quote('inserted')}) "
            f"AS {_quote('newly_completed')} FROM {_quote('progress')}"
        )
        params = touch + _completion_params(completion)
    else:
        sql, params = _progress_touch_sql(), touch
    # raw() would otherwise ask for a read database.
    row = next(iter(ModuleProgress.objects.raw(sql, params, using=_database())), None)
    if row is None:
        return None
    newly = getattr(row, "newly_completed", None)
    return Touched(progress=row, newly_completed=None if newly is None else bool(newly))


def activity_completion_insert(*, completion: CompletionRow, cycle: int) -> bool:
    """Insert the completion unless the cycle has it already; True when it is new."""
    with connections[_database()].cursor() as cursor:
        cursor.execute(_completion_insert_sql(from_progress=False), [*_completion_params(completion), cycle])
        return cursor.fetchone() is not None


def activity_completion_score_raise(*, completion: CompletionRow, cycle: int) -> None:
    """Keep the better score of a completion already recorded (one UPDATE, no read)."""
    if completion.score is None:
        return
    ActivityCompletion.objects.filter(
        user_id=completion.user_id, lesson_id=completion.lesson_id, block_id=completion.block_id, cycle=cycle
    ).filter(models.Q(score__isnull=True) | models.Q(score__lt=completion.score)).update(
        score=completion.score, max_score=completion.max_score
    )


def _lesson_rows(*, user_id: int, lesson_id: int, cycle: int, change: LessonRowChange) -> Any:
    rows = LessonProgress.objects.filter(user_id=user_id, lesson_id=lesson_id, cycle=cycle)
    if change.only_if_open:
        return rows.exclude(status=LessonProgress.Status.COMPLETED)
    return rows.exclude(required_completed=change.values["required_completed"])


def progress_save_with_lesson(
    *, progress: ModuleProgress, fields: list[str], lesson_id: int, change: LessonRowChange
) -> int:
    """Save ``fields`` of the locked progress row and apply ``change`` to the lesson's row (one
    statement on PostgreSQL); answers how many lesson rows changed."""
    lesson_rows = _lesson_rows(
        user_id=progress.user_id, lesson_id=lesson_id, cycle=progress.cycle, change=change
    )
    if not _with_queries():
        changed = int(lesson_rows.update(**change.values))
        progress.save(update_fields=fields)
        return changed
    connection = connections[_database()]
    lesson_sql, lesson_params = lesson_rows.values("pk").query.sql_with_params()
    lesson_set, lesson_values = _assignments(LessonProgress, change.values)
    progress_set, progress_values = _assignments(
        ModuleProgress,
        {name: getattr(progress, _field(ModuleProgress, name).attname) for name in fields},
    )
    lessons = _quote(LessonProgress._meta.db_table)
    sql = (
        f"WITH {_quote('lesson')} AS (UPDATE {lessons} SET {lesson_set} "  # noqa: S608
        f"WHERE {_quote('id')} IN ({lesson_sql}) RETURNING 1) "
        f"UPDATE {_quote(ModuleProgress._meta.db_table)} SET {progress_set} WHERE {_quote('id')} = %s "
        f"RETURNING (SELECT count(*) FROM {_quote('lesson')})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*lesson_values, *lesson_params, *progress_values, progress.pk])
        found = cursor.fetchone()
    return int(found[0]) if found else 0


def _insert_sql(instance: models.Model, *, link: tuple[str, str] | None = None) -> tuple[str, list[Any]]:
    """The INSERT of a new instance's concrete fields (its auto id left to the database);
    ``link`` is (a field, an earlier WITH query): the field takes that query's id instead."""
    connection = connections[_database()]
    meta = type(instance)._meta
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in meta.concrete_fields:
        if field is meta.auto_field or field.column is None:
            continue
        columns.append(_quote(field.column))
        if link is not None and field.name == link[0]:
            values.append(f"{_quote(link[1])}.{_quote('id')}")
            continue
        values.append("%s")
        params.append(field.get_db_prep_save(field.pre_save(instance, add=True), connection=connection))
    source = f" FROM {_quote(link[1])}" if link is not None else ""
    return (
        f"INSERT INTO {_quote(meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)}{source}",
        params,
    )


def rows_insert(
    *,
    parent: models.Model,
    child: models.Model | None,
    link: str,
    also_read: QuerySet[Any, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """Insert a new row and, when given, a row pointing to it by ``link`` (one statement on
    PostgreSQL, two elsewhere); both instances get their ids. A unique constraint's violation
    raises IntegrityError as ``save()`` would.

    ``also_read``, a ``values_list`` query, is answered too: its rows as tuples, read by the same
    statement on PostgreSQL (so a read the caller would make next costs no round trip of its
    own), by a query of its own elsewhere. On PostgreSQL its values travel as JSON, so it should
    select numbers, text, booleans and JSON only.
    """
    if (child is None and also_read is None) or not _with_queries():
        parent.save(force_insert=True)
        if child is not None:
            setattr(child, link, parent)
            child.save(force_insert=True)
        return [] if also_read is None else [tuple(row) for row in also_read]
    pk = _quote("id")
    parent_sql, parent_params = _insert_sql(parent)
    child_sql, child_id = "", "NULL"
    child_params: list[Any] = []
    if child is not None:
        child_insert, child_params = _insert_sql(child, link=(link, "parent"))
        child_sql = f", {_quote('child')} AS ({child_insert} RETURNING {pk})"
        child_id = f"(SELECT {pk} FROM {_quote('child')})"  # noqa: S608
    read_sql = "NULL"
    read_params: Sequence[Any] = ()
    if also_read is not None:
        read_query, read_params = also_read.query.sql_with_params()
        # json (not jsonb) keeps each row's columns in the order selected.
        read_sql = f"(SELECT json_agg({_quote('read')}) FROM ({read_query}) {_quote('read')})"  # noqa: S608
    sql = (
        f"WITH {_quote('parent')} AS ({parent_sql} RETURNING {pk}){child_sql} "  # noqa: S608
        f"SELECT {_quote('parent')}.{pk}, {child_id}, {read_sql} FROM {_quote('parent')}"
    )
    with connections[_database()].cursor() as cursor:
        cursor.execute(sql, [*parent_params, *child_params, *read_params])
        found = cursor.fetchone()
    if found is None:
        raise RuntimeError("The INSERT returned no row.")
    parent.pk, child_pk, read = found
    parent._state.adding = False
    if child is not None:
        child.pk = child_pk
        child._state.adding = False
        setattr(child, link, parent)
    return _json_rows(read)


def _json_rows(read: str | list[dict[str, Any]] | None) -> list[tuple[Any, ...]]:
    rows: Sequence[dict[str, Any]] = (json.loads(read) if isinstance(read, str) else read) or []
    return [tuple(row.values()) for row in rows]
