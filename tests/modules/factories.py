"""Factories for training content (modules): the module tree and lesson blocks."""

import uuid
from functools import partial

import factory
import wagtail_factories

from modules.models import LessonPage, ModuleIndexPage, ModulePage
from modules.packages.services import package_create, package_version_extract


def block_id() -> str:
    return str(uuid.uuid4())


def knowledge_check_block(
    *,
    id: str | None = None,
    question: str = "Which of these is an open question?",
    kind: str = "single",
    options: list[dict] | None = None,
    pass_mark: int = 100,
    required: bool = True,
) -> dict:
    """A knowledge check in StreamField raw form; options get stable ids (o1, o2, ...)."""
    options = options or [
        {"text": "Did you drink last night?", "correct": False, "feedback": "Closed: it invites yes or no."},
        {
            "text": "What would a good week look like?",
            "correct": True,
            "feedback": "Open: it invites a story.",
        },
        {
            "text": "Why haven't you stopped?",
            "correct": False,
            "feedback": "A 'why' question sounds like blame.",
        },
    ]
    return {
        "type": "knowledge_check",
        "id": id or block_id(),
        "value": {
            "question": question,
            "kind": kind,
            "options": [
                {
                    "type": "item",
                    "id": option.get("id", f"o{index}"),
                    "value": {k: v for k, v in option.items() if k != "id"},
                }
                for index, option in enumerate(options, start=1)
            ],
            "pass_mark": pass_mark,
            "required": required,
        },
    }


def text_block(text: str = "<p>Parents are capable of change.</p>", *, id: str | None = None) -> dict:
    return {"type": "rich_text", "id": id or block_id(), "value": text}


def reflection_block(*, id: str | None = None, prompt: str = "What stood out for you?") -> dict:
    return {"type": "reflection", "id": id or block_id(), "value": {"prompt": prompt, "guidance": ""}}


class ModuleIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModuleIndexPage

    title = "Training modules"
    slug = "modules"
    introduction = "Everything you need to work in the Family Safeguarding Model."


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    summary = "A short module for testing."
    learning_outcomes = "<ul><li>Know the model.</li></ul>"
    estimated_minutes = 30


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    introduction = "What this lesson covers."
    body = factory.LazyFunction(lambda: [text_block()])


def module_index_ensure(home_page) -> ModuleIndexPage:
    """The one module index under the home page."""
    index = ModuleIndexPage.objects.first()
    return index or ModuleIndexPageFactory(parent=home_page)


def module_with_lessons(
    home_page, *, bodies: list[list[dict]], **module_fields
) -> tuple[ModulePage, list[LessonPage]]:
    """A live module under the index with one live lesson per body given."""
    module = ModulePageFactory(parent=module_index_ensure(home_page), **module_fields)
    lessons = [LessonPageFactory(parent=module, body=body) for body in bodies]
    return module, lessons


# Packages of every kind (H5P, SCORM) and the blocks that play them.


def lesson_submitted_for_review(
    home_page,
    *,
    body: list,
    lesson_title: str = "",
    editor_name: str = "",
    lead_name: str = "",
    **module_fields,
) -> dict:
    """An L&D editor's draft of a lesson with `body`, submitted to the L&D approval workflow on the
    module index: the lesson, its editor, an L&D lead who may review it, and the workflow's task."""
    from cms.people import roles
    from cms.people.services import groups_ensure
    from modules.services import ld_approval_workflow_assign
    from tests.cms.people.factories import staff_member

    groups_ensure()
    editor = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, **_first_name(editor_name))
    lead = staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD, mfa=True, **_first_name(lead_name))
    module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block()]], **module_fields)
    workflow = ld_approval_workflow_assign(page=module.get_parent())
    lesson.body = body
    lesson.title = lesson_title or lesson.title
    lesson.save_revision(user=editor)
    state = workflow.start(lesson, editor)
    return {"lesson": lesson, "editor": editor, "lead": lead, "task": state.current_task_state.task}


def _first_name(name: str) -> dict[str, str]:
    return {"first_name": name} if name else {}


def h5p_and_scenario_body(package, scenario) -> list:
    """A lesson body with text, an H5P activity and an MI scenario (as Wagtail takes it in Python)."""
    return [
        ("rich_text", "<p>Read this first.</p>"),
        ("h5p_activity", {"package": package, "heading": "True or false?", "completion_rule": "default"}),
        ("mi_scenario", {"scenario": scenario, "introduction": "", "required": True}),
    ]


def package_ready(*, kind: str, title: str | None = None, data: bytes | None = None, uploaded_by=None):
    """A ready package of that kind ("h5p", "scorm", "xapi"), uploaded and extracted to storage
    through the real generic services. Defaults to the kind's demo package (H5P:
    modules/h5p/demo_content; SCORM: the 1.2 course in modules/scorm/demo_content; xAPI: the cmi5
    demo course) and its demo title."""
    from django.core.files.base import ContentFile

    from modules.h5p.demo import demo_package_bytes as h5p_demo
    from modules.packages.kinds import package_kind_get
    from modules.scorm.demo import demo_package_bytes as scorm_demo
    from modules.xapi_packages.demo import cmi5_demo_package_bytes

    demo_title, demo = {
        "h5p": ("Check your understanding", h5p_demo),
        "scorm": ("Recording what families tell us", scorm_demo),
        "xapi": ("Family Safeguarding Model quiz", cmi5_demo_package_bytes),
    }[kind]
    package_kind = package_kind_get(kind)
    name = f"package.{package_kind.upload_extension}"
    upload = ContentFile(data if data is not None else demo(), name=name)
    title = demo_title if title is None else title
    version = package_create(kind=package_kind, title=title, upload=upload, uploaded_by=uploaded_by)
    version = package_version_extract(kind=package_kind, version_id=version.pk)
    version.package.refresh_from_db()
    return version.package


