"""Reads for forwarding to other LRSs: the active targets' filters (cached), each target's outbox
counts, and its dead letters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cms.core.page_cache import tree_cache_get_many, tree_cache_set, tree_generation
from cms.core.selectors import frame_cache_seconds
from learning.models import LrsForwardingTarget, LrsOutbox

Status = LrsOutbox.Status

__all__ = [
    "ActiveTarget",
    "ForwardingStatus",
    "forwarding_overview",
    "forwarding_status",
    "forwarding_targets_active",
    "forwarding_targets_cached",
    "forwarding_targets_kept",
    "forwarding_targets_query",
    "outbox_dead_letters",
]


@dataclass(frozen=True)
class ActiveTarget:
    """What deciding whether a statement goes to a target needs."""

    pk: int
    verbs: tuple[str, ...]
    activity_prefix: str
    programme_id: int | None


def _targets_key() -> tuple[str, int]:
    seconds = frame_cache_seconds()
    return (f"learning:lrs-forwarding:targets:{tree_generation()}" if seconds else ""), seconds


def forwarding_targets_cached() -> list[ActiveTarget] | None:
    """The active targets' filters if this process or the shared cache holds them (no query);
    None when they must be read (``forwarding_targets_query``)."""
    key, seconds = _targets_key()
    if not key:
        return None
    found = tree_cache_get_many([key], seconds=seconds)
    return list(found[key]) if key in found else None


def forwarding_targets_query() -> QuerySet[LrsForwardingTarget, tuple[Any, ...]]:
    """The read behind the active targets' filters: rows for ``forwarding_targets_kept``. A caller
    about to write may run it inside its own statement (learning.services.xapi)."""
    return (
        LrsForwardingTarget.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "verbs", "activity_prefix", "programme_id")
    )


def forwarding_targets_kept(*, rows: Iterable[Sequence[Any]]) -> list[ActiveTarget]:
    """The targets from the rows ``forwarding_targets_query`` answered, in order, kept in the
    caches (with the frame's caches on) for the statements after."""
    targets = sorted(
        (
            ActiveTarget(pk=pk, verbs=tuple(verbs or ()), activity_prefix=prefix, programme_id=programme_id)
            for pk, verbs, prefix, programme_id in rows
        ),
        key=lambda target: target.pk,
    )
    key, seconds = _targets_key()
    if key:
        tree_cache_set(key, targets, seconds)
    return targets


def forwarding_targets_active() -> list[ActiveTarget]:
    """The active targets' filters, read for every statement stored.

    With the frame's caches on (FRAME_CACHE_SECONDS) they are kept under the page tree's
    generation, which saving or deleting a target renews (learning.apps), so a statement
    stored costs no query for them once a worker has read them.
    """
    cached = forwarding_targets_cached()
    return cached if cached is not None else forwarding_targets_kept(rows=forwarding_targets_query())


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
