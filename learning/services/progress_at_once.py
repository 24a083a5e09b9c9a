"""A completion of an activity in one statement (PostgreSQL): ``completion_at_once``.

What ``activity_complete_touched`` does after ``rows_insert`` in a transaction (lock the person's
progress row, insert the activity's completion, work out the lesson's state from the row's JSON,
write the lesson's and the module's progress), done by one statement with the xAPI statement's own
INSERT, its attempt's and its forwarding rows'. One statement is atomic alone, so it needs no
transaction: a first completion costs one round trip to PostgreSQL where it cost four (BEGIN, two
statements, COMMIT), and no Python works out the lesson's state.

It covers the common case and hands every other over with nothing written (the caller then takes the
full path): a person without a progress row for the module, a new completion without the lesson's row
(the lesson was never opened) or completing the module (its record, certificate and enrolments), and a
repeat whose completion this statement cannot see. The last arises from PostgreSQL's rules: the
statement's snapshot is taken when it starts, and ``FOR UPDATE`` returns the row as a transaction it
waited for committed it, but other tables are read as of the snapshot. So what the statement relies on
from them (the lesson's row, a repeated completion's row) is checked, and any doubt hands over.

The SQL is written once, from the models' table and column names; every value is a parameter, named
in the template (``$name``) and passed by name (the INSERTs' values too, as ``parent_0`` onwards), so
psycopg adapts and sends each value once however often the SQL uses it.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, transaction
from django.utils import timezone

from learning.models import ActivityCompletion, LessonProgress, LrsOutbox, ModuleProgress
from learning.selectors.team_cache import team_learning_forget
from learning.services.progress_rows import (
    ProgressTouch,
    completion_params,
    progress_columns,
    progress_width,
)
from learning.services.progress_sql import (
    column,
    insert_params,
    insert_sql,
    insert_template,
    prepared,
    progress_database,
    quote,
    row_instance,
    row_read,
    with_queries,
)


@dataclass(frozen=True)
class AtOnce:
    """What a completion's one statement is given besides the rows it inserts: its first step, the
    lesson's required activities, the module's live lessons (the recount's, as
    ``module_lesson_ids_live`` answers them) and the forwarding targets the statement is queued for."""

    touch: ProgressTouch
    required_ids: list[str]
    module_lesson_ids: list[int]
    outbox_target_ids: list[int]


@dataclass(frozen=True)
class CompletedAtOnce:
    """What ``completion_at_once`` wrote: the person's progress row as written, whether the
    activity's completion is new and whether the lesson completed."""

    progress: ModuleProgress
    newly_completed: bool
    lesson_completed: bool


