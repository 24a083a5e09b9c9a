"""Templated email with text and HTML parts, sent now or by Celery after commit.

A message is three templates under one name: `<name>_subject.txt`, `<name>.txt`
and `<name>.html`. Context must be JSON-serialisable when sent through Celery.
Deep links should be built with `absolute_url`.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailAttachment, EmailMultiAlternatives
from django.template.loader import render_to_string

from cms.core.queue import task_queue_after_commit

# An attachment is Django's own (filename, content, mimetype), as EmailMessage.attachments holds.
Attachment = EmailAttachment


def absolute_url(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def email_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """Render the subject (one line), text body and HTML body of a message."""
    context = {"site_base_url": settings.SITE_BASE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def email_send(
    *,
    to: Sequence[str],
    template: str,
    context: dict,
    attachments: Iterable[Attachment] = (),
    headers: dict[str, str] | None = None,
    reply_to: Sequence[str] = (),
) -> None:
    """Send one message now (callers in web requests use `email_send_after_commit`)."""
    subject, text, html = email_render(template=template, context=context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers or {},
        reply_to=list(reply_to),
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send()


def email_send_after_commit(
    *,
    to: Sequence[str],
    template: str,
    context: dict,
    attachments: Iterable[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> None:
    """Queue the message on Celery once the current transaction commits."""
    payload = {
        "to": list(to),
        "template": template,
        "context": context,
        "attachments": [[a.filename, a.content, a.mimetype] for a in attachments],
        "headers": headers or {},
    }
    # The write that queued the message has committed: a broker outage must not turn it
    # into an error page nor lose the message (cms.core.queue).
    task_queue_after_commit("cms.core.tasks.send_templated_email", **payload)
