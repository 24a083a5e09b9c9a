"""SQL for the progress rows, written once per shape (``learning.services.progress_rows`` runs it).

The database the rows are written to, whether it runs data-modifying ``WITH`` queries, quoted
identifiers and columns taken from the models, values prepared as their fields would save them,
the INSERT of a new instance's concrete fields, and the instance a row read by a cursor holds
(as ``raw()`` would make it, without its per-query work). Identifiers come from the models, quoted;
every value is a parameter.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.utils import CursorWrapper

from learning.models import ModuleProgress
from learning.rows import row_instance as instance_from_row


def progress_database() -> str:
    return router.db_for_write(ModuleProgress)


def with_queries() -> bool:
    """Whether this database runs INSERT and UPDATE inside WITH (PostgreSQL does)."""
    return connections[progress_database()].vendor == "postgresql"


def quote(name: str) -> str:
    return connections[progress_database()].ops.quote_name(name)


def column_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column.")
    return field


def column(model: type[models.Model], name: str) -> str:
    return quote(str(column_field(model, name).column))


def prepared(model: type[models.Model], name: str, value: object) -> Any:
    return prepared_values(model, ((name, value),))[0]


def prepared_values(model: type[models.Model], values: Iterable[tuple[str, object]]) -> list[Any]:
    """Each (field name, value) prepared as the field would save it (one look-up of the database)."""
    connection = connections[progress_database()]
    return [
        column_field(model, name).get_db_prep_save(value, connection=connection) for name, value in values
    ]


@functools.cache
def insert_template(
    model: type[models.Model], link: tuple[str, str] | None, computed: tuple[tuple[str, str], ...] = ()
) -> tuple[str, tuple[Any, ...]]:
    """The INSERT of a new instance's concrete fields (its auto id left to the database) and the
    fields whose values it takes, in order; ``link`` is (a field, an earlier WITH query): the
    field takes that query's id instead; ``computed`` pairs a field with the SQL of its value."""
    meta = model._meta
    expressions = dict(computed)
    columns: list[str] = []
    values: list[str] = []
    fields: list[Any] = []
    for field in meta.concrete_fields:
        if field is meta.auto_field or field.column is None:
            continue
        columns.append(quote(field.column))
        if link is not None and field.name == link[0]:
            values.append(f"{quote(link[1])}.{quote('id')}")
        elif field.name in expressions:
            values.append(expressions[field.name])
        else:
            values.append("%s")
            fields.append(field)
    source = f" FROM {quote(link[1])}" if link is not None else ""
    return (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)}{source}",
        tuple(fields),
    )


SPLITS_KEPT = 32  # this module's statements have a handful of shapes


@functools.cache
def _preparing_cursor_class() -> type[Any]:
    """A psycopg cursor that binds its parameters on the server and has each statement prepared
    (parsed and planned once per connection, then only executed), its SQL split into text and
    placeholders once per process.

    psycopg splits a statement's SQL on its placeholders at every execution, keeping the split only
    for SQL under 4 KB with at most 50 parameters (an ORM's varying multi-row INSERTs would fill its
    cache). This module's statements are longer and have more parameters, but a few fixed shapes:
    splitting one of them on every completion cost a sixth of the time spent running it, so the
    split is kept (``SPLITS_KEPT`` shapes at most). psycopg is pinned: this names its private
    ``PostgresQuery`` parts, and tests/learning/test_prepared_statements.py fails if they change.
    """
    import psycopg
    from psycopg._queries import PostgresQuery, _query2pg_nocache

    split = functools.lru_cache(maxsize=SPLITS_KEPT)(_query2pg_nocache)

    class SplitOnce(PostgresQuery):
        def convert(self, query: Any, vars: Any) -> None:
            if not isinstance(query, str) or vars is None:
                super().convert(query, vars)
                return
            bquery = self._ensure_bytes(query)
            self.query, self._want_formats, self._order, self._parts = split(bquery, self._tx.encoding)
            self.dump(vars)

    class PreparingCursor(psycopg.Cursor[Any]):
        _query_cls = SplitOnce
        splits = split

        def execute(
            self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
        ) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def statement_splits() -> tuple[int, int]:
    """(statements run with a kept split, statements split) in this process so far (for tests)."""
    info = _preparing_cursor_class().splits.cache_info()
    return int(info.hits), int(info.misses)


@contextlib.contextmanager
def statement_cursor() -> Iterator[CursorWrapper]:
    """A cursor on ``progress_database()`` for the statements written once per shape here.

    On PostgreSQL its statements are prepared on the connection (psycopg keeps them by their SQL
    and parameter types): a completion's two statements, with their ~60 parameters, are neither
    quoted into the SQL by psycopg nor parsed and planned again by PostgreSQL each time. Django's
    own cursors bind on the client and prepare nothing; the settings give psycopg the
    ``prepare_threshold`` that lets these be prepared (None behind a connection pooler that cannot
    keep them: they then run unprepared). Django's wrapper (health check, error translation, query
    logging) is kept; only the psycopg cursor inside it is replaced. Elsewhere, Django's own cursor.
    """
    connection = connections[progress_database()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.close()
            cursor.cursor = _preparing_cursor_class()(connection.connection)
        yield cursor


def row_read(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> Sequence[Any] | None:
    """The first row a statement run on ``progress_database()`` answers (None if it answers none);
    its values given in order (``%s``) or by name (``%(name)s``)."""
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return rows[0] if rows else None


def row_instance[M: models.Model](model: type[M], row: Sequence[Any]) -> M | None:
    """The instance a row read from ``progress_database()`` holds (``learning.rows.row_instance``)."""
    return instance_from_row(model, row, using=progress_database())


def insert_params(instance: models.Model, fields: Sequence[Any]) -> list[Any]:
    connection = connections[progress_database()]
    return [
        field.get_db_prep_save(field.pre_save(instance, add=True), connection=connection) for field in fields
    ]


def insert_sql(instance: models.Model, *, link: tuple[str, str] | None = None) -> tuple[str, list[Any]]:
    """``insert_template``'s INSERT for ``instance``, with the values each field saves."""
    sql, fields = insert_template(type(instance), link)
    return sql, insert_params(instance, fields)
