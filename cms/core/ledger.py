"""The send-once ledger: every message is claimed under a unique key before it goes out.

Two ways to use it, one table (``MessageSent``):
- ``message_claim`` for a message sent (or queued after commit) right away: it records the key as
  sent and answers False when the key is already there, so the caller sends nothing.
- ``messages_record`` then ``message_send_once`` for scans that record a batch first and send each
  later from a task: the send claims the row (pending -> sending) with a conditional update, checks
  again that the message is still needed, and puts the row back to pending if sending raises, so a
  retry, a second worker or a rerun of the scan never sends twice and a failed send is retried.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.core.models import MessageSent

Status = MessageSent.Status


def message_kind(*, key: str) -> str:
    """A key's kind is its first part: ``due-soon:12:2026-05-01`` is a ``due-soon``."""
    return key.partition(":")[0]


@dataclass(frozen=True)
class MessagePlan:
    """A message a scan wants recorded: its key and, where it is to one person, who."""

    key: str
    user_id: int | None = None


def message_claim(*, key: str, user_id: int | None = None) -> bool:
    """Record a message under its key as sent now; False when the key was already claimed.

    Runs in a savepoint, so inside a caller's transaction a refused claim leaves it usable, and a
    rolled-back caller releases the key with the rest of its work.
    """
    try:
        with transaction.atomic():
            MessageSent.objects.create(
                key=key,
                kind=message_kind(key=key),
                user_id=user_id,
                status=Status.SENT,
                sent_at=timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def messages_record(*, plans: Iterable[MessagePlan]) -> None:
    """Record messages waiting to send; keys already in the ledger are left as they are."""
    MessageSent.objects.bulk_create(
        [MessageSent(key=plan.key, kind=message_kind(key=plan.key), user_id=plan.user_id) for plan in plans],
        ignore_conflicts=True,
        batch_size=1000,
    )


def messages_waiting(*, kinds: Iterable[str], since: datetime | None = None) -> list[int]:
    """Ids of recorded messages of these kinds not yet sent (three days back unless told)."""
    since = since or timezone.now() - timedelta(days=3)
    return list(
        MessageSent.objects.filter(
            status=Status.PENDING, kind__in=list(kinds), created_at__gte=since
        ).values_list("pk", flat=True)
    )


def message_send_once(
    *,
    message_id: int,
    still_needed: Callable[[MessageSent], bool],
    send: Callable[[MessageSent], None],
) -> str:
    """Send one recorded message at most once; returns its final status (or "missing")."""
    claimed = MessageSent.objects.filter(pk=message_id, status=Status.PENDING).update(status=Status.SENDING)
    if not claimed:
        status = MessageSent.objects.filter(pk=message_id).values_list("status", flat=True).first()
        return status or "missing"
    message = MessageSent.objects.select_related("user").get(pk=message_id)
    if not still_needed(message):
        MessageSent.objects.filter(pk=message_id).update(status=Status.SKIPPED)
        return Status.SKIPPED
    try:
        send(message)
    except Exception:
        # Not sent: put it back so the task's retry (or the next scan) tries again.
        MessageSent.objects.filter(pk=message_id).update(status=Status.PENDING)
        raise
    MessageSent.objects.filter(pk=message_id).update(status=Status.SENT, sent_at=timezone.now())
    return Status.SENT
