"""Celery tasks of cms.core: the templated email every app sends through `cms.core.email`.

Queue them with `cms.core.queue` (by dotted path from services, so this module is the only side
that imports the other).
"""

from __future__ import annotations

from celery import shared_task

from cms.core.email import Attachment, email_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_templated_email(
    *, to: list[str], template: str, context: dict, attachments: list, headers: dict
) -> None:
    email_send(
        to=to,
        template=template,
        context=context,
        attachments=[Attachment(*item) for item in attachments],
        headers=headers,
    )
