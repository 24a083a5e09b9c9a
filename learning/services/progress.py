"""Writes to progress: activities, lessons and modules completing, and the records they leave.

Every completion path goes through ``activity_complete`` (activities) or
``lesson_mark_done`` (lessons with nothing to complete). Both run in the caller's
transaction and take a row lock on the person's ``ModuleProgress`` first, so two
completions arriving together for the same person and module are applied one after
the other and the last one sees the module complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NotRequired, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from wagtail.models import Page

from cms.people.models import User
from learning.models import (
    LessonProgress,
    ModuleCompletion,
    ModuleProgress,
)
from learning.services.assignments import enrolments_mark_complete
from learning.services.certificates import certificate_create, certificate_render_queue, certificate_unsaved
from learning.services.cycles import module_progress_lock
from learning.services.progress_at_once import AtOnce, completion_at_once
from learning.services.progress_rows import (
    CompletionRow,
    LessonRowChange,
    ProgressTouch,
    Touched,
    activity_completion_insert,
    activity_completion_score_raise,
    module_completion_insert,
    progress_save_with_lesson,
    progress_touch,
    writes_in_one_statement,
)
from modules.selectors import (
    lesson_block_types,
    lesson_required_block_ids,
    module_lesson_ids_live,
    module_parent_id,
)

if TYPE_CHECKING:
    from modules.models import LessonPage


class ActivityNotFound(ValueError):
    """The block id is not an activity of that lesson."""


class LessonHasRequiredActivities(ValueError):
    """The lesson completes through its activities, not by being marked done."""


def _lesson_progress_change(
    *, module_progress: ModuleProgress, lesson_id: int, required_ids: list[str], block_id: str, at: datetime
) -> tuple[bool, LessonRowChange]:
    """Add a completed activity to the lesson in the locked module row's JSON (which lists the
    lesson's completed activities for the cycle, so no query recounts them), and say what the
    lesson's own row needs. True first when the lesson completes in this call."""
    state = module_progress.lesson_state(lesson_id)
    done_ids = set(state.get("done", [])) | {block_id}
    required_done = sum(1 for required_id in required_ids if required_id in done_ids)
    was_completed = state.get("status") == LessonProgress.Status.COMPLETED
    completes = not was_completed and bool(required_ids) and required_done == len(required_ids)
    _lesson_state_set(
        module_progress=module_progress,
        lesson_id=lesson_id,
        status=LessonProgress.Status.COMPLETED if completes else LessonProgress.Status.IN_PROGRESS,
        done=done_ids,
    )
    if was_completed:
        return False, LessonRowChange(values={"required_completed": required_done}, only_if_open=False)
    values: dict[str, int | str | datetime] = {
        "required_completed": required_done,
        "required_total": len(required_ids),
    }
    if completes:
        values |= {"status": LessonProgress.Status.COMPLETED, "completed_at": at}
    return completes, LessonRowChange(values=values, only_if_open=True)


def _lesson_progress_create(
    *, user: User, lesson: LessonPage, module_progress: ModuleProgress, change: LessonRowChange, at: datetime
) -> None:
    """The lesson's row when the UPDATE found none open: made (the lesson was never opened), or
    brought up to date (one completed that the JSON did not know of keeps its completion)."""
    fields = change.values
    try:
        with transaction.atomic():
            LessonProgress.objects.create(
                user=user,
                lesson=lesson,
                cycle=module_progress.cycle,
                module_id=module_progress.module_id,
                started_at=at,
                last_viewed_at=at,
                **fields,
            )
        return
    except IntegrityError:
        pass
    lesson_progress = LessonProgress.objects.get(user=user, lesson=lesson, cycle=module_progress.cycle)
    if lesson_progress.is_completed:
        if lesson_progress.required_completed != fields["required_completed"]:
            lesson_progress.required_completed = int(fields["required_completed"])
            lesson_progress.save(update_fields=["required_completed"])
        return
    for name, value in fields.items():
        setattr(lesson_progress, name, value)
    lesson_progress.save(update_fields=list(fields))


