"""Reads over training content. Nothing here knows about learners (see learning/)."""

import functools
import operator
from collections.abc import Callable, Iterable
from typing import Literal, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Subquery
from modelsearch.backends.base import BaseSearchResults
from wagtail.blocks import StreamValue
from wagtail.models import Page
from wagtail.query import PageQuerySet

from cms.core.page_cache import tree_cached
from cms.core.page_restrictions import live_page_noting_restrictions, page_viewable_by
from cms.core.text import text_displayable
from modules.models import LessonPage, ModulePage

__all__ = [
    "COMPLETABLE_BLOCK_TYPES",
    "ContentUnavailable",
    "OutlineLesson",
    "lesson_block_types",
    "lesson_block_value",
    "lesson_counts_by_module",
    "lesson_live_get",
    "lesson_required_block_ids",
    "lesson_viewable_get",
    "module_lesson_ids_live",
    "module_lessons_for_outline",
    "module_lessons_live",
    "module_of_lesson",
    "module_parent_id",
    "module_titles",
    "module_viewable_get",
    "training_search",
]

# Block types a learner must complete for the lesson to complete, unless the editor
# unticks the block's "required" box (see CONTRACT in docs/modules.md).
COMPLETABLE_BLOCK_TYPES = frozenset(
    {"h5p_activity", "knowledge_check", "mi_scenario", "scorm_activity", "xapi_activity"}
)


def lesson_block_types(*, lesson: LessonPage) -> dict[str, str]:
    """Every block id of the lesson's body, mapped to its block type (read from raw data)."""
    return {block["id"]: block["type"] for block in lesson.body.raw_data if block.get("id")}


def lesson_required_block_ids(*, lesson: LessonPage) -> list[str]:
    """The ids of the lesson's required activities, in page order.

    Read from the body's raw JSON, so no block is converted and no query is made.
    """
    required = []
    for block in lesson.body.raw_data:
        if block.get("type") not in COMPLETABLE_BLOCK_TYPES or not block.get("id"):
            continue
        value = block.get("value") or {}
        if isinstance(value, dict) and value.get("required", True) is False:
            continue
        required.append(block["id"])
    return required


def lesson_block_value(
    *, lesson: LessonPage, block_id: str, block_type: str | None = None
) -> StreamValue.StreamChild | None:
    """The bound block with that id in the lesson's body, or None (optionally of one type)."""
    for block in lesson.body:
        if block.id == block_id and (block_type is None or block.block_type == block_type):
            return block
    return None


def module_of_lesson(*, lesson: Page) -> ModulePage | None:
    """The module a lesson belongs to (its parent), as a module page: one query, or none (cached
    under the page tree's generation, like the outline)."""
    parent_path = lesson.path[: -Page.steplen]
    # False caches "no module there", so an orphan costs no query either.
    found: ModulePage | Literal[False] = tree_cached(
        f"modules:module-of:{parent_path}",
        lambda: ModulePage.objects.filter(path=parent_path).first() or False,
    )
    return found or None


def module_titles() -> dict[int, str]:
    """Every module page's title by id (one query, or none: cached under the page tree's
    generation like the outline, so a rename shows at once). My team sorts and filters by them."""
    return tree_cached(
        "modules:titles", lambda: dict(ModulePage.objects.order_by().values_list("pk", "title"))
    )


def module_parent_id(*, lesson: Page) -> int | None:
    """The id of the module a lesson belongs to (its parent): one query, or none (cached)."""
    module = module_of_lesson(lesson=lesson)
    return module.pk if module is not None else None


def module_lessons_live(*, module: Page) -> list[LessonPage]:
    """The module's live lessons in page-tree order (one query)."""
    return list(LessonPage.objects.child_of(module).live().order_by("path"))


OUTLINE_FIELDS = ("id", "title", "slug", "url_path", "path", "depth", "estimated_minutes", "introduction")


@functools.cache
def _outline_attnames() -> tuple[str, ...]:
    """The outline's fields (and the lesson's own key) in the model's field order, as ``from_db``
    takes them."""
    wanted = {*OUTLINE_FIELDS, LessonPage._meta.pk.attname}
    return tuple(field.attname for field in LessonPage._meta.concrete_fields if field.attname in wanted)


@functools.cache
def _outline_picker() -> Callable[[tuple], tuple]:
    """Takes an outline row's id, title, slug and introduction, in that order."""
    names = _outline_attnames()
    return operator.itemgetter(*(names.index(name) for name in ("id", "title", "slug", "introduction")))


class OutlineLesson:
    """A lesson as its module's outline shows it: its values (plain attributes), and the lesson
    page itself (with those fields only) made when something asks for it, such as a link to it."""

    __slots__ = ("_page", "_row", "introduction", "pk", "slug", "title")

    def __init__(self, row: tuple, pk: int, title: str, slug: str, introduction: str) -> None:
        self._row = row
        self.pk, self.title, self.slug, self.introduction = pk, title, slug, introduction
        self._page: LessonPage | None = None

    @property
    def page(self) -> LessonPage:
        if self._page is None:
            self._page = LessonPage.from_db("default", _outline_attnames(), self._row)
        return self._page


