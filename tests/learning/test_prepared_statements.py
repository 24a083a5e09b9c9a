"""A first completion's statements are prepared on PostgreSQL (learning/services/progress_sql.py)."""

import json

import pytest
from django.db import connection
from django.test import Client

from cms.core.db.prepared import statement_splits
from tests.cms.people.factories import UserFactory
from tests.learning.xapi_statements import statement
from tests.modules.factories import h5p_activity_block, module_with_lessons

URL = "/learning/xapi/statements/"


def _complete(client: Client, lesson, block_id: str) -> dict:
    body = {"lesson_id": lesson.pk, "block_id": block_id, "statement": statement()}
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    return response.json()


def _prepared_on_connection() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_first_completions_statement_is_prepared_once_and_then_reused(home_page, package):
    """The one statement of a first completion (``completion_at_once``: the row's lock, the
    completion, the progress, the xAPI statement and its attempt) is prepared on the connection by
    the first completion; the next learner's completions reuse it (no new prepared statement), and
    every completion still records its progress."""
    bodies = [[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(3)]
    _module, lessons = module_with_lessons(home_page, bodies=bodies)
    first = Client()
    first.force_login(UserFactory())
    for lesson in lessons:
        first.get(lesson.url)
    assert _complete(first, lessons[0], "h5p-0")["newly_completed"] is True
    prepared = _prepared_on_connection()
    assert any(sql.startswith('WITH "locked" AS MATERIALIZED ( SELECT') for sql in prepared), prepared
    kept, split = statement_splits()

    second = Client()
    second.force_login(UserFactory())
    for lesson in lessons:
        second.get(lesson.url)
    answers = [_complete(second, lesson, f"h5p-{n}") for n, lesson in enumerate(lessons[:2])]
    assert [answer["progress"]["module_completed_lessons"] for answer in answers] == [1, 2]
    assert len(_prepared_on_connection()) == len(prepared)
    # The statement is longer than psycopg's own cache takes: its SQL is split once, then kept
    # (as is the lesson's read, which the caches, off in tests, would otherwise answer).
    hits, misses = statement_splits()
    assert misses == split
    assert hits >= kept + 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_one_statement_binds_each_value_once_however_often_its_sql_uses_it(home_page, package):
    """The one statement names its values, so psycopg adapts and sends each once: the plan's 45
    places take 14 values (the user 6 times, the module's lesson ids 4), and with the xAPI statement's
    21 and its attempt's 14 (its link to the statement is SQL) the prepared statement takes 49
    parameters (it took 80 when every place had a value of its own)."""
    body = [h5p_activity_block(package=package, id="h5p-0")]
    _module, lessons = module_with_lessons(home_page, bodies=[body, body])
    learner = Client()
    learner.force_login(UserFactory())
    learner.get(lessons[0].url)
    assert _complete(learner, lessons[0], "h5p-0")["newly_completed"] is True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['WITH "locked" AS MATERIALIZED%'],
        )
        assert [row[0] for row in cursor.fetchall()] == [14 + 21 + 14]


def test_a_first_completion_records_the_same_progress_on_either_database(home_page, package):
    """Whatever the database (prepared on PostgreSQL, Django's cursor on SQLite), the answer
    carries the lesson's and module's progress as written."""
    bodies = [[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(2)]
    _module, lessons = module_with_lessons(home_page, bodies=bodies)
    client = Client()
    client.force_login(UserFactory())
    client.get(lessons[0].url)
    progress = _complete(client, lessons[0], "h5p-0")["progress"]
    assert progress["lesson_completed"] is True
    assert (progress["module_completed_lessons"], progress["module_total_lessons"]) == (1, 2)
