"""Fixtures shared by the whole suite."""

import pytest
from django.db import connection

from cms.pages.seed import home_page_ensure


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locking; on SQLite they are skipped with that reason."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locking and concurrency); CI runs it there")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def home_page(db):
    """The seeded home page as the default site's root."""
    return home_page_ensure()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread of this process, consuming this run's queue.

    Use with data committed to the database (the fixture implies a transactional DB):
    the worker reads it over its own connection, as production workers do.
    """
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from cms.celery import app

    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    # Tasks queued by earlier tests (after their commits) must not run against this one.
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[settings.CELERY_TASK_DEFAULT_QUEUE]
    ) as worker:
        yield worker


def wait_for(predicate, *, timeout: float = 10.0, interval: float = 0.05):
    """Poll until `predicate()` is truthy (for work a real worker does asynchronously)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