def module_lessons_for_outline(*, module: Page) -> list[OutlineLesson]:
    """The module's live lessons in order, with the fields an outline shows (one query, or none).

    Every lesson page shows its module's outline, so the list is kept in the shared
    cache for FRAME_CACHE_SECONDS under the page tree's generation, which any page
    save, publish, unpublish, move or delete renews (cms.core.page_cache). It is kept as plain
    values (which the process's tier keeps as they are, with nothing to unpickle), and a lesson
    page is made only for the lessons a page links to.
    """
    rows = _outline_lessons(
        module_id=module.pk, lessons=lambda: LessonPage.objects.child_of(module).live().order_by("path")
    )
    pick = _outline_picker()
    return [OutlineLesson(row, *pick(row)) for row in rows]


def _outline_lessons(
    *, module_id: int, lessons: Callable[[], QuerySet[LessonPage]]
) -> tuple[tuple[object, ...], ...]:
    return tree_cached(
        f"modules:outline:v2:{module_id}", lambda: tuple(lessons().values_list(*_outline_attnames()))
    )


def lesson_live_get(*, lesson_id: int) -> LessonPage | None:
    """The live lesson with that id (one query, or none: cached like the outline).

    The same query says whether a view restriction applies to it or an ancestor, so a lesson
    under none answers ``page_viewable_by`` without another.
    """
    # False caches "no such live lesson", so a missing id costs no query either.
    found: LessonPage | Literal[False] = tree_cached(
        f"modules:lesson:{lesson_id}",
        lambda: live_page_noting_restrictions(LessonPage, lesson_id) or False,
    )
    return found or None


class ContentUnavailable(LookupError):
    """No such live lesson or module, or this person may not view it."""


def lesson_viewable_get(*, user: AnonymousUser | AbstractBaseUser, lesson_id: int) -> LessonPage:
    """The live lesson with that id, if this signed-in person may view it (Wagtail's view
    restrictions on the lesson and its ancestors, see page_viewable_by); else ContentUnavailable.

    The one check for everything that acts on a lesson by its id: tracking, answers,
    reflections, marking done. An unrestricted lesson costs no query beyond
    lesson_live_get's (none when cached).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ContentUnavailable("That lesson does not exist or is not available to you.")
    lesson = lesson_live_get(lesson_id=lesson_id)
    if lesson is None or not page_viewable_by(user=user, page=lesson):
        raise ContentUnavailable("That lesson does not exist or is not available to you.")
    return lesson


def module_viewable_get(*, user: AnonymousUser | AbstractBaseUser, module_id: int) -> ModulePage:
    """The live module with that id, if this signed-in person may view it; else ContentUnavailable."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ContentUnavailable("That module does not exist or is not available to you.")
    module = live_page_noting_restrictions(ModulePage, module_id)
    if module is None or not page_viewable_by(user=user, page=module):
        raise ContentUnavailable("That module does not exist or is not available to you.")
    return module


def module_lesson_ids_live(*, module_id: int) -> list[int]:
    """The ids of a module's live lessons, in order, without loading the module (one query, or
    none: the outline's, cached as ``module_lessons_for_outline`` caches it). The outline is
    cached as plain values, which this process's tier keeps as they are: a read copies nothing."""

    def lessons() -> QuerySet[LessonPage]:
        # Built only when the outline is not cached: making a queryset costs more than the read.
        module = Page.objects.filter(id=module_id)
        return (
            LessonPage.objects.live()
            .filter(
                path__startswith=Subquery(module.values("path")[:1]),
                depth=Subquery(module.values("depth")[:1]) + 1,
            )
            .order_by("path")
        )

    rows = _outline_lessons(module_id=module_id, lessons=lessons)
    id_at = _outline_attnames().index(LessonPage._meta.pk.attname)
    return [cast(int, row[id_at]) for row in rows]


def lesson_counts_by_module(*, module_ids: Iterable[int]) -> dict[int, int]:
    """How many live lessons each module has (two queries, however many modules)."""
    modules = list(ModulePage.objects.filter(id__in=list(module_ids)).values_list("id", "path", "depth"))
    counts = dict.fromkeys((module_id for module_id, _, _ in modules), 0)
    if not modules:
        return counts
    by_path = {path: module_id for module_id, path, _ in modules}
    depths = {depth + 1 for _, _, depth in modules}
    lesson_paths = LessonPage.objects.live().filter(depth__in=depths).values_list("path", flat=True)
    for path in lesson_paths:
        module_id = by_path.get(path[: -Page.steplen])
        if module_id is not None:
            counts[module_id] += 1
    return counts


def training_search(*, query: str) -> PageQuerySet | BaseSearchResults:
    """Live modules and lessons matching the words, best first (Wagtail search).

    Characters nobody types (NUL, other controls, lone surrogates) are dropped first, and
    double quotes become spaces: the SQLite backend puts each word in double quotes without
    escaping them ("unterminated string"), and a plain-text search gives quotes no meaning.
    Nothing left to search for finds nothing.
    """
    query = text_displayable(query).replace('"', " ").strip()
    if not query:
        return Page.objects.none()
    return Page.objects.live().type(ModulePage, LessonPage).specific().search(query, operator="and")
