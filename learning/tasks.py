"""Celery tasks for records of learning, and the helpers that queue them after commit."""

from collections.abc import Iterable

from celery import shared_task
from django.db import transaction

from learning.services.assignments import enrolments_refresh
from learning.services.certificates import certificate_render as certificate_render_service


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