# The WITH queries, in order:
# - locked: the person's progress row for the lesson's module (found by the lesson's path), as its
#   lock finds it: FOR UPDATE waits for a concurrent holder, then reads what it committed;
# - read: the lesson's state as it was (a JSON null read as none, as ``lesson_state`` reads it); its
#   completed activities with this one (sorted by code point,
#   as Python sorts); whether this one was done already; whether the lesson's row and the
#   completion's row are there for this statement (its snapshot may predate the lock's commit);
# - counted, decided, stated, planned: how many required activities are done, whether the lesson was
#   completed and completes now, the row's JSON after, and the module's completed lessons recounted;
# - fits: a new completion needs the lesson's row and must not complete the module; a repeat needs to
#   see the completion whose score it may raise;
# - inserted: a new completion's INSERT ... ON CONFLICT DO NOTHING, when it fits;
# - went: it fits and (a repeat, or the INSERT made a row): everything after writes only then, so the
#   statement writes all of it or nothing;
# - progress, lesson: the module's and the lesson's rows, as ``_lesson_progress_change`` and
#   ``_module_progress_recount`` write them (a repeat changes only where the person was);
# - scored: a repeat keeps the better score.
_PLAN = """
"locked" AS MATERIALIZED (
  SELECT "id", {mp_cycle}, {mp_lesson_states}, {mp_completed_at} FROM {mp}
  WHERE {mp_user} = $user AND {mp_module} = (SELECT "id" FROM {page} WHERE "path" = $module_path)
  FOR UPDATE),
"read" AS MATERIALIZED (
  SELECT "locked".*, "old",
    (SELECT COALESCE(jsonb_agg("d" ORDER BY "d" COLLATE "C"), '[]'::jsonb) FROM (
       SELECT jsonb_array_elements_text("done_before") UNION SELECT $block_id::text) AS "ids" ("d"))
      AS "done",
    "done_before" @> jsonb_build_array($block_id::text) AS "was_done",
    EXISTS (SELECT 1 FROM {lp} WHERE {lp_user} = $user AND {lp_lesson} = $lesson
      AND {lp_cycle} = "locked".{mp_cycle}) AS "lesson_row",
    EXISTS (SELECT 1 FROM {ac} WHERE {ac_user} = $user AND {ac_lesson} = $lesson
      AND {ac_block_id} = $block_id AND {ac_cycle} = "locked".{mp_cycle}) AS "completion_row"
  FROM "locked",
    LATERAL (SELECT COALESCE(NULLIF("locked".{mp_lesson_states} -> $lesson_key::text, 'null'::jsonb),
      '{{}}'::jsonb) AS "old") AS "state",
    LATERAL (SELECT COALESCE("old" -> 'done', '[]'::jsonb) AS "done_before") AS "before"),
"counted" AS MATERIALIZED (
  SELECT "read".*,
    (SELECT count(*) FROM unnest($required::text[]) AS "r" ("id")
      WHERE "done" @> jsonb_build_array("r"."id")) AS "required_done",
    COALESCE("old" ->> 'status' = $completed::text, FALSE) AS "was_completed"
  FROM "read"),
"decided" AS MATERIALIZED (
  SELECT "counted".*, (NOT "was_done" AND NOT "was_completed" AND cardinality($required::text[]) > 0
    AND "required_done" = cardinality($required::text[])) AS "completes"
  FROM "counted"),
"stated" AS MATERIALIZED (
  SELECT "decided".*, {mp_lesson_states} || jsonb_build_object($lesson_key::text, "old" || jsonb_build_object(
    'status', CASE WHEN "was_completed" OR "completes" THEN $completed::text ELSE $in_progress::text END,
    'done', "done")) AS "states_new"
  FROM "decided"),
"planned" AS MATERIALIZED (
  SELECT "stated".*, (SELECT count(*) FROM unnest($lessons::bigint[]) AS "l" ("id")
    WHERE "states_new" -> "l"."id"::text ->> 'status' = $completed::text) AS "recount"
  FROM "stated"),
"fits" AS MATERIALIZED (
  SELECT CASE WHEN "was_done" THEN "completion_row"
    ELSE "lesson_row" AND NOT ("completes" AND cardinality($lessons::bigint[]) > 0
      AND "recount" = cardinality($lessons::bigint[]) AND {mp_completed_at} IS NULL) END AS "ok"
  FROM "planned"),
"inserted" AS (
  INSERT INTO {ac} ({ac_user}, {ac_lesson}, {ac_block_id}, {ac_score}, {ac_max_score}, {ac_completed_at},
    {ac_cycle})
  SELECT $user, $lesson, $block_id, $score, $max_score, $completed_at, "planned".{mp_cycle} FROM "planned"
  WHERE NOT "was_done" AND (SELECT "ok" FROM "fits")
  ON CONFLICT DO NOTHING RETURNING "id"),
"went" AS MATERIALIZED (
  SELECT "was_done" OR EXISTS (SELECT 1 FROM "inserted") AS "ok" FROM "planned"
  WHERE (SELECT "ok" FROM "fits")),
"progress" AS (
  UPDATE {mp} SET {mp_last_lesson} = $lesson, {mp_last_activity_at} = $activity_at,
    {mp_lesson_states} = CASE WHEN "planned"."was_done" THEN {mp}.{mp_lesson_states}
      ELSE "planned"."states_new" END,
    {mp_lessons_completed} = CASE WHEN "planned"."completes" THEN "planned"."recount"
      ELSE {mp}.{mp_lessons_completed} END,
    {mp_lessons_total} = CASE WHEN "planned"."completes" THEN cardinality($lessons::bigint[])
      ELSE {mp}.{mp_lessons_total} END
  FROM "planned" WHERE {mp}."id" = "planned"."id" AND (SELECT "ok" FROM "went")
  RETURNING {progress_returning}),
"lesson" AS (
  UPDATE {lp} SET {lp_required_completed} = "planned"."required_done",
    {lp_required_total} = CASE WHEN NOT "planned"."was_completed" AND {lp}.{lp_status} <> $completed::text
      THEN cardinality($required::text[]) ELSE {lp}.{lp_required_total} END,
    {lp_status} = CASE WHEN "planned"."completes" AND {lp}.{lp_status} <> $completed::text
      THEN $completed::text ELSE {lp}.{lp_status} END,
    {lp_completed_at} = CASE WHEN "planned"."completes" AND {lp}.{lp_status} <> $completed::text
      THEN $lesson_completed_at ELSE {lp}.{lp_completed_at} END
  FROM "planned" WHERE {lp}.{lp_user} = $user AND {lp}.{lp_lesson} = $lesson
    AND {lp}.{lp_cycle} = "planned".{mp_cycle} AND NOT "planned"."was_done" AND (SELECT "ok" FROM "went")),
"scored" AS (
  UPDATE {ac} SET {ac_score} = $score, {ac_max_score} = $max_score FROM "planned"
  WHERE {ac}.{ac_user} = $user AND {ac}.{ac_lesson} = $lesson AND {ac}.{ac_block_id} = $block_id
    AND {ac}.{ac_cycle} = "planned".{mp_cycle} AND "planned"."was_done"
    AND $score::double precision IS NOT NULL
    AND ({ac}.{ac_score} IS NULL OR {ac}.{ac_score} < $score) AND (SELECT "ok" FROM "went"))
"""

