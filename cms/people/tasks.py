"""Celery tasks for people. Services queue them by dotted path (cms.core.queue) after commit."""

from celery import shared_task

from cms.people.services import staff_import_job_run as _staff_import_job_run


@shared_task
def staff_import_job_run(*, job_id: int) -> str:
    """Run a confirmed staff import (cms.people.services.staff_import) in the worker, not the web request."""
    return _staff_import_job_run(job_id=job_id)
