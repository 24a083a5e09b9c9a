"""Demo training content is seeded from modules/demo/ once, however often seed_demo runs:
the H5P package and its lesson, and three live MI scenarios written for this platform."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import WorkflowContentType

from cms.core.seeding import SeedContext
from modules.demo.seed import seed_h5p, seed_scenarios
from modules.models import H5PPackage, H5PStatus, LessonPage, Scenario
from modules.scenarios import graph as scenario_graph
from tests.modules.factories import module_with_lessons

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    seed_scenarios(SeedContext(stdout=out, password="unused"))
    return out.getvalue()


def test_three_live_scenarios_of_twelve_or_more_parent_statements():
    _seed()
    scenarios = {scenario.slug: scenario for scenario in Scenario.objects.filter(live=True)}
    assert set(scenarios) == {"craig-evenings", "kerry-it-was-an-argument", "donna-mornings"}
    for scenario in scenarios.values():
        graph = scenario.graph
        parents = [node for node in graph.nodes.values() if not node.is_end]
        responses = [response for node in parents for response in node.responses]
        assert len(parents) >= 12, scenario.slug
        assert scenario_graph.graph_problems(graph) == [], scenario.slug
        assert any(response.mi_consistent for response in responses)
        assert any(not response.mi_consistent for response in responses)
        outcomes = {node.outcome for node in graph.nodes.values() if node.is_end}
        assert {"engaged", "disengaged"} <= outcomes, scenario.slug


def test_seeding_twice_creates_nothing_new():
    _seed()
    before = list(Scenario.objects.values_list("pk", "latest_revision_id"))
    assert "0 created, 3 already there" in _seed()
    assert list(Scenario.objects.values_list("pk", "latest_revision_id")) == before


def test_scenarios_go_through_the_l_and_d_workflow():
    _seed()
    assignment = WorkflowContentType.objects.get(content_type=ContentType.objects.get_for_model(Scenario))
    assert "L&D" in assignment.workflow.name


def test_the_mi_foundations_module_gets_a_scenario_block_once(home_page):
    _module, lessons = module_with_lessons(
        home_page, bodies=[[], []], slug="motivational-interviewing-foundations", title="MI foundations"
    )
    _seed()
    _seed()
    lesson = lessons[-1].__class__.objects.get(pk=lessons[-1].pk)
    blocks = [block for block in lesson.body.raw_data if block["type"] == "mi_scenario"]
    assert len(blocks) == 1
    assert blocks[0]["value"]["scenario"] == Scenario.objects.get(slug="craig-evenings").pk
    assert blocks[0]["value"]["required"] is True
    assert not lesson.has_unpublished_changes


LESSON_SLUG = "check-your-understanding"
MODULE_SLUG = "motivational-interviewing-foundations"


def test_seeding_twice_creates_the_package_and_lesson_once(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    context = SeedContext(stdout=io.StringIO(), password="x")
    seed_h5p(context)
    seed_h5p(context)

    package = H5PPackage.objects.get()
    assert package.status == H5PStatus.READY
    lesson = LessonPage.objects.get(slug=LESSON_SLUG)
    assert lesson.live
    assert lesson.get_parent().slug == MODULE_SLUG
    blocks = [block for block in lesson.body.raw_data if block["type"] == "h5p_activity"]
    assert [block["value"]["package"] for block in blocks] == [package.pk]
    assert "lesson already there" in context.stdout.getvalue()
