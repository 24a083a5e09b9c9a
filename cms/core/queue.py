"""The helpers every app queues its Celery tasks with.

Queueing never hangs a request nor turns a committed change into an error page:
`task_queue` publishes with one attempt and short broker timeouts (settings
CELERY_BROKER_TRANSPORT_OPTIONS); when the broker does not take the message it logs
(once per outage), runs the task here, in this process, so the work is not lost (an
email is sent, a certificate rendered, a package extracted, only slower), and for
BROKER_RETRY_SECONDS does not try the broker again, so a dead broker costs no timeout
per message. See docs/accounts-and-security.md, "When Redis is unavailable".
"""

from __future__ import annotations

import logging
import threading
import time

from celery import Task
from django.db import transaction
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

BROKER_RETRY_SECONDS = 5.0


class _BrokerState:
    """This process's view of the broker: when to try it again, and since when it has been down."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.down_since: float | None = None


_brokers: dict[str, _BrokerState] = {}


def _broker_state(task: Task) -> _BrokerState:
    url = str(task.app.conf.broker_write_url or task.app.conf.broker_url)
    return _brokers.setdefault(url, _BrokerState())


def _publish(task: Task, kwargs: dict) -> bool:
    """True when the broker took the message."""
    broker = _broker_state(task)
    if time.monotonic() < broker.retry_at:
        return False
    try:
        task.apply_async(kwargs=kwargs, retry=True, retry_policy={"max_retries": 0})
    except (OperationalError, OSError) as error:
        with broker.lock:
            broker.retry_at = time.monotonic() + BROKER_RETRY_SECONDS
            starts = broker.down_since is None
            if starts:
                broker.down_since = time.monotonic()
        if starts:
            logger.warning("Celery broker unavailable (%s): tasks run where they are queued meanwhile", error)
        return False
    with broker.lock:
        down_since, broker.down_since = broker.down_since, None
    if down_since is not None:
        logger.warning("Celery broker answering again after %.0fs", time.monotonic() - down_since)
    return True


def publisher_prepare() -> None:
    """Do now, without connecting to the broker, the work Celery does once a process on its first
    publish: finalizing the app (its tasks and beat schedules), loading the result backend, the
    broker's transport and the producer pool. A web worker calls it as it starts (gunicorn.conf.py),
    so the first request that queues a task (a module's certificate) does not spend about 50 ms of
    CPU on it; that request then only connects.

    Only a saving: if it fails (a broker URL naming no transport, say), it logs why, and the
    worker starts and serves pages as it would have without it (the first publish then
    fails as it would have, and queueing logs it)."""
    from cms.celery import app

    try:
        app.finalize(auto=True)
        _ = app.backend, app.producer_pool, app.events.Dispatcher
    except Exception:
        logger.exception("Celery's publishing could not be prepared; it will be on the first publish")


def _task(task: Task | str) -> Task:
    """A task, or the task registered under a dotted path such as "learning.tasks.certificate_render".

    Services queue their app's tasks by path, so that `tasks.py` (which calls services) is the only
    side that imports the other: no import cycle between an app's modules.
    """
    if isinstance(task, str):
        found = import_string(task)
        if not isinstance(found, Task):
            raise TypeError(f"{task} is not a Celery task")
        return found
    return task


def task_queue(task: Task | str, /, **kwargs) -> bool:
    """Queue `task` with `kwargs` for a worker, or run it here if the broker is unavailable (then False).

    `task` is the task itself or its dotted path (see `_task`).
    """
    task = _task(task)
    if _publish(task, kwargs):
        return True
    result = task.apply(kwargs=kwargs)
    if result.failed():
        logger.error("task %s failed while run in place of the broker: %r", task.name, result.result)
    return False


def task_queue_after_commit(task: Task | str, /, **kwargs) -> None:
    """Queue `task` once the current transaction commits (nothing if it rolls back), as `task_queue`."""
    task = _task(task)  # an unknown path fails here, in the caller, not later in on_commit
    # robust: the change has committed; whatever happens to its follow-up is logged, never an error page.
    transaction.on_commit(lambda: task_queue(task, **kwargs), robust=True)


def task_publish_after_commit(task: Task | str, /, **kwargs) -> None:
    """Offer `task` to the workers once the current transaction commits, or drop it if the broker
    is unavailable.

    For work a periodic task catches up on anyway (an outbox beat drains): running it in the
    request's process, as `task_queue` does, would make the request wait on someone else's server.
    """
    task = _task(task)
    transaction.on_commit(lambda: _publish(task, kwargs), robust=True)