def _lesson_state_set(
    *, module_progress: ModuleProgress, lesson_id: int, status: str, done: set[str] | None = None
) -> None:
    """Copy a lesson's status (and completed block ids) into the module row's JSON."""
    state = module_progress.lesson_state(lesson_id)
    if state.get("status") != LessonProgress.Status.COMPLETED:
        state["status"] = status
    if done is not None:
        state["done"] = sorted(set(state.get("done", [])) | done)
    module_progress.lesson_states = {**module_progress.lesson_states, str(lesson_id): state}


def _lesson_complete(
    *, user: User, lesson: LessonPage, module_progress: ModuleProgress, at: datetime
) -> bool:
    lesson_progress, _ = LessonProgress.objects.get_or_create(
        user=user,
        lesson=lesson,
        cycle=module_progress.cycle,
        defaults={"module_id": module_progress.module_id, "started_at": at, "last_viewed_at": at},
    )
    if lesson_progress.is_completed:
        return False
    lesson_progress.status = LessonProgress.Status.COMPLETED
    lesson_progress.completed_at = at
    lesson_progress.save(update_fields=["status", "completed_at"])
    return True


MODULE_RECOUNT_FIELDS = ["lessons_completed", "lessons_total", "last_activity_at", "completed_at"]


def _module_progress_recount(*, user: User, module_progress: ModuleProgress, at: datetime) -> None:
    """Recount the module's completed lessons (from the locked row's JSON, under the lesson ids
    the content cache holds) and write the completion record when all are done. The caller
    saves ``MODULE_RECOUNT_FIELDS``."""
    lesson_ids = module_lesson_ids_live(module_id=module_progress.module_id)
    completed = sum(
        1
        for lesson_id in lesson_ids
        if module_progress.lesson_state(lesson_id).get("status") == LessonProgress.Status.COMPLETED
    )
    module_progress.lessons_completed = completed
    module_progress.lessons_total = len(lesson_ids)
    module_progress.last_activity_at = at
    if lesson_ids and completed == len(lesson_ids) and module_progress.completed_at is None:
        module_progress.completed_at = at
        _module_completion_record(user=user, module_progress=module_progress, at=at)


def _module_completion_record(*, user: User, module_progress: ModuleProgress, at: datetime) -> None:
    """The module's completion for the cycle, its certificate and the enrolments mirroring it,
    unless the cycle has a completion already (one statement where the database allows)."""
    completion = ModuleCompletion(
        user=user,
        module_id=module_progress.module_id,
        cycle=module_progress.cycle,
        completed_at=at,
        source=ModuleCompletion.Source.ONLINE,
    )
    if writes_in_one_statement():
        # The statement titles the certificate from the module's page, so no query reads it first.
        certificate_id = module_completion_insert(
            completion=completion, certificate=certificate_unsaved(completion=completion, module_title="")
        )
        if certificate_id is not None:
            certificate_render_queue(certificate_id=certificate_id)
        return
    completion, created = ModuleCompletion.objects.get_or_create(
        user=user,
        module_id=module_progress.module_id,
        cycle=module_progress.cycle,
        defaults={"completed_at": at, "source": ModuleCompletion.Source.ONLINE},
    )
    if created:
        certificate_create(completion=completion)
        enrolments_mark_complete(user=user, module_id=module_progress.module_id, completed_at=at)


@dataclass(frozen=True)
class ActivityCompleted:
    """What ``activity_complete_with_progress`` did: whether the completion is new, and the
    person's progress row for the module as it wrote it (for the page's answer, no re-read)."""

    newly_completed: bool
    progress: ModuleProgress


class ActivityDone(TypedDict):
    """Who completed which required block of which lesson, with the score and time where known."""

    user: User
    lesson: LessonPage
    block_id: str
    score: NotRequired[float | None]
    max_score: NotRequired[float | None]
    at: NotRequired[datetime | None]


