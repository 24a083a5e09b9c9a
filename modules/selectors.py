"""Reads over training content. Nothing here knows about learners (see learning/)."""

from collections.abc import Iterable

from wagtail.models import Page

from modules.models import LessonPage, ModulePage

# Block types a learner must complete for the lesson to complete, unless the editor
# unticks the block's "required" box (see CONTRACT in docs/modules.md).
COMPLETABLE_BLOCK_TYPES = frozenset({"h5p_activity", "knowledge_check", "mi_scenario"})


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


def lesson_block_value(*, lesson: LessonPage, block_id: str, block_type: str | None = None):
    """The bound block with that id in the lesson's body, or None (optionally of one type)."""
    for block in lesson.body:
        if block.id == block_id and (block_type is None or block.block_type == block_type):
            return block
    return None


def module_parent_id(*, lesson: Page) -> int | None:
    """The id of the module a lesson belongs to (its parent), with one small query."""
    parent_path = lesson.path[: -Page.steplen]
    return Page.objects.filter(path=parent_path).values_list("id", flat=True).first()


def module_lessons_live(*, module: Page) -> list[LessonPage]:
    """The module's live lessons in page-tree order (one query)."""
    return list(LessonPage.objects.child_of(module).live().order_by("path"))


def module_lesson_ids_live(*, module_id: int) -> list[int]:
    """The ids of a module's live lessons, in order, without loading the module."""
    module_path = Page.objects.filter(id=module_id).values_list("path", flat=True).first()
    if module_path is None:
        return []
    return list(
        LessonPage.objects.live()
        .filter(path__startswith=module_path, depth=len(module_path) // Page.steplen + 1)
        .order_by("path")
        .values_list("id", flat=True)
    )


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


def training_search(*, query: str):
    """Live modules and lessons matching the words, best first (Wagtail search)."""
    return Page.objects.live().type(ModulePage, LessonPage).specific().search(query, operator="and")
