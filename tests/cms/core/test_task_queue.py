"""Services queue their app's tasks by dotted path (so only tasks.py imports the other side)."""

import pytest

from cms.core.queue import task_queue, task_queue_after_commit
from cms.core.tasks import send_templated_email


def test_a_path_names_the_same_task_object_a_caller_would_import():
    from cms.core.queue import _task

    assert _task("cms.core.tasks.send_templated_email") is send_templated_email
    assert _task(send_templated_email) is send_templated_email


def test_a_path_that_is_not_a_task_is_refused_in_the_caller_at_once():
    with pytest.raises(TypeError, match="not a Celery task"):
        task_queue("cms.core.queue.task_queue")
    with pytest.raises(ImportError):
        task_queue_after_commit("cms.core.tasks.no_such_task")
