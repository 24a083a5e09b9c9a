"""Celery tasks shared by every app."""

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
