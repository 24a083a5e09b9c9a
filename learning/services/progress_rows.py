"""The statements behind ``activity_complete``: a completion in as few round trips as the
database allows, with the same locks and the same outcome on each.

PostgreSQL runs data-modifying ``WITH`` queries, so there locking and touching the person's
progress row and inserting the activity's completion are one statement (the xAPI statement's own
INSERT, when one completes the activity), writing the lesson's and the module's progress one
more, and a module's completion with its certificate and enrolments one more again. SQLite has
no such queries and takes them one at a time. Both have ``INSERT ... ON CONFLICT DO NOTHING
RETURNING``, so a completion is never looked up before it is inserted: the unique constraint
says whether it is new.

Identifiers come from the models, quoted; every value is a parameter, prepared by its field.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, models
from django.db.models import QuerySet

from learning.models import (
    ActivityCompletion,
    Certificate,
    Enrolment,
    LessonProgress,
    ModuleCompletion,
    ModuleProgress,
)
from learning.selectors.team_cache import TEAM_READS_OF_PROGRESS, team_learning_forget
from learning.services.progress_sql import (
    column,
    column_field,
    insert_params,
    insert_sql,
    insert_template,
    prepared,
    prepared_values,
    progress_database,
    quote,
    row_instance,
    row_read,
    statement_cursor,
    with_queries,
)


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


@functools.cache
def progress_columns() -> str:
    meta = ModuleProgress._meta
    return ", ".join(quote(field.column) for field in meta.concrete_fields if field.column is not None)


@functools.cache
def _progress_touch_sql() -> str:
    progress = quote(ModuleProgress._meta.db_table)
    # The module is the lesson's parent: found by its path, so no query reads the module first.
    return (
        f"UPDATE {progress} SET {column(ModuleProgress, 'last_lesson')} = %s, "  # noqa: S608
        f"{column(ModuleProgress, 'last_activity_at')} = %s "
        f"WHERE {column(ModuleProgress, 'user')} = %s AND {column(ModuleProgress, 'module')} = "
        f"(SELECT {quote('id')} FROM {quote('wagtailcore_page')} WHERE {quote('path')} = %s) "
        f"RETURNING {progress_columns()}"
    )


@functools.cache
def _completion_insert_sql(*, from_progress: bool) -> str:
    """The completion's INSERT; ``from_progress`` takes its cycle from the ``progress`` WITH query."""
    names = ["user", "lesson", "block_id", "score", "max_score", "completed_at", "cycle"]
    columns = ", ".join(column(ActivityCompletion, name) for name in names)
    cycle = f"{quote('progress')}.{column(ModuleProgress, 'cycle')}" if from_progress else "%s"
    source = f" FROM {quote('progress')}" if from_progress else ""
    return (
        f"INSERT INTO {quote(ActivityCompletion._meta.db_table)} ({columns}) "
        f"SELECT %s, %s, %s, %s, %s, %s, {cycle}{source} "
        f"ON CONFLICT DO NOTHING RETURNING {quote('id')}"
    )


def completion_params(completion: CompletionRow) -> list[Any]:
    return [
        completion.user_id,
        completion.lesson_id,
        completion.block_id,
        completion.score,
        completion.max_score,
        prepared(ActivityCompletion, "completed_at", completion.completed_at),
    ]


@dataclass(frozen=True)
class ProgressTouch:
    """A completion's first step (``progress_touch``): the completion, and the path of the lesson's
    module, by which the person's progress row is found."""

    completion: CompletionRow
    module_path: str


@dataclass(frozen=True)
class Touched:
    progress: ModuleProgress
    newly_completed: bool | None  # None: the completion is still to be inserted


@functools.cache
def _touch_with_sql() -> str:
    """The ``progress`` and ``inserted`` WITH queries of ``progress_touch`` on PostgreSQL."""
    return (
        f"{quote('progress')} AS ({_progress_touch_sql()}), "
        f"{quote('inserted')} AS ({_completion_insert_sql(from_progress=True)})"
    )


