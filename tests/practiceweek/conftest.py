import pytest

from cms.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process (the real task code, synchronously) for tests that read mail.outbox.

    The asynchronous path with a real worker is covered in test_messages.py.
    """
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def sent(django_capture_on_commit_callbacks, eager_celery, mailoutbox):
    """Run on-commit callbacks (queued emails) and return the outbox: `with sent() as outbox: ...`."""
    from contextlib import contextmanager

    @contextmanager
    def _sent():
        with django_capture_on_commit_callbacks(execute=True):
            yield mailoutbox

    return _sent