_NAMED = re.compile(r"\$([a-z_]+)")
# The columns the template names: {mp_user} is ModuleProgress.user's, and so on.
_PROGRESS_FIELDS = (
    "user",
    "module",
    "cycle",
    "lesson_states",
    "completed_at",
    "last_lesson",
    "last_activity_at",
    "lessons_completed",
    "lessons_total",
)
_LESSON_FIELDS = ("user", "lesson", "cycle", "status", "required_completed", "required_total", "completed_at")
_COMPLETION_FIELDS = ("user", "lesson", "block_id", "cycle", "score", "max_score", "completed_at")


@functools.cache
def _plan_sql() -> str:
    """The WITH queries with ``%(name)s`` for each ``$name``: psycopg binds each name once, however
    often the SQL uses it (``$completed`` 7 times, ``$lessons`` and ``$required`` 4 each), so every
    value is adapted and sent once."""
    mp, lp, ac = ModuleProgress, LessonProgress, ActivityCompletion
    table = quote(mp._meta.db_table)
    names = {
        "mp": table,
        "lp": quote(lp._meta.db_table),
        "ac": quote(ac._meta.db_table),
        "page": quote("wagtailcore_page"),
        "progress_returning": ", ".join(f"{table}.{name}" for name in progress_columns().split(", ")),
    }
    for prefix, model, fields in (
        ("mp", mp, _PROGRESS_FIELDS),
        ("lp", lp, _LESSON_FIELDS),
        ("ac", ac, _COMPLETION_FIELDS),
    ):
        names |= {f"{prefix}_{name}": column(model, name) for name in fields}
    sql = " ".join(_PLAN.format_map(names).split())  # one line (its literals hold no spaces)
    return _NAMED.sub(r"%(\1)s", sql)


def _plan_params(at_once: AtOnce) -> dict[str, Any]:
    completion = at_once.touch.completion
    user_id, lesson_id, block_id, score, max_score, completed_at = completion_params(completion)
    return {
        "user": user_id,
        "lesson": lesson_id,
        "block_id": block_id,
        "score": score,
        "max_score": max_score,
        "completed_at": completed_at,
        "module_path": at_once.touch.module_path,
        "lesson_key": str(lesson_id),
        "required": at_once.required_ids,
        "lessons": at_once.module_lesson_ids,
        "completed": LessonProgress.Status.COMPLETED,
        "in_progress": LessonProgress.Status.IN_PROGRESS,
        "activity_at": prepared(ModuleProgress, "last_activity_at", completion.completed_at),
        "lesson_completed_at": prepared(LessonProgress, "completed_at", completion.completed_at),
    }


