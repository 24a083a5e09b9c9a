"""The `mi_scenario` lesson block: how a scenario appears inside a lesson."""

import pytest

from modules.blocks import LessonStreamBlock
from modules.scenarios.blocks import ScenarioBlock
from tests.cms.people.factories import UserFactory
from tests.modules.factories import module_with_lessons, scenario_block, scenario_create

pytestmark = pytest.mark.django_db


def test_the_lesson_links_to_the_scenario_with_its_lesson_and_block(client, home_page):
    """The link carries the lesson and block ids, which the scenario pages check on the server."""
    scenario = scenario_create(slug="in-a-lesson")
    block = scenario_block(scenario)
    _module, [lesson] = module_with_lessons(home_page, bodies=[[block]])
    client.force_login(UserFactory())
    page = client.get(lesson.url)
    assert page.status_code == 200
    assert f"/learning/scenarios/in-a-lesson/?lesson={lesson.pk}&amp;block={block['id']}" in page.text
    assert "MI practice scenario (required)" in page.text


def test_an_unpublished_scenario_shows_as_not_available(client, home_page):
    scenario = scenario_create(slug="not-yet", live=False)
    _module, [lesson] = module_with_lessons(home_page, bodies=[[scenario_block(scenario)]])
    client.force_login(UserFactory())
    page = client.get(lesson.url)
    assert "This scenario is not available yet." in page.text
    assert "/learning/scenarios/not-yet/" not in page.text


def test_the_block_is_in_the_lesson_stream_and_required_by_default():
    block = LessonStreamBlock().child_blocks["mi_scenario"]
    assert isinstance(block, ScenarioBlock)
    assert block.child_blocks["required"].get_default() is True
    assert block.meta.icon and block.meta.template and block.meta.help_text


def test_the_block_preview_renders_without_a_lesson():
    scenario_create(slug="preview-me")
    block = ScenarioBlock()
    html = block.render(block.get_preview_value(), context={})
    assert "Dan: a practice visit" in html
    assert "?lesson=" not in html
