"""Writes for H5P tracking: recording xAPI statements, attempts, completion and player state.

H5P statements go into the one statement store (``XAPIStatement``) beside those LRS clients
post to /xapi, with the same index columns, so the LRS returns them too (their actor is the
platform account of the signed-in person).

``statement_record`` is the one path a statement takes: it finds the activity (live
lesson, H5P block, visible to the person), stores the statement once by its id with
the actor taken from the session, keeps an attempt for every result, applies the
block's completion rule and, when met, completes the activity as ``activity_complete`` does.
On PostgreSQL a completion in the common case is one statement with no transaction of its own
(``progress_at_once.completion_at_once``: the statement, its attempt, the completion, the
progress and the forwarding rows); otherwise it runs in the statement's transaction (its first
step, locking the person's progress row, taken by the statement's own INSERT), in which it is
also queued for forwarding to other LRSs (the active targets, unless cached, read by that INSERT
too). Its query count does not depend on the size of the module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from cms.core.db.errors import deadlocked
from cms.core.text import text_problem
from cms.people.models import User
from learning.models import H5PAttempt, H5PPlayerState, ModuleProgress, XAPIStatement
from learning.selectors import (
    ActiveTarget,
    ActivityUnavailable,
    H5PActivity,
    forwarding_targets_cached,
    forwarding_targets_kept,
    forwarding_targets_query,
    h5p_activity_get,
    h5p_version_for_activity,
    platform_agent,
)
from learning.services.lrs import outbox_enqueue, outbox_sender_offer, outbox_target_ids, statement_index
from learning.services.progress import (
    ActivityCompleted,
    activity_complete_at_once,
    activity_complete_touched,
    activity_completion_touch,
)
from learning.services.progress_rows import ProgressTouch, rows_insert, writes_in_one_statement
from learning.services.xapi_schema import Statement, StatementInvalid, statement_parse
from modules.models import LessonPage

RESULT_VERBS = frozenset({"answered", "completed", "passed", "failed"})
MAX_STATE_CHARS = 64 * 1024

__all__ = [
    "ActivityUnavailable",
    "StatementConflict",
    "StatementInvalid",
    "StatementOutcome",
    "completion_rule_met",
    "player_state_save",
    "statement_record",
]


class StatementConflict(ValueError):
    """A statement with that id was already stored for someone else."""


@dataclass(frozen=True)
class StatementOutcome:
    statement_id: str
    duplicate: bool
    activity_completed: bool
    newly_completed: bool
    # The person's progress row in the module as the completion wrote it (None unless it did).
    progress: ModuleProgress | None = None
    # The lesson the completion was written for, as found viewable in this request (None unless
    # it completed), so the answer's progress does not look it up again.
    lesson: LessonPage | None = None


def completion_rule_met(*, rule: str, pass_mark: int | None, statement: Statement) -> bool:
    """Whether a top-level statement completes an H5P activity under the block's rule.

    default: `completed` or `answered` (and `passed` where a pass mark is set);
    answered / completed / passed: only that verb (`passed` also accepts a scored
    answer marked successful or reaching the pass mark); any_progress: any statement.
    With a pass mark, the statement's score must reach it.
    """
    verb = statement.verb
    if rule == "any_progress":
        return True
    scaled = statement.score.scaled if statement.score else None
    meets_mark = pass_mark is None or (scaled is not None and scaled * 100 >= pass_mark - 1e-9)
    if not meets_mark:
        return False
    if rule == "answered":
        return verb == "answered"
    if rule == "completed":
        return verb == "completed"
    if rule == "passed":
        return verb == "passed" or (
            verb in {"answered", "completed"} and (statement.success is True or pass_mark is not None)
        )
    return verb in {"completed", "answered"} or (verb == "passed" and pass_mark is not None)


def _attempt(
    *,
    user: User,
    activity: H5PActivity,
    version_id: int | None,
    statement: Statement,
    completed: bool,
) -> H5PAttempt | None:
    """The attempt a top-level result statement leaves (unsaved; its statement is set on insert)."""
    if version_id is None or statement.verb not in RESULT_VERBS or not statement.top_level:
        return None
    score = statement.score
    return H5PAttempt(
        user=user,
        lesson=activity.lesson,
        block_id=activity.block_id,
        package_version_id=version_id,
        verb=statement.verb,
        score_raw=score.raw if score else None,
        score_min=score.min if score else None,
        score_max=score.max if score else None,
        score_scaled=score.scaled if score else None,
        success=statement.success,
        completion=statement.completion,
        duration_seconds=statement.duration_seconds,
        completed_activity=completed,
    )


def _statement_existing(*, user: User, statement: Statement) -> StatementOutcome | None:
    """The outcome of a statement already stored under this id (None if there is none)."""
    existing = (
        XAPIStatement.objects.filter(statement_id=statement.id)
        .values_list("user_id", "completed_activity")
        .first()
    )
    if existing is None:
        return None
    if existing[0] != user.pk:
        raise StatementConflict("A statement with this id already exists.")
    return StatementOutcome(
        str(statement.id), duplicate=True, activity_completed=existing[1], newly_completed=False
    )


def _statement_store(
    *,
    user: User,
    lesson_id: int,
    block_id: str,
    statement: Statement,
    package_version_id: int | None,
    at: datetime,
    look_first: bool,
) -> StatementOutcome:
    # A statement id is new almost always: the first try inserts straight away and lets the
    # unique constraint catch a repeat (statement_record then tries again with look_first).
    if look_first and (outcome := _statement_existing(user=user, statement=statement)) is not None:
        return outcome
    try:
        activity = h5p_activity_get(user=user, lesson_id=lesson_id, block_id=block_id)
    except ActivityUnavailable:
        # A repeat of a stored statement is answered as one even if its lesson has gone since.
        if not look_first and (outcome := _statement_existing(user=user, statement=statement)) is not None:
            return outcome
        raise
    version_id = h5p_version_for_activity(activity=activity, version_id=package_version_id)
    completes = statement.top_level and completion_rule_met(
        rule=activity.completion_rule, pass_mark=activity.pass_mark, statement=statement
    )
    index = statement_index({**statement.payload, "actor": platform_agent(user_id=user.pk)})
    stored = XAPIStatement(
        statement_id=statement.id,
        source=XAPIStatement.Source.H5P,
        actor_key=index.actor_key,
        activity_id=index.activity_id[:2048],
        registration=index.registration,
        related_agents=index.related_agents,
        related_activities=index.related_activities,
        user=user,
        lesson=activity.lesson,
        block_id=block_id,
        package_version_id=version_id,
        verb=statement.verb_iri,
        top_level=statement.top_level,
        payload=statement.payload,
        completed_activity=completes,
    )
    score = statement.score
    # A completion's first step (locking the person's progress row, inserting the activity's
    # completion) is taken by the statement's own INSERT, as are the forwarding targets unless cached.
    touch = (
        activity_completion_touch(
            user=user,
            lesson=activity.lesson,
            block_id=block_id,
            score=score.raw if score else None,
            max_score=score.max if score else None,
            at=at,
        )
        if completes
        else None
    )
    targets = forwarding_targets_cached()
    attempt = _attempt(
        user=user, activity=activity, version_id=version_id, statement=statement, completed=completes
    )
    if touch is not None and not look_first and writes_in_one_statement():
        # A completion in the common case: one statement, no transaction of its own.
        if targets is None:
            targets = forwarding_targets_kept(rows=forwarding_targets_query())
        outbox_ids = outbox_target_ids(statement=stored, targets=targets)
        at_once = activity_complete_at_once(
            lesson=activity.lesson,
            touch=touch,
            parent=stored,
            child=attempt,
            link="statement",
            outbox_target_ids=outbox_ids,
        )
        if at_once is not None:
            if outbox_ids:
                outbox_sender_offer()
            return _completed_outcome(statement=statement, completed=at_once, lesson=activity.lesson)
    with transaction.atomic():
        return _statement_insert(
            user=user,
            activity=activity,
            statement=statement,
            stored=stored,
            attempt=attempt,
            touch=touch,
            targets=targets,
        )


def _statement_insert(
    *,
    user: User,
    activity: H5PActivity,
    statement: Statement,
    stored: XAPIStatement,
    attempt: H5PAttempt | None,
    touch: ProgressTouch | None,
    targets: list[ActiveTarget] | None,
) -> StatementOutcome:
    """The statement, its attempt and (``touch``) the completion it makes, in the caller's transaction."""
    inserted = rows_insert(
        parent=stored,
        child=attempt,
        link="statement",
        also_read=forwarding_targets_query() if targets is None else None,
        touch=touch,
    )
    if targets is None:
        targets = forwarding_targets_kept(rows=inserted.read)
    outbox_enqueue(statements=[stored], targets=targets)
    if touch is None:
        return StatementOutcome(
            str(statement.id), duplicate=False, activity_completed=False, newly_completed=False
        )
    completed = activity_complete_touched(
        user=user, lesson=activity.lesson, touch=touch, touched=inserted.touched
    )
    return _completed_outcome(statement=statement, completed=completed, lesson=activity.lesson)


