"""A lesson body rendered once per revision and kept (modules.fragments): what is cached is the
same for every learner, an edit or a completion shows at once, and no learner sees another's."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from learning.services import activity_complete, reflection_save
from modules.blocks import LessonStreamBlock
from modules.fragments import LIVE_BLOCK_TYPES, lesson_body_cached_segments
from tests.cms.people.factories import UserFactory
from tests.modules.factories import (
    h5p_activity_block,
    h5p_package_ready,
    knowledge_check_block,
    module_with_lessons,
    reflection_block,
    text_block,
)

pytestmark = pytest.mark.django_db

BLOCK_TEMPLATES = Path(django_settings.BASE_DIR) / "modules" / "templates"
# What only one learner or one request may see: never in a block cached for everyone.
PER_LEARNER_MARKERS = (
    "csrf_token",
    "csp_nonce",
    "request",
    "user",
    "activity_done",
    "knowledge_check_state",
    "reflection_for",
    "lesson_state_for",
    "block_form_value",
    "block_error",
)


@pytest.fixture
def lesson_with_activities(settings, tmp_path, home_page):
    """A live lesson with text, a knowledge check, a reflection and an H5P activity."""
    settings.MEDIA_ROOT = tmp_path / "media"
    package = h5p_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page,
        bodies=[
            [
                text_block("<p>Parents are capable of change.</p>", id="text-1"),
                knowledge_check_block(id="kc-1"),
                reflection_block(id="rf-1"),
                h5p_activity_block(package=package, id="h5p-1", required=False),
            ]
        ],
    )
    return lesson


def _template_source(name: str) -> str:
    """A block template with every template it extends or includes, its live islands left out."""
    source = re.sub(r"{%\s*live_island\b.*?%}", "", (BLOCK_TEMPLATES / name).read_text())
    for used in re.findall(r'{%\s*(?:extends|include)\s+"([^"]+)"', source):
        if (BLOCK_TEMPLATES / used).exists():
            source += _template_source(used)
    return source


def test_blocks_kept_for_everyone_show_nothing_of_a_learner_but_through_live_islands():
    """Every lesson block outside the live ones (knowledge checks, reflections) leaves what is
    per learner or per request to a live island: its template names none of it itself."""
    cached_types = [
        (name, block)
        for name, block in LessonStreamBlock().child_blocks.items()
        if name not in LIVE_BLOCK_TYPES
    ]
    assert {"rich_text", "h5p_activity", "mi_scenario", "xapi_activity"} <= {name for name, _ in cached_types}
    for name, block in cached_types:
        source = _template_source(block.meta.template)
        for marker in PER_LEARNER_MARKERS:
            assert not re.search(rf"\b{marker}\b", source), f"{name}'s template uses {marker}"
    for name in LIVE_BLOCK_TYPES:
        source = _template_source(LessonStreamBlock().child_blocks[name].meta.template)
        assert any(re.search(rf"\b{marker}\b", source) for marker in PER_LEARNER_MARKERS), name


def test_the_kept_markup_holds_no_token_nonce_or_answer_of_the_learner_who_filled_it(
    client, lesson_with_activities, site_caches
):
    """The first learner's view fills the cache: their CSRF token, nonce, answers and reflection
    are in their page but in no markup kept; live blocks are kept as places only."""
    learner = UserFactory()
    reflection_save(user=learner, lesson=lesson_with_activities, block_id="rf-1", text="Dad was left out")
    client.force_login(learner)
    page = client.get(lesson_with_activities.url).content.decode()
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    nonce = re.search(r'<script nonce="([^"]+)"', page).group(1)
    assert "Dad was left out" in page
    kept = lesson_body_cached_segments(page=lesson_with_activities.specific, preview=False)
    markup = "".join(segment for segment in kept if isinstance(segment, str))
    assert "Parents are capable of change." in markup
    assert 'data-h5p-block-id="h5p-1"' in markup
    for secret in (token, nonce, "Dad was left out", "csrfmiddlewaretoken", "data-activity-done"):
        assert secret not in markup
    assert sum(1 for segment in kept if isinstance(segment, int)) == 2  # the check and the reflection


def test_two_learners_never_see_each_others_state_on_a_kept_lesson(
    client, lesson_with_activities, site_caches
):
    """One learner passes the check, finishes the activity and writes a reflection; another then
    opens the same lesson from the kept markup and sees none of it, nor the first one's token."""
    from django.test import Client

    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    activity_complete(user=first, lesson=lesson_with_activities, block_id="kc-1")
    activity_complete(user=first, lesson=lesson_with_activities, block_id="h5p-1")
    reflection_save(user=first, lesson=lesson_with_activities, block_id="rf-1", text="Only mine to read")
    mine = client.get(lesson_with_activities.url).content.decode()
    assert "You have passed this check." in mine
    assert "Only mine to read" in mine
    assert re.search(r"data-activity-done>", mine)
    other_client = Client()
    other_client.force_login(second)
    theirs = other_client.get(lesson_with_activities.url).content.decode()
    assert "Parents are capable of change." in theirs
    assert "You have passed this check." not in theirs
    assert "Only mine to read" not in theirs
    assert re.search(r"data-activity-done hidden>", theirs)
    my_token = re.search(r'data-csrf-token="([^"]+)"', mine).group(1)
    assert my_token not in theirs
    assert re.search(r"data-activity-done>", client.get(lesson_with_activities.url).content.decode())


