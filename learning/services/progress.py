"""Writes to progress: activities, lessons and modules completing, and the records they leave.

Every completion path goes through ``activity_complete`` (activities) or
``lesson_mark_done`` (lessons with nothing to complete). Both run in the caller's
transaction and take a row lock on the person's ``ModuleProgress`` first, so two
completions arriving together for the same person and module are applied one after
the other and the last one sees the module complete.
"""

from __future__ import annotations

import functools
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, router, transaction
from django.utils import timezone

from cms.core.queue import task_queue_after_commit
from cms.core.text import text_problem
from learning.models import (
    ActivityCompletion,
    Certificate,
    KnowledgeCheckAttempt,
    LessonProgress,
    ModuleCompletion,
    ModuleProgress,
    Reflection,
)
from learning.services.assignments import enrolments_mark_complete
from modules.selectors import (
    lesson_block_types,
    lesson_block_value,
    lesson_required_block_ids,
    module_lesson_ids_live,
    module_parent_id,
)

if TYPE_CHECKING:
    from modules.models import LessonPage

# Unambiguous characters for verification codes people may type from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


class ActivityNotFound(ValueError):
    """The block id is not an activity of that lesson."""


class LessonHasRequiredActivities(ValueError):
    """The lesson completes through its activities, not by being marked done."""


def _module_progress_lock(*, user, module_id: int, at: datetime) -> ModuleProgress:
    """The person's progress row for the module, locked for this transaction (created if new)."""
    progress = ModuleProgress.objects.select_for_update().filter(user=user, module_id=module_id).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            ModuleProgress.objects.create(
                user=user,
                module_id=module_id,
                started_at=at,
                last_activity_at=at,
                lessons_total=len(module_lesson_ids_live(module_id=module_id)),
            )
    except IntegrityError:
        pass  # created by a concurrent request: lock theirs below
    return ModuleProgress.objects.select_for_update().get(user=user, module_id=module_id)


@functools.cache
def _module_progress_touch_sql() -> str:
    meta, quote = ModuleProgress._meta, connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    # Identifiers come from the model, quoted; every value is a parameter.
    return (
        f"UPDATE {quote(meta.db_table)} SET {quote('last_lesson_id')} = %s, "  # noqa: S608
        f"{quote('last_activity_at')} = %s WHERE {quote('user_id')} = %s AND {quote('module_id')} = %s "
        f"RETURNING {columns}"
    )


def _module_progress_touch_lock(
    *, user, module_id: int, lesson_id: int, at: datetime
) -> ModuleProgress | None:
    """The person's progress row for the module, locked for this transaction, with the lesson
    recorded as where they were last active: one ``UPDATE ... RETURNING`` rather than a
    ``SELECT ... FOR UPDATE`` and a later UPDATE. None when the row does not exist yet.

    The UPDATE takes the same row lock ``select_for_update`` does (waiting for a concurrent
    holder, then reading its committed row), so what it returns is as safe to change.
    """
    rows = ModuleProgress.objects.raw(
        _module_progress_touch_sql(),
        [lesson_id, at, user.pk, module_id],
        using=router.db_for_write(ModuleProgress),  # raw() would otherwise ask for a read database
    )
    return next(iter(rows), None)


