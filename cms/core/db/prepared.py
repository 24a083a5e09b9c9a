"""Statements prepared on the connection (PostgreSQL): ``prepared_cursor`` and ``row_read``.

Django's own cursors bind on the client and prepare nothing: psycopg quotes every value into the
SQL and PostgreSQL parses and plans the statement afresh each time. For the few statements written
once per shape and run on hot paths (a completion's, ``learning.services.progress_sql``; a page
read by id when the caches do not hold it, ``cms.core.page_restrictions``), that planning cost more
than running them. ``prepared_cursor`` gives those statements a psycopg cursor that binds on the
server and has each statement prepared (parsed and planned once per connection, then only
executed) and keeps each statement's split into text and placeholders. A cursor is made for each
use, as Django makes its own: prepared statements belong to the connection, not the cursor.

The settings give psycopg the ``prepare_threshold`` that lets these be prepared (None behind a
connection pooler that cannot keep them: they then run unprepared). Django's wrapper (health check,
error translation, query logging) is kept; only the psycopg cursor inside it is replaced. On other
databases, Django's own cursor.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.backends.utils import CursorWrapper

SPLITS_KEPT = 32  # these statements have a handful of shapes


@functools.cache
def _preparing_cursor_class() -> type[Any]:
    """A psycopg cursor that binds its parameters on the server and has each statement prepared,
    its SQL split into text and placeholders once per process.

    psycopg splits a statement's SQL on its placeholders at every execution, keeping the split only
    for SQL under 4 KB with at most 50 parameters (an ORM's varying multi-row INSERTs would fill its
    cache). A completion's statement is longer and has more parameters, but a few fixed shapes:
    splitting it on every completion cost a sixth of the time spent running it, so the split is
    kept (``SPLITS_KEPT`` shapes at most). psycopg is pinned: this names its private
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


def _time_zone_as_django_gives_it(connection: Any, cursor: Any) -> None:
    """What Django's own ``create_cursor`` does: the cursor reads timestamps in the connection's
    time zone when psycopg's connection was set up with another (a test overriding TIME_ZONE)."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg import adapters
    from psycopg.pq import Format

    loader = connection.connection.adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, cursor)


@contextlib.contextmanager
def prepared_cursor(using: str) -> Iterator[CursorWrapper]:
    """A cursor on database ``using`` whose statements are prepared on PostgreSQL (the module's
    docstring); Django's own cursor elsewhere."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.close()
            cursor.cursor = _preparing_cursor_class()(connection.connection)
            _time_zone_as_django_gives_it(connection, cursor.cursor)
        yield cursor  # Django closes whichever cursor it holds as the block ends


def row_read(sql: str, params: Sequence[Any] | Mapping[str, Any], *, using: str) -> Sequence[Any] | None:
    """The first row a statement run through ``prepared_cursor`` answers (None if it answers none);
    its values given in order (``%s``) or by name (``%(name)s``)."""
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return rows[0] if rows else None