@functools.cache
def _named_sql(sql: str, prefix: str, count: int) -> str:
    """``sql`` (an INSERT template) with its ``count`` ``%s`` named ``%(<prefix>0)s`` onwards, so it
    joins the plan's named values in one statement."""
    pieces = sql.split("%s")
    if len(pieces) != count + 1 or any("%" in piece for piece in pieces):
        raise ValueError(f"not an INSERT template with {count} values: {sql[:80]!r}")
    named = [f"{piece}%({prefix}{index})s" for index, piece in enumerate(pieces[:-1])]
    return "".join(named) + pieces[-1]


def _named(sql: str, values: list[Any], prefix: str) -> tuple[str, dict[str, Any]]:
    """``_named_sql`` and its values by name."""
    names = {f"{prefix}{index}": value for index, value in enumerate(values)}
    return _named_sql(sql, prefix, len(values)), names


@functools.cache
def _outbox_insert_sql() -> tuple[str, tuple[Any, ...]]:
    """The forwarding rows' INSERT, one for each target id of a parameter, linked to ``parent``."""
    targets = f"{quote('targets')}.{quote('id')}"
    sql, fields = insert_template(LrsOutbox, ("statement", "parent"), (("target", targets),))
    return f"{sql} CROSS JOIN unnest(%s::bigint[]) AS {quote('targets')} ({quote('id')})", fields


def completion_at_once(
    *, parent: models.Model, child: models.Model | None, link: str, at_once: AtOnce
) -> CompletedAtOnce | None:
    """A completion of an activity in one statement, on PostgreSQL: the person's progress row locked,
    the activity's completion inserted (a repeat keeps the better score), the lesson's and the
    module's progress written as ``activity_complete_touched`` writes them, ``parent`` (the xAPI
    statement) and ``child`` (its attempt, if any, pointing to it by ``link``) inserted, and the statement
    queued for ``at_once.outbox_target_ids``. Outside a transaction it commits alone (no BEGIN, no
    COMMIT); inside one, a savepoint keeps a failure from spoiling it.

    None, with nothing written, for the cases it does not cover (the module docstring's): the caller
    then takes the path that covers every case. A statement id stored already raises IntegrityError,
    as ``rows_insert`` does."""
    if not with_queries():
        return None
    params = _plan_params(at_once)
    parent_sql, parent_params = _named(*insert_sql(parent), "parent_")
    params |= parent_params
    child_sql, child_id = "", "NULL"
    if child is not None:
        child_insert, child_params = _named(*insert_sql(child, link=(link, "parent")), "child_")
        params |= child_params
        child_sql, child_id = f', "child" AS ({child_insert} RETURNING "id")', '(SELECT "id" FROM "child")'
    outbox_sql = ""
    if at_once.outbox_target_ids:
        sql, fields = _outbox_insert_sql()
        now = timezone.now()  # due at once, as outbox_enqueue queues them
        outbox = LrsOutbox(next_attempt_at=now, created_at=now)
        values = [*insert_params(outbox, fields), at_once.outbox_target_ids]
        sql, outbox_params = _named(sql, values, "outbox_")
        outbox_sql = f', "outbox" AS ({sql})'
        params |= outbox_params
    sql = (
        f"WITH {_plan_sql()}, "  # noqa: S608
        f'"parent" AS ({parent_sql} WHERE (SELECT "ok" FROM "went") RETURNING "id")'
        f"{child_sql}{outbox_sql} "
        f'SELECT "progress".*, "parent"."id", {child_id}, NOT "planned"."was_done", '
        f'"planned"."completes" FROM "progress", "parent", "planned"'
    )
    connection = connections[progress_database()]
    in_transaction = connection.in_atomic_block
    with transaction.atomic(using=connection.alias) if in_transaction else contextlib.nullcontext():
        row = row_read(sql, params)
    progress = None if row is None else row_instance(ModuleProgress, row)
    if row is None or progress is None:
        return None
    width = progress_width()
    parent.pk = row[width]
    parent._state.adding = False
    if child is not None:
        child.pk = row[width + 1]
        child._state.adding = False
        setattr(child, link, parent)
    newly_completed, lesson_completed = bool(row[width + 2]), bool(row[width + 3])
    if lesson_completed:
        team_learning_forget(using=connection.alias)  # raw SQL sends no signal
    return CompletedAtOnce(
        progress=progress, newly_completed=newly_completed, lesson_completed=lesson_completed
    )
