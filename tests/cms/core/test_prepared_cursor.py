"""prepared_cursor (cms/core/db/prepared.py): statements prepared on PostgreSQL by a psycopg cursor
kept for the connection's life; Django's own cursor elsewhere."""

import pytest
from django.db import connection

from cms.core.db.prepared import prepared_cursor, row_read
from cms.core.page_restrictions import live_page_noting_restrictions
from modules.models import LessonPage
from tests.modules.factories import module_with_lessons, text_block

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"
)


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@postgres_only
def test_one_cursor_serves_every_statement_of_a_connection_and_django_closes_its_own():
    with prepared_cursor("default") as cursor:
        first, own = cursor.cursor, None
        cursor.execute("SELECT %s::int", [1])
        assert cursor.fetchall() == [(1,)]
    with prepared_cursor("default") as cursor:
        assert cursor.cursor is first
        cursor.execute("SELECT %(n)s::int + %(n)s::int", {"n": 2})
        assert cursor.fetchall() == [(4,)]
    assert not first.closed
    with connection.cursor() as cursor:
        own = cursor.cursor
    assert own.closed  # Django's cursor, swapped back in, was closed as the block ended


@postgres_only
@pytest.mark.django_db(transaction=True)  # the connection is closed: no test transaction around it
def test_a_new_connection_gets_a_new_cursor():
    with prepared_cursor("default") as cursor:
        before = cursor.cursor
    connection.close()
    assert row_read("SELECT %s::text", ["again"], using="default") == ("again",)
    with prepared_cursor("default") as cursor:
        assert cursor.cursor is not before
        assert cursor.cursor.connection is connection.connection


@postgres_only
def test_a_failed_statement_leaves_the_cursor_usable():
    from django.db import DataError, transaction

    with pytest.raises(DataError), transaction.atomic():
        row_read("SELECT %s::int", ["not a number"], using="default")
    assert row_read("SELECT %s::int", ["7"], using="default") == (7,)


@postgres_only
def test_a_page_read_by_id_is_prepared_once_and_then_reused(home_page):
    _module, lessons = module_with_lessons(home_page, bodies=[[text_block()], [text_block()]])
    before = len(_prepared_statements())
    assert live_page_noting_restrictions(LessonPage, lessons[0].pk).pk == lessons[0].pk
    prepared = _prepared_statements()
    assert len(prepared) == before + 1
    assert any('"modules_lessonpage"' in sql for sql in prepared)
    assert live_page_noting_restrictions(LessonPage, lessons[1].pk).pk == lessons[1].pk
    assert len(_prepared_statements()) == len(prepared)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the other databases' path")
def test_elsewhere_it_is_djangos_own_cursor():
    with prepared_cursor("default") as cursor:
        assert type(cursor.cursor).__module__.startswith(("sqlite3", "django"))
        cursor.execute("SELECT %s", [3])
        assert cursor.fetchall() == [(3,)]
    assert row_read("SELECT 1 WHERE 1 = 0", [], using="default") is None
