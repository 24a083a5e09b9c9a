"""prepared_cursor (cms/core/db/prepared.py): statements prepared on PostgreSQL by a psycopg cursor
of our own inside Django's wrapper; Django's own cursor elsewhere."""

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
def test_its_statements_are_prepared_and_both_cursors_closed_as_the_block_ends():
    with prepared_cursor("default") as cursor:
        preparing = cursor.cursor
        cursor.execute("SELECT %(n)s::int + %(n)s::int AS prepared_cursor_check", {"n": 2})
        assert cursor.fetchall() == [(4,)]
    assert preparing.closed
    assert any("prepared_cursor_check" in sql for sql in _prepared_statements())


@postgres_only
def test_timestamps_are_read_in_the_time_zone_djangos_own_cursor_reads_them_in():
    """Django's cursor reads timestamps in its connection's time zone where psycopg's connection
    was set up with another (here USE_TZ turned off after connecting); the preparing one too."""
    from django.test.utils import override_settings

    sql, moment = "SELECT %s::timestamptz", ["2026-07-01T12:00:00+00:00"]
    with override_settings(USE_TZ=False):
        with connection.cursor() as cursor:
            cursor.execute(sql, moment)
            (djangos,) = cursor.fetchone()
        (ours,) = row_read(sql, moment, using="default")
    assert str(djangos) == "2026-07-01 13:00:00"  # London's summer time, naive: not UTC
    assert str(ours) == str(djangos)


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