def _completed_outcome(
    *, statement: Statement, completed: ActivityCompleted, lesson: LessonPage
) -> StatementOutcome:
    """What a stored statement that completed its activity answers."""
    return StatementOutcome(
        str(statement.id),
        duplicate=False,
        activity_completed=True,
        newly_completed=completed.newly_completed,
        progress=completed.progress,
        lesson=lesson,
    )


def statement_record(
    *,
    user: User,
    lesson_id: int,
    block_id: str,
    statement: dict[str, Any],
    package_version_id: int | None = None,
    at: datetime | None = None,
) -> StatementOutcome:
    """Validate and record one statement from an H5P player for the signed-in `user`.

    Idempotent by statement id: sending the same statement again changes nothing.
    Raises StatementInvalid (bad shape or score), ActivityUnavailable (no such live
    lesson/block, or not visible to the person) or StatementConflict (the id belongs
    to someone else's statement). Call it outside any open transaction: the statement is
    inserted without looking for its id first, so a repeat (sent again, or twice at once)
    is caught by the database's unique constraint, rolled back and retried once, looking
    first.
    """
    parsed = statement_parse(statement)
    at = at or timezone.now()

    def store(*, look_first: bool) -> StatementOutcome:
        return _statement_store(
            user=user,
            lesson_id=lesson_id,
            block_id=block_id,
            statement=parsed,
            package_version_id=package_version_id,
            at=at,
            look_first=look_first,
        )

    def stored_once() -> StatementOutcome:
        try:
            return store(look_first=False)
        except IntegrityError:
            # The statement id is stored already (sent again, or twice at once and the other
            # one won): the first try rolled back whole; this one finds it and reports it.
            return store(look_first=True)

    try:
        return stored_once()
    except OperationalError as error:
        if not deadlocked(error):
            raise
    # The same statement sent twice at once, one copy written by the one statement (the progress
    # row locked, then the statement inserted) and the other by the full path (the other way
    # round): PostgreSQL broke the deadlock by rolling this one back whole. Once more, as first.
    return stored_once()


def player_state_save(
    *, user: User, lesson_id: int, block_id: str, data: str, package_version_id: int | None = None
) -> H5PPlayerState:
    """Save where the learner is in an H5P activity (one row per person, lesson and block)."""
    if not isinstance(data, str) or len(data) > MAX_STATE_CHARS:
        raise StatementInvalid("state must be a string of at most 64 KB.")
    if problem := text_problem(data, label="The saved state"):
        raise StatementInvalid(problem)
    activity = h5p_activity_get(user=user, lesson_id=lesson_id, block_id=block_id)
    version_id = h5p_version_for_activity(activity=activity, version_id=package_version_id)
    state, _ = H5PPlayerState.objects.update_or_create(
        user=user,
        lesson_id=lesson_id,
        block_id=block_id,
        defaults={"data": data, "package_version_id": version_id},
    )
    return state
