"""How long forwarding outbox rows are kept.

Delivered rows are the record of what was sent; after ``LRS_OUTBOX_KEEP_DAYS`` (default 30,
from the environment) ``lrs_outbox_prune`` deletes them, a batch at a time so no one delete
holds many locks or a long transaction (beat runs it nightly, learning/schedules.py). Pending
rows and dead letters are never pruned: a dead letter stays until it is resent or L&D delete
it on the forwarding screen (``outbox_dead_delete``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from learning.models import LrsForwardingTarget, LrsOutbox

__all__ = ["PRUNE_BATCH", "lrs_outbox_prune", "outbox_dead_delete", "outbox_keep_days"]

PRUNE_BATCH = 5000


def outbox_keep_days() -> int:
    """Days delivered rows are kept: settings.LRS_OUTBOX_KEEP_DAYS, at least 1."""
    return max(1, int(getattr(settings, "LRS_OUTBOX_KEEP_DAYS", 30)))


def lrs_outbox_prune(*, now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete delivered rows last sent more than the keep period ago, ``batch`` at a time; answer
    how many were deleted. Each batch is its own short transaction (autocommit)."""
    cutoff = (now or timezone.now()) - timedelta(days=outbox_keep_days())
    old = LrsOutbox.objects.filter(status=LrsOutbox.Status.DELIVERED, last_attempt_at__lt=cutoff)
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        count, _ = LrsOutbox.objects.filter(pk__in=ids, status=LrsOutbox.Status.DELIVERED).delete()
        deleted += count
        if len(ids) < batch:
            return deleted


def outbox_dead_delete(*, target: LrsForwardingTarget, outbox_ids: Iterable[int] | None = None) -> int:
    """L&D give up on a target's dead letters (these, or all of them); answer how many were deleted.

    Only dead letters of this target are deleted; the statements themselves stay in the store.
    """
    rows = LrsOutbox.objects.filter(target=target, status=LrsOutbox.Status.DEAD)
    if outbox_ids is not None:
        rows = rows.filter(pk__in=list(outbox_ids))
    count, _ = rows.delete()
    return count
