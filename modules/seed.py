"""Demo training modules: the module index, ten live modules with their lessons, and the
"L&D approval" workflow on the module tree. Idempotent: modules already there (by slug)
are left as they are, so edits made in the admin survive a second run.
"""

import uuid

from wagtail.models import Site

from cms.core.seeding import SeedContext, register
from modules.models import LessonPage, ModuleIndexPage, ModulePage
from modules.seed_content import MODULES
from modules.services import ld_approval_workflow_assign, module_index_ensure

INDEX_TITLE = "Training modules"
INDEX_INTRODUCTION = (
    "Everything staff and partners need to work in the Family Safeguarding Model: the model itself, "
    "motivational interviewing, and the intervention programmes our teams deliver."
)


def _raw_body(blocks: list[tuple]) -> list[dict]:
    """StreamField raw data with stable ids (knowledge-check answers get ids too)."""
    body = []
    for block_type, value in blocks:
        if block_type == "knowledge_check":
            value = {
                **value,
                "options": [
                    {"type": "item", "id": str(uuid.uuid4()), "value": option} for option in value["options"]
                ],
            }
        body.append({"type": block_type, "id": str(uuid.uuid4()), "value": value})
    return body


def module_seed(*, index: ModuleIndexPage, spec: dict) -> bool:
    """Create and publish one module with its lessons; False if it exists already."""
    if ModulePage.objects.child_of(index).filter(slug=spec["slug"]).exists():
        return False
    outcomes = "".join(f"<li>{outcome}</li>" for outcome in spec["outcomes"])
    module = ModulePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        learning_outcomes=f"<ul>{outcomes}</ul>",
        estimated_minutes=spec["minutes"],
    )
    index.add_child(instance=module)
    module.save_revision().publish()
    for lesson_spec in spec["lessons"]:
        lesson = LessonPage(
            title=lesson_spec["title"],
            introduction=lesson_spec["intro"],
            estimated_minutes=lesson_spec["minutes"],
            body=_raw_body(lesson_spec["blocks"]),
        )
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
    return True


@register(order=30)
def seed_modules(context: SeedContext) -> None:
    home = Site.objects.get(is_default_site=True).root_page  # the pages seeder (order 20) made it
    index = module_index_ensure(parent=home, title=INDEX_TITLE, introduction=INDEX_INTRODUCTION)
    created = sum(module_seed(index=index, spec=spec) for spec in MODULES)
    workflow = ld_approval_workflow_assign(page=index)
    context.say(
        f"modules: {created} created, {len(MODULES) - created} already there; "
        f"'{workflow.name}' moderates the module tree"
    )


# Seeders that live beside this one register themselves when imported: the demo H5P
# package and its lesson (order 31) and the MI scenarios (order 35).
from modules import seed_h5p, seed_scenarios  # noqa: E402, F401