def activity_complete(**done: Unpack[ActivityDone]) -> bool:
    """Record that `user` completed the required activity `block_id` of `lesson`.

    Idempotent: a second call never loses or duplicates a completion (a better score
    is kept). Runs inside the caller's transaction. Updates lesson progress; when every
    required block of the lesson is complete the lesson completes; when every live
    lesson of the module is complete the module completes and a ModuleCompletion (and
    its Certificate) is written in the same transaction; the certificate files are
    rendered by Celery after commit. Returns True if this call newly completed the
    activity. Raises ActivityNotFound for a block id that is not in the lesson.
    """
    return activity_complete_with_progress(**done).newly_completed


def activity_completion_touch(**done: Unpack[ActivityDone]) -> ProgressTouch:
    """A completion's first step, for a caller that runs it in a statement of its own (as
    ``rows_insert``'s ``touch``) and then calls ``activity_complete_touched``. Raises
    ActivityNotFound for a block id that is not in the lesson."""
    user, lesson, block_id = done["user"], done["lesson"], done["block_id"]
    if block_id not in lesson_block_types(lesson=lesson):
        raise ActivityNotFound(f"Lesson {lesson.pk} has no block {block_id!r}.")
    return ProgressTouch(
        completion=CompletionRow(
            user_id=user.pk,
            lesson_id=lesson.pk,
            block_id=block_id,
            score=done.get("score"),
            max_score=done.get("max_score"),
            completed_at=done.get("at") or timezone.now(),
        ),
        module_path=lesson.path[: -Page.steplen],
    )


def activity_complete_with_progress(**done: Unpack[ActivityDone]) -> ActivityCompleted:
    """``activity_complete``, answering the progress row as written too."""
    touch = activity_completion_touch(**done)
    # The touch locks the progress row for what follows: one transaction (the caller's, if any).
    with transaction.atomic(savepoint=False):
        return activity_complete_touched(
            user=done["user"], lesson=done["lesson"], touch=touch, touched=progress_touch(touch=touch)
        )


def activity_complete_at_once(
    *,
    lesson: LessonPage,
    touch: ProgressTouch,
    parent: Model,
    child: Model | None,
    link: str,
    outbox_target_ids: list[int],
) -> ActivityCompleted | None:
    """A first completion in the common case written by one statement with the rows of the record
    that completes it (``parent``, and ``child``, if any, pointing to it by ``link``), on PostgreSQL: what
    ``activity_complete_touched`` would write after ``rows_insert``, without a transaction of its
    own. None, with nothing written, where that does not cover the case (see
    ``completion_at_once``): the caller then takes that path."""
    module_id = module_parent_id(lesson=lesson)
    if module_id is None:
        return None
    done = completion_at_once(
        parent=parent,
        child=child,
        link=link,
        at_once=AtOnce(
            touch=touch,
            required_ids=lesson_required_block_ids(lesson=lesson),
            module_lesson_ids=module_lesson_ids_live(module_id=module_id),
            outbox_target_ids=outbox_target_ids,
        ),
    )
    return (
        None
        if done is None
        else ActivityCompleted(newly_completed=done.newly_completed, progress=done.progress)
    )


