"""Demo training content, read from the data files beside this module (see docs/modules.md).

Five seeders, in `seed_demo` order: the module index with the demo modules and their
lessons, and the "L&D approval" workflow on the tree (30); the demo H5P package and a
lesson playing it (31); the SCORM module (32, in modules/demo/scorm.py); the cmi5 module
(33, in modules/demo/xapi.py); the MI
scenarios, imported through the product's own importer,
their workflow and a scenario block in the MI foundations module (35). Idempotent:
whatever is already there (by slug, or the package by title) is left as it is, so edits
made in the admin survive a second run.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Site, Workflow, WorkflowContentType

from cms.core.seeding import SeedContext, register
from modules.h5p.demo import demo_package_bytes
from modules.h5p.kind import H5P_KIND
from modules.models import H5PPackage, LessonPage, ModuleIndexPage, ModulePage, Scenario
from modules.scenarios.exchange import scenario_import
from modules.services import LD_APPROVAL_WORKFLOW, ld_approval_workflow_assign, module_index_ensure

from . import scorm as _scorm_seeder  # noqa: F401 - registers the SCORM seeder (order 32)
from . import xapi as _xapi_seeder  # noqa: F401 - registers the cmi5 seeder (order 33)
from .packages import demo_lesson_ensure, demo_module_ensure
from .packages import demo_package_ensure as demo_package_ensure_for

DEMO_DIR = Path(__file__).resolve().parent
SCENARIO_FILES = sorted((DEMO_DIR / "scenarios").glob("*.json"))


def _demo_data(name: str) -> Any:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def _raw_body(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """StreamField raw data with stable ids (knowledge-check answers get ids too)."""
    body = []
    for block in blocks:
        value = block["value"]
        if block["type"] == "knowledge_check":
            value = {
                **value,
                "options": [
                    {"type": "item", "id": str(uuid.uuid4()), "value": option} for option in value["options"]
                ],
            }
        body.append({"type": block["type"], "id": str(uuid.uuid4()), "value": value})
    return body


# --- modules and lessons (order 30) ---------------------------------------------------


def module_seed(*, index: ModuleIndexPage, spec: dict[str, Any]) -> bool:
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
    data = _demo_data("modules.json")
    home = Site.objects.get(is_default_site=True).root_page  # the pages seeder (order 20) made it
    index = module_index_ensure(parent=home, **data["index"])
    created = sum(module_seed(index=index, spec=spec) for spec in data["modules"])
    workflow = ld_approval_workflow_assign(page=index)
    context.say(
        f"modules: {created} created, {len(data['modules']) - created} already there; "
        f"'{workflow.name}' moderates the module tree"
    )


# --- the H5P package and its lesson (order 31) ------------------------------------------


def demo_package_ensure() -> H5PPackage:
    """The demo package, imported (validated and extracted now) if it is not there yet."""
    title = _demo_data("h5p_lesson.json")["package_title"]
    package = demo_package_ensure_for(
        kind=H5P_KIND, title=title, data=demo_package_bytes(), filename="statement-check.h5p"
    )
    return cast(H5PPackage, package)


def h5p_lesson_ensure(*, package: H5PPackage) -> bool:
    """The demo lesson playing the package, at the end of the MI module; False if it exists."""
    data = _demo_data("h5p_lesson.json")
    module, _created = demo_module_ensure(data["module"])
    return demo_lesson_ensure(
        module=module,
        spec=data["lesson"],
        block_type="h5p_activity",
        package=package,
        completion_rule="default",
    )


@register(order=31)
def seed_h5p(context: SeedContext) -> None:
    package = demo_package_ensure()
    created = h5p_lesson_ensure(package=package)
    module_slug = _demo_data("h5p_lesson.json")["module"]["slug"]
    context.say(
        f"h5p: package '{package.title}' ({package.status}); "
        f"lesson {'created' if created else 'already there'} in {module_slug}"
    )


# --- MI scenarios (order 35) -----------------------------------------------------------


def _scenario_workflow_ensure(context: SeedContext) -> None:
    """Put scenarios under the L&D workflow: an L&D editor submits, an L&D lead approves."""
    content_type = ContentType.objects.get_for_model(Scenario)
    if WorkflowContentType.objects.filter(content_type=content_type).exists():
        return
    # cms.people's role setup creates the L&D workflow after every migrate (groups_ensure).
    workflow = Workflow.objects.get(name=LD_APPROVAL_WORKFLOW)
    WorkflowContentType.objects.create(content_type=content_type, workflow=workflow)
    context.say(f"MI scenarios: drafts go through the '{workflow.name}' workflow")


def _scenario_lesson_block_ensure(context: SeedContext) -> None:
    placement = _demo_data("scenario_lesson.json")
    module = ModulePage.objects.filter(slug__in=placement["module_slugs"]).order_by("pk").first()
    scenario = Scenario.objects.filter(slug=placement["scenario_slug"], live=True).first()
    if module is None or scenario is None:
        context.say("MI scenarios: no MI foundations module found; no scenario block added to a lesson")
        return
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    if not lessons:
        return
    if any(block.get("type") == "mi_scenario" for lesson in lessons for block in lesson.body.raw_data):
        return
    # The lesson on OARS and change talk if there is one; otherwise the module's last lesson.
    chosen = next(
        (lesson for lesson in lessons if "change-talk" in lesson.slug or "oars" in lesson.slug), lessons[-1]
    )
    lesson = chosen.get_latest_revision_as_object()
    lesson.body.append(
        ("mi_scenario", {"scenario": scenario, "introduction": placement["introduction"], "required": True})
    )
    lesson.save_revision().publish()
    context.say(f"MI scenarios: added '{scenario.title}' to the lesson '{lesson.title}'")


@register(order=35)
def seed_scenarios(context: SeedContext) -> None:
    created = 0
    with transaction.atomic():
        for path in SCENARIO_FILES:
            raw = path.read_text(encoding="utf-8")
            if Scenario.objects.filter(slug=json.loads(raw)["scenario"]["slug"]).exists():
                continue
            result = scenario_import(raw=raw)
            result.scenario.latest_revision.publish()
            created += 1
        _scenario_workflow_ensure(context)
        _scenario_lesson_block_ensure(context)
    context.say(f"MI scenarios: {created} created, {len(SCENARIO_FILES) - created} already there")
