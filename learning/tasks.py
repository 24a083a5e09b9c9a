"""Celery tasks for records of learning, and the helpers that queue them after commit.

The periodic ones are scheduled in schedules.py (merged into beat by cms/celery.py).
"""

from collections.abc import Iterable

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from learning.selectors import readiness_figures_refresh
from learning.services import certificate_render as certificate_render_service
from learning.services import (
    enrolments_refresh,
    enrolments_sync,
    reminder_send,
    reminders_scan,
    retention_apply,
)
from learning.services.lrs import forwarding_alerts_send, lrs_forward_send_all, lrs_outbox_prune


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificate_render(*, certificate_id: int) -> None:
    """Render a certificate's PNG and PDF after its completion has committed."""
    certificate_render_service(certificate_id=certificate_id)


@shared_task
def enrolments_refresh_task(*, user_ids: list[int]) -> dict:
    """Enrolments follow people whose team, role, agency, start date or active state just changed."""
    return enrolments_refresh(user_ids=user_ids)


def enrolments_refresh_queue(*, user_ids: Iterable[int]) -> None:
    """Queue one refresh for these people (each named once) when the current transaction commits.

    Robust: if the broker is unreachable the change stays saved and the nightly sync
    brings the enrolments in line.
    """
    ids = sorted({int(user_id) for user_id in user_ids})
    if ids:
        transaction.on_commit(lambda: enrolments_refresh_task.delay(user_ids=ids), robust=True)


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


@shared_task(expires=55)
def lrs_forward_task() -> dict:
    """Every minute, and after each stored batch: send the outbox to the forwarding targets, then
    tell L&D about any target failing for an hour (once per outage)."""
    report = lrs_forward_send_all()
    alerts = forwarding_alerts_send()
    return {"delivered": report.delivered, "retried": report.retried, "dead": report.dead, "alerts": alerts}


@shared_task
def lrs_outbox_prune_task() -> int:
    """Nightly: delete delivered forwarding outbox rows older than LRS_OUTBOX_KEEP_DAYS."""
    return lrs_outbox_prune()
