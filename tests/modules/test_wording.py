"""What editors and learners read about lessons: nothing said twice, nothing untrue."""

import pytest

from modules.blocks import ReflectionBlock
from modules.models import LessonPage, ModuleIndexPage, ModulePage

pytestmark = pytest.mark.django_db


def _title_help(model) -> str:
    """The help text the editor sees under the title: the title panel's own, else the field's."""
    handler = model.get_edit_handler()
    content = next(tab for tab in handler.children if tab.heading == "Content")
    title = next(child for child in content.children if getattr(child, "field_name", "") == "title")
    return str(title.help_text or model._meta.get_field("title").help_text)


@pytest.mark.parametrize("model", [ModuleIndexPage, ModulePage, LessonPage])
def test_module_and_lesson_titles_are_not_described_as_seen_by_the_public(model):
    """Modules and lessons are for signed-in staff; Wagtail's default help said "seen by the public"."""
    text = _title_help(model)
    assert "public" not in text.lower()
    assert text


def test_the_reflection_hint_says_it_is_private_once(client):
    """The demo's guidance said "Only you will see it." before the block's own "Only you can see..."."""
    from pathlib import Path

    demo = Path("modules/demo/modules.json").read_text(encoding="utf-8")
    assert "Only you will see it" not in demo
    preview = ReflectionBlock().meta.preview_value
    assert "only you" not in preview["guidance"].lower()
    # The hint is in the reflection's form, a live island of the block (modules.fragments).
    template = Path("modules/templates/modules/blocks/live/reflection_form.html").read_text(encoding="utf-8")
    hint = template.split('class="govuk-hint"', 1)[1].split("</div>", 1)[0]
    assert hint.lower().count("only you") == 1