@functools.cache
def _touched_columns() -> str:
    """What a statement holding ``_touch_with_sql`` selects for ``_touched``: the progress row,
    and whether the completion was inserted."""
    return f"{quote('progress')}.*, EXISTS (SELECT 1 FROM {quote('inserted')}) AS {quote('newly_completed')}"  # noqa: S608


def _touch_params(touch: ProgressTouch) -> list[Any]:
    completion = touch.completion
    return [
        completion.lesson_id,
        prepared(ModuleProgress, "last_activity_at", completion.completed_at),
        completion.user_id,
        touch.module_path,
    ]


def _touched(row: Sequence[Any] | None, *, with_newly: bool) -> Touched | None:
    """The touched row from a statement that selected the progress row's columns (``progress.*``) and,
    ``with_newly``, ``newly_completed`` after them."""
    progress = None if row is None else row_instance(ModuleProgress, row)
    if row is None or progress is None:
        return None
    newly = row[progress_width()] if with_newly else None
    return Touched(progress=progress, newly_completed=None if newly is None else bool(newly))


@functools.cache
def progress_width() -> int:
    """How many columns ``progress_columns`` names (``newly_completed`` comes after them)."""
    return sum(1 for field in ModuleProgress._meta.concrete_fields if field.column is not None)


def progress_touch(*, touch: ProgressTouch) -> Touched | None:
    """The person's progress row for the lesson's module, locked for this transaction, with the
    lesson recorded as where they were last active at the completion's time; on PostgreSQL the
    activity's completion is inserted by the same statement (under the row's cycle). None when
    the row does not exist.

    The UPDATE takes the same row lock ``select_for_update`` does (waiting for a concurrent
    holder, then working from its committed row), so what it returns is as safe to change.
    """
    if with_queries():
        sql = f"WITH {_touch_with_sql()} SELECT {_touched_columns()} FROM {quote('progress')}"  # noqa: S608
        params = _touch_params(touch) + completion_params(touch.completion)
    else:
        sql, params = _progress_touch_sql(), _touch_params(touch)
    return _touched(row_read(sql, params), with_newly=with_queries())


def activity_completion_insert(*, completion: CompletionRow, cycle: int) -> bool:
    """Insert the completion unless the cycle has it already; True when it is new."""
    with statement_cursor() as cursor:
        cursor.execute(_completion_insert_sql(from_progress=False), [*completion_params(completion), cycle])
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


@functools.cache
def _lesson_update_sql(names: tuple[str, ...], *, only_if_open: bool) -> str:
    """The UPDATE of the person's lesson row setting ``names``: unless it is completed when
    ``only_if_open``, otherwise unless its count of completed activities matches already."""
    unless = "status" if only_if_open else "required_completed"
    return (
        f"UPDATE {quote(LessonProgress._meta.db_table)} SET "  # noqa: S608
        f"{', '.join(f'{column(LessonProgress, name)} = %s' for name in names)} "
        f"WHERE {column(LessonProgress, 'user')} = %s AND {column(LessonProgress, 'lesson')} = %s "
        f"AND {column(LessonProgress, 'cycle')} = %s AND {column(LessonProgress, unless)} <> %s"
    )


@functools.cache
def _progress_save_sql(fields: tuple[str, ...], lesson_names: tuple[str, ...], *, only_if_open: bool) -> str:
    """One statement: the lesson row's UPDATE as a WITH query, then the progress row's."""
    progress_set = ", ".join(f"{column(ModuleProgress, name)} = %s" for name in fields)
    return (
        f"WITH {quote('lesson')} AS ({_lesson_update_sql(lesson_names, only_if_open=only_if_open)} "  # noqa: S608
        f"RETURNING 1) UPDATE {quote(ModuleProgress._meta.db_table)} SET {progress_set} "
        f"WHERE {quote('id')} = %s RETURNING (SELECT count(*) FROM {quote('lesson')})"
    )


def _lesson_params(*, user_id: int, lesson_id: int, cycle: int, change: LessonRowChange) -> list[Any]:
    """The values of the lesson row's UPDATE: those it sets, then those it is found by."""
    unless = LessonProgress.Status.COMPLETED if change.only_if_open else change.values["required_completed"]
    return [
        *prepared_values(LessonProgress, change.values.items()),
        user_id,
        lesson_id,
        cycle,
        unless,
    ]


