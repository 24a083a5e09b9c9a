"""Celery tasks for assignments and reminders (registered from LearningConfig.ready)."""

from celery import shared_task
from django.utils import timezone

from learning.selectors_readiness import readiness_figures_refresh
from learning.services.assignments import enrolments_sync
from learning.services.personal_data import retention_apply
from learning.services.reminders import reminder_send, reminders_scan


@shared_task
def enrolments_sync_task() -> dict:
    """Nightly: enrolments follow people who joined or left an audience."""
    return enrolments_sync()


@shared_task
def reminders_scan_task() -> int:
    """Daily: record today's reminders, then queue each for sending."""
    enrolments_sync()
    log_ids = reminders_scan()
    for log_id in log_ids:
        reminder_send_task.delay(log_id=log_id)
    return len(log_ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def reminder_send_task(*, log_id: int) -> str:
    return reminder_send(log_id=log_id)


@shared_task(expires=240)
def readiness_figures_refresh_task() -> int:
    """Every five minutes: the readiness dashboard's figures, so no viewer waits for them."""
    return readiness_figures_refresh(today=timezone.localdate())


@shared_task
def retention_apply_task() -> int:
    """Daily: anonymise leavers whose records have passed the retention period."""
    return retention_apply()