def _lesson_progress_refresh(
    *,
    user,
    lesson: LessonPage,
    module_progress: ModuleProgress,
    required_ids: list[str],
    block_id: str,
    at: datetime,
) -> bool:
    """Add a completed activity to the lesson; complete the lesson when all required ones are done.

    The module row's JSON (locked by the caller) lists the lesson's completed activities
    for the cycle, so no query recounts them. Returns True when the lesson completed in
    this call.
    """
    state = module_progress.lesson_state(lesson.pk)
    done_ids = set(state.get("done", [])) | {block_id}
    required_done = sum(1 for required_id in required_ids if required_id in done_ids)
    was_completed = state.get("status") == LessonProgress.Status.COMPLETED
    completes = not was_completed and bool(required_ids) and required_done == len(required_ids)
    _lesson_state_set(
        module_progress=module_progress,
        lesson_id=lesson.pk,
        status=LessonProgress.Status.COMPLETED if completes else LessonProgress.Status.IN_PROGRESS,
        done=done_ids,
    )
    rows = LessonProgress.objects.filter(user=user, lesson=lesson, cycle=module_progress.cycle)
    if was_completed:
        rows.exclude(required_completed=required_done).update(required_completed=required_done)
        return False
    fields = {"required_completed": required_done, "required_total": len(required_ids)}
    if completes:
        fields |= {"status": LessonProgress.Status.COMPLETED, "completed_at": at}
    if rows.exclude(status=LessonProgress.Status.COMPLETED).update(**fields):
        return completes
    # No row yet (the lesson was never opened), or one completed that the JSON did not know of.
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
        return completes
    except IntegrityError:
        pass
    lesson_progress = LessonProgress.objects.get(user=user, lesson=lesson, cycle=module_progress.cycle)
    if lesson_progress.is_completed:
        if lesson_progress.required_completed != required_done:
            lesson_progress.required_completed = required_done
            lesson_progress.save(update_fields=["required_completed"])
        return False
    for name, value in fields.items():
        setattr(lesson_progress, name, value)
    lesson_progress.save(update_fields=list(fields))
    return completes


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


def _lesson_complete(*, user, lesson: LessonPage, module_progress: ModuleProgress, at: datetime) -> bool:
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


def _module_progress_recount(
    *, user, module_progress: ModuleProgress, at: datetime
) -> ModuleCompletion | None:
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
    completion = None
    if lesson_ids and completed == len(lesson_ids) and module_progress.completed_at is None:
        module_progress.completed_at = at
        completion = _module_completion_record(user=user, module_progress=module_progress, at=at)
    return completion


def _module_completion_record(*, user, module_progress: ModuleProgress, at: datetime) -> ModuleCompletion:
    completion, created = ModuleCompletion.objects.get_or_create(
        user=user,
        module_id=module_progress.module_id,
        cycle=module_progress.cycle,
        defaults={"completed_at": at, "source": ModuleCompletion.Source.ONLINE},
    )
    if created:
        certificate_create(completion=completion)
        enrolments_mark_complete(user=user, module_id=module_progress.module_id, completed_at=at)
    return completion


def certificate_code_generate() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_create(*, completion: ModuleCompletion) -> Certificate:
    """Issue the certificate record for a completion; its files are rendered after commit."""
    user = completion.user
    certificate = Certificate.objects.create(
        completion=completion,
        user=user,
        module_id=completion.module_id,
        code=certificate_code_generate(),
        learner_name=user.get_full_name() or user.email,
        module_title=completion.module.title,
        completed_on=timezone.localdate(completion.completed_at),
        created_at=timezone.now(),
    )
    task_queue_after_commit("learning.tasks.certificate_render", certificate_id=certificate.pk)
    return certificate


def activity_complete(
    *,
    user,
    lesson: LessonPage,
    block_id: str,
    score: float | None = None,
    max_score: float | None = None,
    at: datetime | None = None,
) -> bool:
    """Record that `user` completed the required activity `block_id` of `lesson`.

    Idempotent: a second call never loses or duplicates a completion (a better score
    is kept). Runs inside the caller's transaction. Updates lesson progress; when every
    required block of the lesson is complete the lesson completes; when every live
    lesson of the module is complete the module completes and a ModuleCompletion (and
    its Certificate) is written in the same transaction; the certificate files are
    rendered by Celery after commit. Returns True if this call newly completed the
    activity. Raises ActivityNotFound for a block id that is not in the lesson.
    """
    at = at or timezone.now()
    if block_id not in lesson_block_types(lesson=lesson):
        raise ActivityNotFound(f"Lesson {lesson.pk} has no block {block_id!r}.")
    module_id = module_parent_id(lesson=lesson)
    if module_id is None:
        raise ActivityNotFound(f"Lesson {lesson.pk} is not in a module.")
    return _activity_complete_locked(
        user=user,
        lesson=lesson,
        module_id=module_id,
        block_id=block_id,
        score=score,
        max_score=max_score,
        at=at,
    )