def progress_save_with_lesson(
    *, progress: ModuleProgress, fields: list[str], lesson_id: int, change: LessonRowChange
) -> int:
    """Save ``fields`` of the locked progress row and apply ``change`` to the lesson's row (one
    statement on PostgreSQL); answers how many lesson rows changed."""
    lesson_params = _lesson_params(
        user_id=progress.user_id, lesson_id=lesson_id, cycle=progress.cycle, change=change
    )
    names = tuple(change.values)
    connection = connections[progress_database()]
    if not with_queries():
        with connection.cursor() as cursor:
            cursor.execute(_lesson_update_sql(names, only_if_open=change.only_if_open), lesson_params)
            changed = cursor.rowcount
        progress.save(update_fields=fields)
        return changed
    saved = [(name, getattr(progress, column_field(ModuleProgress, name).attname)) for name in fields]
    progress_values = prepared_values(ModuleProgress, saved)
    sql = _progress_save_sql(tuple(fields), names, only_if_open=change.only_if_open)
    with statement_cursor() as cursor:
        cursor.execute(sql, [*lesson_params, *progress_values, progress.pk])
        found = cursor.fetchone()
    if TEAM_READS_OF_PROGRESS.intersection(fields):
        team_learning_forget(using=connection.alias)  # raw SQL sends no signal
    return int(found[0]) if found else 0


@functools.cache
def _module_completion_sql() -> tuple[str, tuple[Any, ...], tuple[Any, ...]]:
    """The statement of ``module_completion_insert``, and the fields the two INSERTs take."""
    completion_sql, completion_fields = insert_template(ModuleCompletion, None)
    # The title as it is when the module completes, as ``certificate_create`` reads it.
    title = (
        f"(SELECT {quote('title')} FROM {quote('wagtailcore_page')} "  # noqa: S608
        f"WHERE {quote('id')} = {quote('completion')}.{column(ModuleCompletion, 'module')})"
    )
    certificate_sql, certificate_fields = insert_template(
        Certificate, ("completion", "completion"), (("module_title", title),)
    )
    completion, certificate, pk = quote("completion"), quote("certificate"), quote("id")
    return (
        f"WITH {completion} AS ({completion_sql} ON CONFLICT DO NOTHING "  # noqa: S608
        f"RETURNING {pk}, {column(ModuleCompletion, 'module')}), "
        f"{certificate} AS ({certificate_sql} RETURNING {pk}), "
        f"{quote('enrolled')} AS (UPDATE {quote(Enrolment._meta.db_table)} "
        f"SET {column(Enrolment, 'completed_at')} = %s "
        f"WHERE {column(Enrolment, 'user')} = %s AND {column(Enrolment, 'module')} = %s "
        f"AND EXISTS (SELECT 1 FROM {completion})) "
        f"SELECT {certificate}.{pk} FROM {certificate}",
        completion_fields,
        certificate_fields,
    )


def module_completion_insert(*, completion: ModuleCompletion, certificate: Certificate) -> int | None:
    """On PostgreSQL, in one statement: insert the module's completion unless the cycle has one,
    and when it is new, its certificate (titled as the module is now) and the completion mirrored
    on the person's enrolments, as ``enrolments_mark_complete`` does. Answers the certificate's
    id, or None when the completion was there already (nothing is written then)."""
    sql, completion_fields, certificate_fields = _module_completion_sql()
    params = [
        *insert_params(completion, completion_fields),
        *insert_params(certificate, certificate_fields),
        prepared(Enrolment, "completed_at", completion.completed_at),
        completion.user_id,
        completion.module_id,
    ]
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is not None:
        team_learning_forget(using=progress_database())  # raw SQL sends no signal
    return None if found is None else int(found[0])


def writes_in_one_statement() -> bool:
    """Whether a completion (``progress_at_once.completion_at_once``) and a module's completion
    (``module_completion_insert``) can each be written by one statement: they need WITH queries
    that write."""
    return with_queries()