def package_activity_block(
    *,
    block_type: str,
    package,
    id: str | None = None,
    completion_rule: str,
    pass_mark: int | None = None,
    required: bool = True,
    heading: str = "",
) -> dict:
    """A package activity block (`h5p_activity`, `scorm_activity`) in StreamField raw form."""
    return {
        "type": block_type,
        "id": id or block_id(),
        "value": {
            "package": package.pk,
            "heading": heading,
            "completion_rule": completion_rule,
            "pass_mark": pass_mark,
            "required": required,
        },
    }


h5p_package_ready = partial(package_ready, kind="h5p")
scorm_package_ready = partial(package_ready, kind="scorm")
h5p_activity_block = partial(
    package_activity_block,
    block_type="h5p_activity",
    completion_rule="default",
    heading="Check your understanding",
)
scorm_activity_block = partial(
    package_activity_block, block_type="scorm_activity", completion_rule="completed"
)


# MI scenarios (H4c): a small scenario in the shareable format, and published scenarios.


def scenario_document(*, slug: str = "dan-practice", **overrides) -> dict:
    """A small valid scenario document (format version 1).

    The graph: open -> (better | worse); better -> (end-good | worse); worse -> (better | end-bad).
    A loop between better and worse, with exits to both ends.
    """

    def response(text, code, next_key, **extra):
        return {"text": text, "code": code, "feedback": f"Feedback on: {text}", "next": next_key, **extra}

    scenario = {
        "slug": slug,
        "title": "Dan: a practice visit",
        "summary": "A short practice conversation.",
        "persona": {
            "name": "Dan",
            "situation": "A father visited after a school referral.",
            "family_context": "Dan lives with his son Alfie (6).",
            "concerns": "Alfie has been coming to school hungry.",
        },
        "initial_state": {"readiness": 3, "openness": 4},
        "minimum_profile": {"mi_consistent_percent": None, "reflections_per_question": None},
        "start": "open",
        "nodes": [
            {
                "type": "parent",
                "key": "open",
                "text": "Why are you here? Alfie's fine.",
                "talk_type": "sustain",
                "responses": [
                    response("You're worried about why I'm here.", "complex_reflection", "better"),
                    response("The school says he's hungry.", "confrontation", "worse"),
                    response("What are mornings like?", "open_question", "better"),
                ],
            },
            {
                "type": "parent",
                "key": "better",
                "text": "I do want him to be okay.",
                "talk_type": "change",
                "change_talk_kind": "desire",
                "effects": {"readiness": 2, "openness": 1},
                "responses": [
                    response("You want the best for him.", "simple_reflection", "end-good"),
                    response("Then feed him breakfast.", "advice_without_permission", "worse"),
                ],
            },
            {
                "type": "parent",
                "key": "worse",
                "text": "I think you should go.",
                "talk_type": "sustain",
                "effects": {"readiness": -1, "openness": -2},
                "responses": [
                    response(
                        "You're fed up with people telling you what to do.", "complex_reflection", "better"
                    ),
                    response("Did you hear what I said?", "closed_question", "end-bad"),
                ],
            },
            {
                "type": "end",
                "key": "end-good",
                "title": "Dan made a plan",
                "outcome": "engaged",
                "debrief": "Well done.",
            },
            {
                "type": "end",
                "key": "end-bad",
                "title": "Dan shut the door",
                "outcome": "disengaged",
                "debrief": "Try again.",
            },
        ],
    }
    scenario.update(overrides)
    return {"format": "mi-scenario", "version": 1, "scenario": scenario}


def scenario_create(*, document: dict | None = None, live: bool = True, **overrides):
    """A scenario built through the importer (as councils share them), published unless live=False."""
    import json

    from modules.scenarios.exchange import scenario_import

    result = scenario_import(raw=json.dumps(document or scenario_document(**overrides)))
    if live:
        result.scenario.latest_revision.publish()
        result.scenario.refresh_from_db()
    return result.scenario


def scenario_block(scenario, *, id: str | None = None, required: bool = True) -> dict:
    """An `mi_scenario` lesson block in StreamField raw form."""
    return {
        "type": "mi_scenario",
        "id": id or block_id(),
        "value": {"scenario": scenario.pk, "introduction": "", "required": required},
    }


# xAPI and cmi5 packages and their lesson block.


xapi_package_ready = partial(package_ready, kind="xapi")


def xapi_activity_block(
    *, package, id: str | None = None, completion_rule: str = "completed", required: bool = True
) -> dict:
    """An xAPI / cmi5 activity block in StreamField raw form."""
    return {
        "type": "xapi_activity",
        "id": id or block_id(),
        "value": {
            "package": package.pk,
            "heading": "",
            "completion_rule": completion_rule,
            "required": required,
        },
    }