# No savepoint of its own: it is part of the caller's transaction (or is the transaction),
# and an error in it rolls the whole of that back, statement included.
@transaction.atomic(savepoint=False)
def activity_complete_touched(
    *, user: User, lesson: LessonPage, touch: ProgressTouch, touched: Touched | None
) -> ActivityCompleted:
    """``activity_complete_with_progress`` once ``touch`` has run, in the caller's transaction
    (which holds the progress row's lock since), with what it answered."""
    completion = touch.completion
    at, block_id = completion.completed_at, completion.block_id
    fields = []
    newly_completed: bool | None = None
    if touched is not None:
        module_progress, newly_completed = touched.progress, touched.newly_completed
    else:
        # No progress row yet (the lesson was never opened): its module, then the row, made.
        module_id = module_parent_id(lesson=lesson)
        if module_id is None:
            raise ActivityNotFound(f"Lesson {lesson.pk} is not in a module.")
        module_progress = module_progress_lock(user=user, module_id=module_id, at=at)
        module_progress.last_lesson_id = lesson.pk
        module_progress.last_activity_at = at
        fields += ["last_lesson", "last_activity_at"]
    if newly_completed is None:
        newly_completed = activity_completion_insert(completion=completion, cycle=module_progress.cycle)
    if not newly_completed:
        activity_completion_score_raise(completion=completion, cycle=module_progress.cycle)

    # A repeat of a completion the row's JSON already holds changes nothing more: the UPDATE
    # that locked the row has recorded where the person was.
    if newly_completed or block_id not in module_progress.lesson_state(lesson.pk).get("done", []):
        lesson_completed, change = _lesson_progress_change(
            module_progress=module_progress,
            lesson_id=lesson.pk,
            required_ids=lesson_required_block_ids(lesson=lesson),
            block_id=block_id,
            at=at,
        )
        fields.append("lesson_states")
        if lesson_completed:
            _module_progress_recount(user=user, module_progress=module_progress, at=at)
            fields += MODULE_RECOUNT_FIELDS
        changed = progress_save_with_lesson(
            progress=module_progress, fields=list(dict.fromkeys(fields)), lesson_id=lesson.pk, change=change
        )
        if not changed and change.only_if_open:
            _lesson_progress_create(
                user=user, lesson=lesson, module_progress=module_progress, change=change, at=at
            )
    elif fields:
        module_progress.save(update_fields=list(dict.fromkeys(fields)))
    return ActivityCompleted(newly_completed=newly_completed, progress=module_progress)


@transaction.atomic
def lesson_mark_done(*, user: User, lesson: LessonPage, at: datetime | None = None) -> bool:
    """Complete a lesson that has no required activities, when the learner says so.

    Returns True if the lesson newly completed. Raises LessonHasRequiredActivities
    for a lesson whose activities decide its completion.
    """
    at = at or timezone.now()
    if lesson_required_block_ids(lesson=lesson):
        raise LessonHasRequiredActivities("Complete the activities in this lesson to finish it.")
    module_id = module_parent_id(lesson=lesson)
    if module_id is None:
        raise LessonHasRequiredActivities("This lesson is not in a module.")
    module_progress = module_progress_lock(user=user, module_id=module_id, at=at)
    completed = _lesson_complete(user=user, lesson=lesson, module_progress=module_progress, at=at)
    _lesson_state_set(
        module_progress=module_progress, lesson_id=lesson.pk, status=LessonProgress.Status.COMPLETED
    )
    module_progress.last_lesson_id = lesson.pk
    fields = ["last_lesson", "lesson_states"]
    if completed:
        _module_progress_recount(user=user, module_progress=module_progress, at=at)
        fields += MODULE_RECOUNT_FIELDS
    module_progress.save(update_fields=fields)
    return completed


def lesson_visit(
    *,
    user: User,
    lesson: LessonPage,
    module_id: int,
    module_progress: ModuleProgress | None,
    prerequisites_met: bool,
    at: datetime | None = None,
) -> None:
    """Remember the lesson as where the person left off, and mark it started.

    ``module_progress`` is the row the page already read (or None). A repeat visit
    to a lesson already started writes at most one small UPDATE; a first visit takes
    the row lock, as completions do, so it never overwrites a completion.
    """
    at = at or timezone.now()
    if module_progress is not None and module_progress.lesson_state(lesson.pk).get("status"):
        if module_progress.last_lesson_id != lesson.pk:
            ModuleProgress.objects.filter(pk=module_progress.pk).update(
                last_lesson_id=lesson.pk, last_activity_at=at
            )
            module_progress.last_lesson_id = lesson.pk
        return
    with transaction.atomic():
        locked = module_progress_lock(user=user, module_id=module_id, at=at)
        LessonProgress.objects.get_or_create(
            user=user,
            lesson=lesson,
            cycle=locked.cycle,
            defaults={"module_id": module_id, "started_at": at, "last_viewed_at": at},
        )
        _lesson_state_set(
            module_progress=locked, lesson_id=lesson.pk, status=LessonProgress.Status.IN_PROGRESS
        )
        locked.last_lesson_id = lesson.pk
        locked.last_activity_at = at
        locked.prerequisites_met = locked.prerequisites_met or prerequisites_met
        locked.save(update_fields=["lesson_states", "last_lesson", "last_activity_at", "prerequisites_met"])
