"""Writes for knowledge checks and reflections: marking an answer, keeping a reflection."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cms.core.text import text_problem
from cms.people.models import User
from learning.models import KnowledgeCheckAttempt, LessonProgress, Reflection
from learning.services.cycles import module_progress_lock
from learning.services.progress import ActivityNotFound, activity_complete
from modules.selectors import lesson_block_value, module_parent_id

if TYPE_CHECKING:
    from modules.models import LessonPage


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
    *, user: User, lesson: LessonPage, block_id: str, option_ids: list[str], at: datetime | None = None
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
    module_progress = module_progress_lock(user=user, module_id=module_id, at=at)
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
    *, user: User, lesson: LessonPage, block_id: str, text: str, at: datetime | None = None
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
