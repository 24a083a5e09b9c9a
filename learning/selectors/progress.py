"""Reads over records of learning.

The page selectors (``module_outline``, ``lesson_state``) are built for a fixed
number of queries however large the module: one for the lessons (usually cached)
and one for the person's ``ModuleProgress`` (whose JSON copy of lesson states,
completed activities and latest knowledge-check answers answers every status
question), which on a lesson with reflection prompts brings their reflections too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections, router

from cms.core.db.rows import column_count, concrete_columns, row_instance
from cms.people.models import User
from cms.people.selectors import is_learning_and_development
from learning.models import Certificate, ModuleCompletion, ModuleProgress, Reflection
from learning.selectors.status import COMPLETED, NOT_STARTED, STATUS_LABELS
from modules.models import LessonPage, ModulePage
from modules.selectors import (
    OutlineLesson,
    lesson_block_types,
    lesson_required_block_ids,
    module_lesson_ids_live,
    module_lessons_for_outline,
    module_parent_id,
)


def module_completed(*, user: User, module_id: int) -> bool:
    """Whether the person has completed the module in any cycle."""
    return ModuleCompletion.objects.filter(user=user, module_id=module_id).exists()


def modules_completed(*, user: User, module_ids: Iterable[int]) -> set[int]:
    """The subset of module ids the person has completed in any cycle."""
    return set(
        ModuleCompletion.objects.filter(user=user, module_id__in=list(module_ids)).values_list(
            "module_id", flat=True
        )
    )


def module_progress_by_module(*, user: User, module_ids: Iterable[int]) -> dict[int, ModuleProgress]:
    """The person's progress rows for the modules, keyed by module id (one query)."""
    return {p.module_id: p for p in ModuleProgress.objects.filter(user=user, module_id__in=list(module_ids))}


@dataclass(slots=True)
class LessonEntry:
    outline_lesson: OutlineLesson
    number: int
    status: str
    lesson_id: int  # the outline lesson's pk, as a plain value: read for every entry of a page

    @property
    def lesson(self) -> LessonPage:
        """The lesson page (made on first use: a lesson page links to two of its module's lessons)."""
        return self.outline_lesson.page

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_completed(self) -> bool:
        return self.status == COMPLETED