# No savepoint of its own: it is part of the caller's transaction (or is the transaction),
# and an error in it rolls the whole of that back, statement included.
@transaction.atomic(savepoint=False)
def _activity_complete_locked(
    *,
    user,
    lesson: LessonPage,
    module_id: int,
    block_id: str,
    score: float | None,
    max_score: float | None,
    at: datetime,
) -> bool:
    module_progress = _module_progress_touch_lock(user=user, module_id=module_id, lesson_id=lesson.pk, at=at)
    fields = []
    if module_progress is None:
        module_progress = _module_progress_lock(user=user, module_id=module_id, at=at)
        module_progress.last_lesson_id = lesson.pk
        module_progress.last_activity_at = at
        fields += ["last_lesson", "last_activity_at"]

    # By the unique constraint's columns, unordered: at most one row.
    existing = next(
        iter(
            ActivityCompletion.objects.filter(
                user_id=user.pk, lesson_id=lesson.pk, block_id=block_id, cycle=module_progress.cycle
            ).values_list("pk", "score")[:1]
        ),
        None,
    )
    if existing is not None:
        if score is not None and (existing[1] is None or score > existing[1]):
            ActivityCompletion.objects.filter(pk=existing[0]).update(score=score, max_score=max_score)
        newly_completed = False
    else:
        ActivityCompletion.objects.create(
            user=user,
            lesson=lesson,
            block_id=block_id,
            cycle=module_progress.cycle,
            score=score,
            max_score=max_score,
            completed_at=at,
        )
        newly_completed = True

    # A repeat of a completion the row's JSON already holds changes nothing more: the UPDATE
    # that locked the row has recorded where the person was.
    if newly_completed or block_id not in module_progress.lesson_state(lesson.pk).get("done", []):
        lesson_completed = _lesson_progress_refresh(
            user=user,
            lesson=lesson,
            module_progress=module_progress,
            required_ids=lesson_required_block_ids(lesson=lesson),
            block_id=block_id,
            at=at,
        )
        fields.append("lesson_states")
        if lesson_completed:
            _module_progress_recount(user=user, module_progress=module_progress, at=at)
            fields += MODULE_RECOUNT_FIELDS
    if fields:
        module_progress.save(update_fields=list(dict.fromkeys(fields)))
    return newly_completed


@transaction.atomic
def lesson_mark_done(*, user, lesson: LessonPage, at: datetime | None = None) -> bool:
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
    module_progress = _module_progress_lock(user=user, module_id=module_id, at=at)
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
    user,
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
        locked = _module_progress_lock(user=user, module_id=module_id, at=at)
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


@transaction.atomic
def module_cycle_open(*, user, module_id: int, at: datetime | None = None) -> ModuleProgress:
    """Open a new cycle for a person in a module (recertification).

    Earlier cycles' activity completions, completion record and certificate stay;
    the new cycle starts with nothing complete.
    """
    at = at or timezone.now()
    module_progress = _module_progress_lock(user=user, module_id=module_id, at=at)
    module_progress.cycle += 1
    module_progress.lessons_completed = 0
    module_progress.lesson_states = {}
    module_progress.completed_at = None
    module_progress.last_activity_at = at
    module_progress.save(
        update_fields=["cycle", "lessons_completed", "lesson_states", "completed_at", "last_activity_at"]
    )
    return module_progress


class AnswerRefused(ValueError):
    """A knowledge-check answer or reflection that cannot be accepted; the message says why."""


REFLECTION_MAX_LENGTH = 5000


def knowledge_check_score(*, kind: str, options: list[tuple[str, bool]], selected: set[str]) -> int:
    """The percentage score of an answer.

    Single choice: 100 for the correct answer, else 0. Multiple choice: the share of
    answers judged right (ticked when correct, left unticked when wrong).
    """
    if not options:
        return 0
    if kind == "single":
        return 100 if any(correct and option_id in selected for option_id, correct in options) else 0
    judged_right = sum(1 for option_id, correct in options if (option_id in selected) == correct)
    return round(100 * judged_right / len(options))


