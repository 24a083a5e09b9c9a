"""Templated email: text and HTML parts, sent by a real Celery worker after commit."""

import pytest
from django.core import mail
from django.db import transaction

from cms.core.email import Attachment, email_send, email_send_after_commit
from tests.conftest import wait_for


def test_email_has_text_and_html_parts_and_attachments():
    email_send(
        to=["ada@oxfordshire.gov.uk"],
        template="core/email/test_message",
        context={"name": "Ada"},
        attachments=[Attachment("invite.ics", "BEGIN:VCALENDAR", "text/calendar")],
    )
    (message,) = mail.outbox
    assert message.subject == "Hello Ada"
    assert "http://testserver/learning/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.attachments[0][0] == "invite.ics"


@pytest.mark.celery
def test_email_is_sent_by_the_worker_only_after_commit(celery_worker):
    """A message queued inside a transaction that rolls back is never sent."""
    with pytest.raises(RuntimeError), transaction.atomic():
        email_send_after_commit(
            to=["x@oxfordshire.gov.uk"], template="core/email/test_message", context={"name": "X"}
        )
        raise RuntimeError("rolled back")
    with transaction.atomic():
        email_send_after_commit(
            to=["y@oxfordshire.gov.uk"], template="core/email/test_message", context={"name": "Y"}
        )
    wait_for(lambda: len(mail.outbox) >= 1)
    assert [m.to for m in mail.outbox] == [["y@oxfordshire.gov.uk"]]
