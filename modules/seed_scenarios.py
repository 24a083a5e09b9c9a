"""Demo content: three published MI scenarios, the L&D workflow on scenarios, and a scenario
block in the MI foundations module. Idempotent: a second run creates nothing.

Imported by modules/seed.py so `seed_demo` discovers it (order 35: after the modules).
"""

from __future__ import annotations

import json

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from cms.core.seeding import SeedContext, register
from modules.models import LessonPage, ModulePage, Scenario
from modules.scenario_seed_data import SCENARIOS
from modules.scenarios.exchange import scenario_import

# Where H4b's seeded MI foundations module lives; the first slug that exists wins.
MI_MODULE_SLUGS = ["motivational-interviewing-foundations", "mi-foundations", "motivational-interviewing"]
LESSON_SCENARIO_SLUG = "craig-evenings"
WORKFLOW_NAME = "L&D review"


def _scenario_workflow_ensure(context: SeedContext) -> None:
    """Put scenarios under the L&D workflow: an L&D editor submits, an L&D lead approves."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowContentType

    content_type = ContentType.objects.get_for_model(Scenario)
    if WorkflowContentType.objects.filter(content_type=content_type).exists():
        return
    # The modules' L&D workflow when it exists (not Wagtail's default "Moderators approval").
    workflow = Workflow.objects.filter(active=True, name__icontains="L&D").order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        task = GroupApprovalTask.objects.create(name="L&D lead approval")
        leads = Group.objects.filter(name="L&D leads").first()
        if leads is not None:
            task.groups.add(leads)
        workflow.workflow_tasks.create(task=task, sort_order=0)
    WorkflowContentType.objects.create(content_type=content_type, workflow=workflow)
    context.say(f"MI scenarios: drafts go through the '{workflow.name}' workflow")


def _lesson_block_ensure(context: SeedContext) -> None:
    module = ModulePage.objects.filter(slug__in=MI_MODULE_SLUGS).order_by("pk").first()
    scenario = Scenario.objects.filter(slug=LESSON_SCENARIO_SLUG, live=True).first()
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
        (
            "mi_scenario",
            {
                "scenario": scenario,
                "introduction": "Put the lesson into practice: a home visit with a father who says "
                "his drinking does not affect his children.",
                "required": True,
            },
        )
    )
    lesson.save_revision().publish()
    context.say(f"MI scenarios: added '{scenario.title}' to the lesson '{lesson.title}'")


@register(order=35)
def seed_scenarios(context: SeedContext) -> None:
    created = 0
    with transaction.atomic():
        for document in SCENARIOS:
            if Scenario.objects.filter(slug=document["scenario"]["slug"]).exists():
                continue
            result = scenario_import(raw=json.dumps(document))
            result.scenario.latest_revision.publish()
            created += 1
        _scenario_workflow_ensure(context)
        _lesson_block_ensure(context)
    context.say(f"MI scenarios: {created} created, {len(SCENARIOS) - created} already there")