def test_a_completion_shows_at_once_on_the_kept_markup(client, lesson_with_activities, site_caches):
    """The activity's done mark is the learner's own on every view: it shows the moment they finish."""
    learner = UserFactory()
    client.force_login(learner)
    assert re.search(r"data-activity-done hidden>", client.get(lesson_with_activities.url).content.decode())
    activity_complete(user=learner, lesson=lesson_with_activities, block_id="h5p-1")
    assert re.search(r"data-activity-done>", client.get(lesson_with_activities.url).content.decode())


def test_an_edit_published_replaces_the_kept_markup_at_once(client, lesson_with_activities, site_caches):
    """An editor publishes new text: the next view shows it, and the old text is gone."""
    client.force_login(UserFactory())
    assert "Parents are capable of change." in client.get(lesson_with_activities.url).content.decode()
    lesson = lesson_with_activities.specific
    lesson.body = [text_block("<p>Fathers matter too.</p>", id="text-1"), knowledge_check_block(id="kc-1")]
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert "Fathers matter too." in html
    assert "Parents are capable of change." not in html
    assert "data-h5p-player" not in html


def test_a_preview_of_a_draft_is_never_kept_for_learners(client, lesson_with_activities, site_caches):
    """An editor previews an unpublished draft (same page, same live revision): learners still see
    the published text, however the preview and their views interleave."""
    lesson = lesson_with_activities.specific
    lesson.body = [text_block("<p>Draft wording, not approved.</p>", id="text-1")]
    lesson.save_revision()
    draft = lesson.get_latest_revision_as_object()
    cache.clear()
    assert "Draft wording, not approved." in draft.make_preview_request().content.decode()
    client.force_login(UserFactory())
    html = client.get(lesson_with_activities.url).content.decode()
    assert "Parents are capable of change." in html
    assert "Draft wording, not approved." not in html


def test_a_retitled_document_shows_at_once_in_a_kept_resource_block(
    client, home_page, site_caches, settings, tmp_path
):
    """A resource block shows its document's title: renaming the document shows on the next view."""
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path / "media"
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Safety plan template", file=ContentFile(b"%PDF-1.4\n", name="plan.pdf")
    )
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[{"type": "resource", "id": "res-1", "value": {"document": document.pk}}]]
    )
    client.force_login(UserFactory())
    assert "Safety plan template" in client.get(lesson.url).content.decode()
    document.title = "Family safety plan template"
    document.save()
    assert "Family safety plan template" in client.get(lesson.url).content.decode()
