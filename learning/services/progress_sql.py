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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.utils import CursorWrapper

from cms.core.db.prepared import prepared_cursor
from cms.core.db.prepared import row_read as prepared_row_read
from cms.core.db.rows import row_instance as instance_from_row
from learning.models import ModuleProgress


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


def statement_cursor() -> contextlib.AbstractContextManager[CursorWrapper]:
    """A cursor on ``progress_database()`` for the statements written once per shape here: on
    PostgreSQL its statements are prepared on the connection (``cms.core.db.prepared``), so a
    completion's statement, with its ~50 parameters, is neither quoted into the SQL by psycopg nor
    parsed and planned again by PostgreSQL each time. Elsewhere, Django's own cursor."""
    return prepared_cursor(progress_database())


def row_read(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> Sequence[Any] | None:
    """The first row a statement run on ``progress_database()`` answers (None if it answers none);
    its values given in order (``%s``) or by name (``%(name)s``)."""
    return prepared_row_read(sql, params, using=progress_database())


def row_instance[M: models.Model](model: type[M], row: Sequence[Any]) -> M | None:
    """The instance a row read from ``progress_database()`` holds (``cms.core.db.rows.row_instance``)."""
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