@dataclass(frozen=True)
class Inserted:
    """What ``rows_insert`` answers: the rows ``also_read`` read, and what ``touch`` touched."""

    read: list[tuple[Any, ...]]
    touched: Touched | None


def rows_insert(
    *,
    parent: models.Model,
    child: models.Model | None,
    link: str,
    also_read: QuerySet[Any, Any] | None = None,
    touch: ProgressTouch | None = None,
) -> Inserted:
    """Insert a new row and, when given, a row pointing to it by ``link`` (one statement on
    PostgreSQL, two elsewhere); both instances get their ids. A unique constraint's violation
    raises IntegrityError as ``save()`` would.

    ``also_read``, a ``values_list`` query, is answered too: its rows as tuples, read by the same
    statement on PostgreSQL (so a read the caller would make next costs no round trip of its
    own), by a query of its own elsewhere. On PostgreSQL its values travel as JSON, so it should
    select numbers, text, booleans and JSON only. ``touch``, a completion's first step, is run
    too (by the same statement on PostgreSQL), with what ``progress_touch`` answers.
    """
    if (child is None and also_read is None and touch is None) or not with_queries():
        parent.save(force_insert=True)
        if child is not None:
            setattr(child, link, parent)
            child.save(force_insert=True)
        return Inserted(
            read=[] if also_read is None else [tuple(row) for row in also_read],
            touched=None if touch is None else progress_touch(touch=touch),
        )
    pk = quote("id")
    parent_sql, parent_params = insert_sql(parent)
    child_sql, child_id = "", "NULL"
    child_params: list[Any] = []
    if child is not None:
        child_insert, child_params = insert_sql(child, link=(link, "parent"))
        child_sql = f", {quote('child')} AS ({child_insert} RETURNING {pk})"
        child_id = f"(SELECT {pk} FROM {quote('child')})"  # noqa: S608
    touch_sql = ""
    touch_params: list[Any] = []
    if touch is not None:
        touch_sql = f", {_touch_with_sql()}"
        touch_params = _touch_params(touch) + completion_params(touch.completion)
    read_sql = "NULL"
    read_params: Sequence[Any] = ()
    if also_read is not None:
        read_query, read_params = also_read.query.sql_with_params()
        # json (not jsonb) keeps each row's columns in the order selected.
        read_sql = f"(SELECT json_agg({quote('read')}) FROM ({read_query}) {quote('read')})"  # noqa: S608
    ids = (
        f"{quote('parent')}.{pk} AS {quote('inserted_parent_id')}, "
        f"{child_id} AS {quote('inserted_child_id')}, {read_sql} AS {quote('inserted_read')}"
    )
    params = [*parent_params, *child_params, *touch_params, *read_params]
    with_sql = f"WITH {quote('parent')} AS ({parent_sql} RETURNING {pk}){child_sql}{touch_sql}"
    touched = None
    if touch is None:
        with statement_cursor() as cursor:
            cursor.execute(f"{with_sql} SELECT {ids} FROM {quote('parent')}", params)  # noqa: S608
            found = cursor.fetchone()
        if found is None:
            raise RuntimeError("The INSERT returned no row.")
        parent_pk, child_pk, read = found
    else:
        # The progress row's columns (all NULL when the person has none), as progress_touch reads them.
        sql = (
            f"{with_sql} SELECT {_touched_columns()}, {ids} FROM {quote('parent')} "  # noqa: S608
            f"LEFT JOIN {quote('progress')} ON TRUE"
        )
        row = row_read(sql, params)
        if row is None:
            raise RuntimeError("The INSERT returned no row.")
        parent_pk, child_pk, read = row[-3:]
        touched = _touched(row, with_newly=True)
    parent.pk = parent_pk
    parent._state.adding = False
    if child is not None:
        child.pk = child_pk
        child._state.adding = False
        setattr(child, link, parent)
    return Inserted(read=_json_rows(read), touched=touched)


def _json_rows(read: str | list[dict[str, Any]] | None) -> list[tuple[Any, ...]]:
    rows: Sequence[dict[str, Any]] = (json.loads(read) if isinstance(read, str) else read) or []
    return [tuple(row.values()) for row in rows]
