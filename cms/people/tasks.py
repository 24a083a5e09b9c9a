"""Celery tasks for people, and the helpers that queue them after commit."""

from celery import shared_task
from django.db import transaction


@shared_task
def staff_import_job_run(*, job_id: int) -> str:
    """Run a confirmed staff import (cms.people.staff_import) in the worker, not the web request."""
    from cms.people.staff_import import staff_import_job_run as run

    return run(job_id=job_id)


def staff_import_job_queue(*, job_id: int) -> None:
    """Queue the job once the row that describes it is committed, so the worker can read it."""
    transaction.on_commit(lambda: staff_import_job_run.delay(job_id=job_id))