@dataclass
class ModuleOutline:
    """What a person sees of a module: lessons with status, progress, where to continue.

    ``completed`` (how many lessons are complete) and ``positions`` (each lesson's place in
    ``lessons`` by id) are worked out in the one pass that builds the entries (``module_outline``);
    a status only moves from not started to in progress after that, which changes neither.
    """

    module: ModulePage
    lessons: list[LessonEntry]
    progress: ModuleProgress | None
    completed: int
    positions: dict[int, int]
    missing_prerequisites: list[ModulePage] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return self.progress is not None

    @property
    def is_complete(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None

    @property
    def locked(self) -> bool:
        return bool(self.missing_prerequisites)

    @property
    def continue_entry(self) -> LessonEntry | None:
        """The lesson to resume: the last one visited unless done, else the first not done."""
        if not self.lessons:
            return None
        last = self.entry_for(self.progress.last_lesson_id) if self.progress else None
        if last is not None and not last.is_completed:
            return last
        for entry in self.lessons:
            if not entry.is_completed:
                return entry
        return None

    def entry_for(self, lesson_id: int | None) -> LessonEntry | None:
        position = self.positions.get(lesson_id) if lesson_id is not None else None
        return self.lessons[position] if position is not None else None

    def neighbours(self, lesson_id: int) -> tuple[LessonEntry | None, LessonEntry | None]:
        index = self.positions.get(lesson_id)
        if index is None:
            return None, None
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following


def _missing_prerequisites(
    *, user: User, module: ModulePage, progress: ModuleProgress | None
) -> list[ModulePage]:
    """Prerequisite modules the person has not completed (no query once they were met)."""
    if progress is not None and progress.prerequisites_met:
        return []
    prerequisites = list(
        module.prerequisites.live().order_by("title").only("id", "title", "url_path", "path")
    )
    if not prerequisites:
        return []
    done = modules_completed(user=user, module_ids=[p.pk for p in prerequisites])
    return [p for p in prerequisites if p.pk not in done]


@functools.cache
def _state_sql(using: str, with_reflections: bool) -> str:
    """The read of a person's progress row in a module and, ``with_reflections``, their reflections in
    one lesson: one row per reflection (or one row, the progress columns NULL when there is no row,
    the reflection's NULL when there are none), the progress columns first. Written once per
    database and shape (the same text every time; Django's cursor binds it on the client)."""
    quote = connections[using].ops.quote_name
    progress_table = quote(ModuleProgress._meta.db_table)
    columns = concrete_columns(ModuleProgress, using=using, table="p")
    progress_on = f"{quote('p')}.{quote('user_id')} = %s AND {quote('p')}.{quote('module_id')} = %s"
    if not with_reflections:
        return f"SELECT {columns} FROM {progress_table} {quote('p')} WHERE {progress_on}"  # noqa: S608
    reflection_columns = concrete_columns(Reflection, using=using, table="r")
    reflection_on = f"{quote('r')}.{quote('user_id')} = %s AND {quote('r')}.{quote('lesson_id')} = %s"
    return (
        f"SELECT {columns}, {reflection_columns} FROM (SELECT 1 AS {quote('one')}) {quote('o')} "  # noqa: S608
        f"LEFT JOIN {progress_table} {quote('p')} ON {progress_on} "
        f"LEFT JOIN {quote(Reflection._meta.db_table)} {quote('r')} ON {reflection_on}"
    )


def _progress_and_reflections(
    *, user_id: int, module_id: int, lesson_id: int | None
) -> tuple[ModuleProgress | None, dict[str, Reflection]]:
    """The person's progress row in the module (None if they have none) and, when ``lesson_id`` is
    given, their reflections in that lesson by block id: one query, read with a cursor and made
    into instances as the ORM would (``cms.core.db.rows``), without a queryset's per-query work."""
    using = router.db_for_read(ModuleProgress)
    params = [user_id, module_id] if lesson_id is None else [user_id, module_id, user_id, lesson_id]
    with connections[using].cursor() as cursor:
        cursor.execute(_state_sql(using, lesson_id is not None), params)
        rows = cursor.fetchall()
    if not rows:
        return None, {}
    progress = row_instance(ModuleProgress, rows[0], using=using)
    reflections: dict[str, Reflection] = {}
    if lesson_id is not None:
        width = column_count(ModuleProgress)
        for row in rows:
            reflection = row_instance(Reflection, row[width:], using=using)
            if reflection is not None:
                reflections[reflection.block_id] = reflection
    return progress, reflections


def module_outline(*, user: User, module: ModulePage) -> ModuleOutline:
    """The module's live lessons with the person's status in each (two queries; the lessons are
    usually cached, see ``module_lessons_for_outline``)."""
    progress, _ = _progress_and_reflections(user_id=user.pk, module_id=module.pk, lesson_id=None)
    return _outline(user=user, module=module, progress=progress)


def _outline(*, user: User, module: ModulePage, progress: ModuleProgress | None) -> ModuleOutline:
    """The outline of ``module`` for the person whose progress row in it is ``progress``."""
    lessons = module_lessons_for_outline(module=module)
    states = progress.lesson_states if progress else {}
    entries: list[LessonEntry] = []
    positions: dict[int, int] = {}
    completed = 0
    for position, lesson in enumerate(lessons):
        lesson_id = lesson.pk
        saved = states.get(str(lesson_id)) if states else None
        status = (saved.get("status") if saved else None) or NOT_STARTED
        if status == COMPLETED:
            completed += 1
        entries.append(LessonEntry(lesson, position + 1, status, lesson_id))
        positions[lesson_id] = position
    return ModuleOutline(
        module=module,
        lessons=entries,
        progress=progress,
        completed=completed,
        positions=positions,
        missing_prerequisites=_missing_prerequisites(user=user, module=module, progress=progress),
    )


@dataclass
class KnowledgeCheckState:
    completed: bool
    attempt: dict | None  # the latest answer: {"selected": [option ids], "score": percent}


@dataclass
class LessonState:
    """Everything a lesson page shows about the person (see ``lesson_state``)."""

    lesson: LessonPage
    outline: ModuleOutline
    entry: LessonEntry | None
    required_ids: list[str]
    done_ids: set[str]
    attempts: dict[str, dict]
    reflections: dict[str, Reflection]

    @cached_property
    def _neighbours(self) -> tuple[LessonEntry | None, LessonEntry | None]:
        return self.outline.neighbours(self.lesson.pk)

    @property
    def previous(self) -> LessonEntry | None:
        return self._neighbours[0]

    @property
    def next(self) -> LessonEntry | None:
        return self._neighbours[1]

    @property
    def completed(self) -> bool:
        return self.entry is not None and self.entry.is_completed

    @property
    def can_mark_done(self) -> bool:
        return not self.required_ids and not self.completed

    @property
    def required_remaining(self) -> int:
        return sum(1 for block_id in self.required_ids if block_id not in self.done_ids)

    def knowledge_check(self, block_id: str) -> KnowledgeCheckState:
        return KnowledgeCheckState(completed=block_id in self.done_ids, attempt=self.attempts.get(block_id))


def lesson_state(*, user: User, lesson: LessonPage, module: ModulePage) -> LessonState:
    """The person's state in a lesson: status, neighbours, done activities, answers, reflections
    (the progress row and the reflections in one query; the lessons are usually cached)."""
    block_types = set(lesson_block_types(lesson=lesson).values())
    progress, reflections = _progress_and_reflections(
        user_id=user.pk, module_id=module.pk, lesson_id=lesson.pk if "reflection" in block_types else None
    )
    outline = _outline(user=user, module=module, progress=progress)
    saved = progress.lesson_state(lesson.pk) if progress else {}
    return LessonState(
        lesson=lesson,
        outline=outline,
        entry=outline.entry_for(lesson.pk),
        required_ids=lesson_required_block_ids(lesson=lesson),
        done_ids=set(saved.get("done", [])),
        attempts=saved.get("checks", {}),
        reflections=reflections,
    )


def lesson_progress_summary(
    *, user: User, lesson: LessonPage, progress: ModuleProgress | None = None
) -> dict[str, object]:
    """What a lesson page shows of the person's progress, for updating it in place.

    Sent back to the player when an activity completes, so the page's status, the
    remaining count, the module's progress bar and the done marks change without a reload.
    Answered from the person's progress row in the module (its JSON holds every status) and
    the module's lesson ids (cached with the outline): ``progress`` is that row as the
    completion wrote it, when the caller has it, so nothing is read but what the cache holds.
    """
    module_id = progress.module_id if progress is not None else module_parent_id(lesson=lesson)
    if progress is None and module_id is not None:
        progress = ModuleProgress.objects.filter(user=user, module_id=module_id).first()
    lesson_ids = module_lesson_ids_live(module_id=module_id) if module_id is not None else []
    statuses = [
        (progress.lesson_state(lesson_id).get("status") if progress else "") for lesson_id in lesson_ids
    ]
    completed_lessons = statuses.count(COMPLETED)
    saved = progress.lesson_state(lesson.pk) if progress else {}
    status = (saved.get("status") or NOT_STARTED) if lesson.pk in lesson_ids else NOT_STARTED
    done_ids = set(saved.get("done", []))
    return {
        "lesson_status": status,
        "lesson_status_label": STATUS_LABELS[status],
        "lesson_completed": status == COMPLETED,
        "required_remaining": sum(
            1 for block_id in lesson_required_block_ids(lesson=lesson) if block_id not in done_ids
        ),
        "done_block_ids": sorted(done_ids),
        "module_completed_lessons": completed_lessons,
        "module_total_lessons": len(lesson_ids),
        "module_percent": round(100 * completed_lessons / len(lesson_ids)) if lesson_ids else 0,
        "module_completed": progress is not None and progress.completed_at is not None,
    }


def module_completion_latest(*, user: User, module_id: int) -> ModuleCompletion | None:
    """The person's latest completion of the module, with its certificate if any."""
    return (
        ModuleCompletion.objects.filter(user=user, module_id=module_id)
        .select_related("certificate")
        .order_by("-cycle", "-completed_at")
        .first()
    )


def certificate_for_download(*, user: User, code: str) -> Certificate | None:
    """A certificate its owner (or L&D) may download; None for anyone else or an unknown code."""
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return None
    if certificate.user_id == user.pk or is_learning_and_development(user=user):
        return certificate
    return None


def certificate_verify(*, code: str) -> Certificate | None:
    """The certificate with this verification code (public: name, module and date only)."""
    normalised = "".join(code.split()).upper()
    if not normalised.isalnum() or len(normalised) > 20:
        return None
    return Certificate.objects.filter(code=normalised).first()


def certificates_of(*, user: User) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).order_by("-completed_on", "-id"))