def _knowledge_check_options(block) -> list[tuple[str, bool]]:
    return [
        (str(child.id), bool(child.value.get("correct"))) for child in block.value["options"].bound_blocks
    ]


@transaction.atomic
def knowledge_check_answer(
    *, user, lesson: LessonPage, block_id: str, option_ids: list[str], at: datetime | None = None
) -> KnowledgeCheckAttempt:
    """Mark an answer to a knowledge check, keep the attempt, and complete it at the pass mark.

    Raises ActivityNotFound when the block is not a knowledge check of this lesson, and
    AnswerRefused for an empty, forged or over-long answer (nothing is recorded then).
    """
    at = at or timezone.now()
    block = lesson_block_value(lesson=lesson, block_id=block_id, block_type="knowledge_check")
    if block is None:
        raise ActivityNotFound(f"Lesson {lesson.pk} has no knowledge check {block_id!r}.")
    options = _knowledge_check_options(block)
    known = {option_id for option_id, _ in options}
    selected = list(dict.fromkeys(str(option_id) for option_id in option_ids))
    if not selected:
        raise AnswerRefused(
            "Choose an answer." if block.value["kind"] == "single" else "Choose at least one answer."
        )
    if any(option_id not in known for option_id in selected):
        raise AnswerRefused("That answer is not one of the options. Choose from the answers shown.")
    if block.value["kind"] == "single" and len(selected) != 1:
        raise AnswerRefused("Choose one answer.")
    score = knowledge_check_score(kind=block.value["kind"], options=options, selected=set(selected))
    passed = score >= int(block.value["pass_mark"] or 100)
    module_id = module_parent_id(lesson=lesson)
    if module_id is None:
        raise ActivityNotFound(f"Lesson {lesson.pk} is not in a module.")
    module_progress = _module_progress_lock(user=user, module_id=module_id, at=at)
    attempt = KnowledgeCheckAttempt.objects.create(
        user=user,
        lesson=lesson,
        block_id=block_id,
        cycle=module_progress.cycle,
        selected_option_ids=selected,
        score_percent=score,
        passed=passed,
        created_at=at,
    )
    # The latest answer is copied into the module row so the lesson page needs no extra query.
    state = module_progress.lesson_state(lesson.pk)
    if not state.get("status"):
        state["status"] = LessonProgress.Status.IN_PROGRESS
    state["checks"] = {**state.get("checks", {}), block_id: {"selected": selected, "score": score}}
    module_progress.lesson_states = {**module_progress.lesson_states, str(lesson.pk): state}
    module_progress.save(update_fields=["lesson_states"])
    if passed:
        activity_complete(user=user, lesson=lesson, block_id=block_id, score=score, max_score=100, at=at)
    return attempt


def reflection_save(
    *, user, lesson: LessonPage, block_id: str, text: str, at: datetime | None = None
) -> Reflection:
    """Save (or replace) a person's private reflection on a prompt of the lesson."""
    at = at or timezone.now()
    if lesson_block_value(lesson=lesson, block_id=block_id, block_type="reflection") is None:
        raise ActivityNotFound(f"Lesson {lesson.pk} has no reflection prompt {block_id!r}.")
    text = (text or "").strip()
    if not text:
        raise AnswerRefused("Write your reflection before saving it.")
    if len(text) > REFLECTION_MAX_LENGTH:
        raise AnswerRefused(f"Your reflection must be {REFLECTION_MAX_LENGTH:,} characters or fewer.")
    if problem := text_problem(text, label="Your reflection"):
        raise AnswerRefused(problem)
    reflection, _ = Reflection.objects.update_or_create(
        user=user,
        lesson=lesson,
        block_id=block_id,
        defaults={"text": text, "updated_at": at},
        create_defaults={"text": text, "created_at": at, "updated_at": at},
    )
    return reflection
