"""Forwarding stored statements to other LRSs (the council's): the outbox and its sender.

``outbox_enqueue`` runs inside the transaction that stores statements (LRS POST/PUT and the H5P
session path): one query for the active targets (none once cached, with the frame's caches on;
none on the H5P path, whose INSERT reads them when they are not cached),
at most two more when a target filters by programme, and one bulk insert when any matches,
whatever the batch's size. ``lrs_forward_send`` sends a target's
due rows in batches (a JSON array POSTed with the target's version header), locking them with
``SKIP LOCKED`` so two workers never send the same row; a failure leaves rows pending with an
exponential backoff until ``max_attempts``, when they become dead letters, as does a permanent
refusal (400, 401, 403). A 409 (or a 400) for a batch is settled statement by statement with PUT.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from cms.core.email import absolute_url, email_send
from cms.core.ledger import message_claim
from cms.core.queue import task_publish_after_commit
from cms.people import roles
from cms.people.models import User
from learning.models import Assignment, LrsForwardingTarget, LrsOutbox, XAPIStatement
from learning.selectors.lrs import lrs_statement_payload
from learning.selectors.lrs_forwarding import ActiveTarget, forwarding_targets_active

logger = logging.getLogger(__name__)

SEND_TASK = "learning.tasks.lrs_forward_task"
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
FAILING_ALERT_AFTER = timedelta(hours=1)
PERMANENT_STATUSES = frozenset({400, 401, 403})
DELIVERED_STATUSES = frozenset({200, 204, 409})
ERROR_CHARS = 500
KIND_FAILING = "lrs-forward-failing"

Status = LrsOutbox.Status

__all__ = [
    "BACKOFF_CAP",
    "ForwardReport",
    "ForwardingCredentialsMissing",
    "forwarding_alerts_send",
    "forwarding_backoff",
    "forwarding_target_auth",
    "lrs_forward_send",
    "lrs_forward_send_all",
    "outbox_enqueue",
    "outbox_resend",
    "outbox_sender_offer",
    "outbox_target_ids",
]


class ForwardingCredentialsMissing(ValueError):
    """The target's credentials are neither entered nor in the environment variable it names."""


@dataclass
class ForwardReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    batches: int = 0


