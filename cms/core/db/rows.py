"""Model instances from rows a cursor read, as ``raw()`` would make them, without a query's
per-request work (compiling, the queryset's iteration). Used by the SQL written once per shape
(``learning.services.progress_sql``), the lesson page's one read of the learner's state
(``learning.selectors.progress``) and a page read by id when the caches do not hold it
(``cms.core.page_restrictions``)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


@functools.lru_cache(maxsize=64)
def _row_shape(
    model: type[models.Model], connection: BaseDatabaseWrapper
) -> tuple[tuple[str, ...], tuple[tuple[int, Any, tuple[Any, ...]], ...]]:
    """The attribute names of ``model``'s concrete columns, and the converters (each with its column's
    index and expression) a query's compiler would apply to them on ``connection``."""
    fields = [field for field in model._meta.concrete_fields if field.column is not None]
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        found = (*connection.ops.get_db_converters(col), *field.get_db_converters(connection))
        if found:
            converters.append((index, col, found))
    return tuple(field.attname for field in fields), tuple(converters)


def concrete_columns(model: type[models.Model], *, using: str, table: str | None = None) -> str:
    """``model``'s concrete columns in field order, quoted for ``using`` (each prefixed with ``table``,
    an alias, when given): the columns ``row_instance`` expects first in a row."""
    quote = connections[using].ops.quote_name
    prefix = f"{quote(table)}." if table else ""
    return ", ".join(
        prefix + quote(field.column) for field in model._meta.concrete_fields if field.column is not None
    )


def column_count(model: type[models.Model]) -> int:
    return sum(1 for field in model._meta.concrete_fields if field.column is not None)


def row_instance[M: models.Model](model: type[M], row: Sequence[Any], *, using: str) -> M | None:
    """The instance a row read from database ``using`` holds, as ``raw()`` makes it, when the row's
    first columns are the model's concrete columns in field order; None when its id is NULL (a LEFT
    JOIN found none). No query: the caller ran it with a cursor."""
    connection = connections[using]
    names, converters = _row_shape(model, connection)
    values = list(row[: len(names)])
    if values[names.index(model._meta.pk.attname)] is None:
        return None
    for index, col, functions in converters:
        for function in functions:
            values[index] = function(values[index], col, connection)
    return model.from_db(connection.alias, names, values)
