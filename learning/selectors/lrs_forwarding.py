"""Reads for forwarding to other LRSs: each target's outbox counts, and its dead letters."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from learning.models import LrsForwardingTarget, LrsOutbox

Status = LrsOutbox.Status

__all__ = [
    "ForwardingStatus",
    "forwarding_overview",
    "forwarding_status",
    "outbox_dead_letters",
]


@dataclass(frozen=True)
class ForwardingStatus:
    target: LrsForwardingTarget
    delivered: int
    pending: int
    failing: int  # pending rows that have failed at least once
    dead: int

    @property
    def failing_for(self) -> str:
        """How long the target has been failing, in words ("" when it is not)."""
        if self.target.failing_since is None:
            return ""
        minutes = int((timezone.now() - self.target.failing_since).total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _counted(targets: QuerySet[LrsForwardingTarget]) -> QuerySet[LrsForwardingTarget]:
    return targets.annotate(
        n_delivered=Count("outbox", filter=Q(outbox__status=Status.DELIVERED)),
        n_pending=Count("outbox", filter=Q(outbox__status=Status.PENDING)),
        n_failing=Count("outbox", filter=Q(outbox__status=Status.PENDING, outbox__attempts__gt=0)),
        n_dead=Count("outbox", filter=Q(outbox__status=Status.DEAD)),
    )


def _status(target: LrsForwardingTarget) -> ForwardingStatus:
    return ForwardingStatus(
        target=target,
        delivered=getattr(target, "n_delivered", 0),
        pending=getattr(target, "n_pending", 0),
        failing=getattr(target, "n_failing", 0),
        dead=getattr(target, "n_dead", 0),
    )


def forwarding_overview() -> list[ForwardingStatus]:
    """Every target with its counts (one query)."""
    return [_status(target) for target in _counted(LrsForwardingTarget.objects.order_by("name"))]


def forwarding_status(*, target_id: int) -> ForwardingStatus | None:
    """One target with its counts, or None when there is no such target."""
    target = _counted(LrsForwardingTarget.objects.filter(pk=target_id)).first()
    return None if target is None else _status(target)


def outbox_dead_letters(*, target: LrsForwardingTarget, limit: int = 200) -> list[LrsOutbox]:
    """A target's dead letters, the most recent first, with their statements' ids and verbs."""
    return list(
        LrsOutbox.objects.filter(target=target, status=Status.DEAD)
        .select_related("statement")
        .only(
            "pk",
            "attempts",
            "last_error",
            "last_attempt_at",
            "statement__statement_id",
            "statement__verb",
            "statement__activity_id",
        )
        .order_by("-last_attempt_at", "-pk")[:limit]
    )