def forwarding_backoff(*, attempts: int) -> timedelta:
    """How long a row waits after its `attempts`-th failed try: 30 s, doubling, at most an hour."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def _programme_lessons(*, programme_ids: set[int], lesson_ids: set[int]) -> dict[int, set[int]]:
    """For each programme, which of these lessons belong to a module it assigns (two queries)."""
    modules: dict[int, set[int]] = {}
    for programme_id, module_id in Assignment.objects.filter(programme_id__in=programme_ids).values_list(
        "programme_id", "module_id"
    ):
        modules.setdefault(programme_id, set()).add(module_id)
    wanted = lesson_ids | {module for ids in modules.values() for module in ids}
    paths = dict(Page.objects.filter(pk__in=wanted).values_list("pk", "path"))
    found: dict[int, set[int]] = {}
    for programme_id, module_ids in modules.items():
        prefixes = tuple(paths[module] for module in module_ids if module in paths)
        found[programme_id] = {
            lesson
            for lesson in lesson_ids
            if lesson in paths and prefixes and paths[lesson].startswith(prefixes)
        }
    return found


def _matches(target: ActiveTarget, row: XAPIStatement, programme_lessons: dict[int, set[int]]) -> bool:
    if target.verbs and row.verb not in target.verbs:
        return False
    if target.activity_prefix and not row.activity_id.startswith(target.activity_prefix):
        return False
    if target.programme_id is not None:
        lessons = programme_lessons.get(target.programme_id, set())
        return row.lesson_id is not None and row.lesson_id in lessons
    return True


def outbox_enqueue(
    *,
    statements: Sequence[XAPIStatement],
    at: datetime | None = None,
    targets: list[ActiveTarget] | None = None,
) -> int:
    """Queue these just-stored statements for every active target they match; answer the rows made.

    Call it inside the transaction that stored them: a rollback takes the rows with it. The
    sender is offered the work after commit (never run here: a dead broker only delays it
    until the minute's beat). ``targets``: the active targets, when the caller has read them
    already (``forwarding_targets_kept``).
    """
    if not statements:
        return 0
    if targets is None:
        targets = forwarding_targets_active()
    if not targets:
        return 0
    at = at or timezone.now()
    rows = [
        LrsOutbox(target_id=target.pk, statement=statement, next_attempt_at=at, created_at=at)
        for target, statement in _outbox_pairs(statements=statements, targets=targets)
    ]
    LrsOutbox.objects.bulk_create(rows)
    if rows:
        outbox_sender_offer()
    return len(rows)


def _outbox_pairs(
    *, statements: Sequence[XAPIStatement], targets: list[ActiveTarget]
) -> list[tuple[ActiveTarget, XAPIStatement]]:
    """Each (target, statement) to queue: the statement matches the target's filters."""
    programme_ids = {t.programme_id for t in targets if t.programme_id is not None}
    lesson_ids = {row.lesson_id for row in statements if row.lesson_id is not None}
    programme_lessons = (
        _programme_lessons(programme_ids=programme_ids, lesson_ids=lesson_ids)
        if programme_ids and lesson_ids
        else {}
    )
    return [
        (target, statement)
        for target in targets
        for statement in statements
        if _matches(target, statement, programme_lessons)
    ]


def outbox_target_ids(*, statement: XAPIStatement, targets: list[ActiveTarget]) -> list[int]:
    """The ids of the targets a statement about to be stored is queued for, as ``outbox_enqueue``
    chooses them, for a caller that inserts the rows with the statement (then calls
    ``outbox_sender_offer`` when there are any)."""
    if not targets:
        return []
    return [target.pk for target, _ in _outbox_pairs(statements=[statement], targets=targets)]


def outbox_sender_offer() -> None:
    """Offer the sender the queued rows once the transaction that queued them commits."""
    task_publish_after_commit(SEND_TASK)


def forwarding_target_auth(*, target: LrsForwardingTarget) -> tuple[str, str]:
    """The basic credentials for a target: from its environment variable, else as entered."""
    if target.credentials_env:
        value = os.environ.get(target.credentials_env, "")
        key, colon, secret = value.partition(":")
        if not colon or not key:
            raise ForwardingCredentialsMissing(
                f"The environment variable {target.credentials_env} does not hold key:secret."
            )
        return key, secret
    if not target.username:
        raise ForwardingCredentialsMissing("The target has no credentials.")
    return target.username, target.password


@dataclass(frozen=True)
class _Answer:
    status: int | None  # None: no answer (network error, timeout)
    detail: str


def _call(
    session: requests.Session,
    target: LrsForwardingTarget,
    method: str,
    *,
    body: Any,
    statement_id: str | None = None,
) -> _Answer:
    url = target.endpoint.rstrip("/") + "/statements"
    try:
        response = session.request(
            method,
            url,
            json=body,
            params={"statementId": statement_id} if statement_id else None,
            headers={"X-Experience-API-Version": target.version},
            timeout=settings.LRS_FORWARD_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        return _Answer(None, f"{type(error).__name__}: {error}"[:ERROR_CHARS])
    detail = f"HTTP {response.status_code} from {method} {url}"
    if response.status_code not in DELIVERED_STATUSES:
        detail = f"{detail}: {response.text}"
    return _Answer(response.status_code, detail[:ERROR_CHARS])


def _retry(row: LrsOutbox, target: LrsForwardingTarget, detail: str, now: datetime) -> None:
    row.attempts += 1
    row.last_error = detail
    row.last_attempt_at = now
    if row.attempts >= target.max_attempts:
        row.status = Status.DEAD
    else:
        row.next_attempt_at = now + forwarding_backoff(attempts=row.attempts)


def _settle(row: LrsOutbox, status: Status, detail: str, now: datetime) -> None:
    row.attempts += 1
    row.status = status
    row.last_attempt_at = now
    row.last_error = "" if status == Status.DELIVERED else detail


def _one_by_one(
    session: requests.Session, target: LrsForwardingTarget, rows: list[LrsOutbox], now: datetime
) -> _Answer | None:
    """Settle each row with its own PUT; answer the failure that stopped it (None: each had a verdict)."""
    for index, row in enumerate(rows):
        answer = _call(
            session,
            target,
            "PUT",
            body=lrs_statement_payload(row.statement),
            statement_id=str(row.statement.statement_id),
        )
        if answer.status in DELIVERED_STATUSES:
            _settle(row, Status.DELIVERED, answer.detail, now)
        elif answer.status in PERMANENT_STATUSES:
            _settle(row, Status.DEAD, answer.detail, now)
        else:
            for rest in rows[index:]:
                _retry(rest, target, answer.detail, now)
            return answer
    return None


def _batch_send(
    session: requests.Session, target: LrsForwardingTarget, rows: list[LrsOutbox], now: datetime
) -> _Answer | None:
    """Send one batch and settle its rows; answer the failure the target is in (None: it answered)."""
    answer = _call(session, target, "POST", body=[lrs_statement_payload(row.statement) for row in rows])
    if answer.status in {200, 204}:
        for row in rows:
            _settle(row, Status.DELIVERED, answer.detail, now)
        return None
    if answer.status == 409 or (answer.status == 400 and len(rows) > 1):
        return _one_by_one(session, target, rows, now)
    if answer.status in PERMANENT_STATUSES:
        for row in rows:
            _settle(row, Status.DEAD, answer.detail, now)
        return None if answer.status == 400 else answer
    for row in rows:
        _retry(row, target, answer.detail, now)
    return answer


def _target_health(*, target_id: int, failure: _Answer | None, answered: bool, now: datetime) -> None:
    """Record the target's state: failing since when, the last error, the last delivery."""
    targets = LrsForwardingTarget.objects.filter(pk=target_id)
    if failure is None:
        if answered:
            targets.update(failing_since=None, last_delivered_at=now)
        return
    targets.filter(failing_since__isnull=True).update(failing_since=now)
    targets.update(last_error=failure.detail, last_error_at=now)


def lrs_forward_send(
    *, target_id: int, now: datetime | None = None, max_batches: int | None = None
) -> ForwardReport:
    """Send a target's due rows, batch after batch, until none is due or the target fails.

    Each batch is locked (``SELECT ... FOR UPDATE SKIP LOCKED``) for as long as it is in
    flight, so another worker takes the next batch, never the same one.
    """
    report = ForwardReport()
    target = LrsForwardingTarget.objects.filter(pk=target_id, is_active=True).first()
    if target is None:
        return report
    try:
        auth = forwarding_target_auth(target=target)
    except ForwardingCredentialsMissing as error:
        _target_health(
            target_id=target.pk, failure=_Answer(None, str(error)), answered=False, now=now or timezone.now()
        )
        return report
    with requests.Session() as session:
        session.auth = auth
        while max_batches is None or report.batches < max_batches:
            moment = now or timezone.now()
            with transaction.atomic():
                rows = list(
                    LrsOutbox.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(target_id=target.pk, status=Status.PENDING, next_attempt_at__lte=moment)
                    .select_related("statement")
                    .order_by("next_attempt_at", "pk")[: target.batch_size]
                )
                if not rows:
                    break
                failure = _batch_send(session, target, rows, moment)
                LrsOutbox.objects.bulk_update(
                    rows, ["status", "attempts", "next_attempt_at", "last_error", "last_attempt_at"]
                )
                report.batches += 1
                for row in rows:
                    if row.status == Status.DELIVERED:
                        report.delivered += 1
                    elif row.status == Status.DEAD:
                        report.dead += 1
                    else:
                        report.retried += 1
                answered = any(row.status == Status.DELIVERED for row in rows)
                _target_health(target_id=target.pk, failure=failure, answered=answered, now=moment)
            if failure is not None:
                break
    return report


def lrs_forward_send_all(*, now: datetime | None = None) -> ForwardReport:
    """Every active target's due rows (what the beat runs each minute)."""
    total = ForwardReport()
    for target_id in LrsForwardingTarget.objects.filter(is_active=True).values_list("pk", flat=True):
        report = lrs_forward_send(target_id=target_id, now=now)
        total.delivered += report.delivered
        total.retried += report.retried
        total.dead += report.dead
        total.batches += report.batches
    return total


def outbox_resend(*, target: LrsForwardingTarget, outbox_ids: Iterable[int] | None = None) -> int:
    """Requeue a target's dead letters (these, or all of them); answer how many were requeued.

    Ids that are not this target's dead letters are left alone.
    """
    rows = LrsOutbox.objects.filter(target=target, status=Status.DEAD)
    if outbox_ids is not None:
        rows = rows.filter(pk__in=list(outbox_ids))
    count = rows.update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if count:
        task_publish_after_commit(SEND_TASK)
    return count


def _ld_emails() -> list[str]:
    return sorted(
        set(
            User.objects.filter(is_active=True, groups__name__in=roles.LD_GROUPS)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def forwarding_alerts_send(*, now: datetime | None = None) -> int:
    """Email L&D about each target failing for an hour or more: once per outage.

    The ledger key names the moment the outage began, so a target that recovers (which clears
    ``failing_since``) and fails again is reported again.
    """
    now = now or timezone.now()
    sent = 0
    failing = LrsForwardingTarget.objects.filter(
        is_active=True, failing_since__isnull=False, failing_since__lte=now - FAILING_ALERT_AFTER
    )
    for target in failing:
        assert target.failing_since is not None  # noqa: S101 (filtered above; narrows the type)
        key = f"{KIND_FAILING}:{target.pk}:{target.failing_since.isoformat()}"
        recipients = _ld_emails()
        if not recipients:
            continue
        with transaction.atomic():
            if not message_claim(key=key):
                continue
            email_send(
                to=recipients,
                template="learning/email/lrs_forwarding_failing",
                context={
                    "target": target.name,
                    "endpoint": target.endpoint,
                    "failing_since": timezone.localtime(target.failing_since).strftime("%-d %B %Y %H:%M"),
                    "last_error": target.last_error,
                    "pending": LrsOutbox.objects.filter(target=target, status=Status.PENDING).count(),
                    "admin_url": absolute_url(reverse("learning_lrs_forwarding_target", args=[target.pk])),
                },
            )
        sent += 1
    return sent
