"""A lesson body rendered once per revision and kept (modules.fragments): what is cached is the
same for every learner, an edit or a completion shows at once, and no learner sees another's."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from learning.services import activity_complete, knowledge_check_answer, reflection_save
from modules.blocks import LessonStreamBlock
from modules.fragments import lesson_body_cached_segments
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
    """Every lesson block, knowledge checks and reflections included, leaves what is per learner
    or per request to a live island: its template names none of it itself."""
    cached_types = list(LessonStreamBlock().child_blocks.items())
    assert {
        "rich_text",
        "h5p_activity",
        "mi_scenario",
        "xapi_activity",
        "knowledge_check",
        "reflection",
    } <= {name for name, _ in cached_types}
    for name, block in cached_types:
        source = _template_source(block.meta.template)
        for marker in PER_LEARNER_MARKERS:
            assert not re.search(rf"\b{marker}\b", source), f"{name}'s template uses {marker}"
    # The learner's state in a check or a reflection is read in their islands, and only there.
    for name in ("knowledge_check", "reflection"):
        template = LessonStreamBlock().child_blocks[name].meta.template
        islands = re.findall(r'{%\s*live_island\s+"([^"]+)"', (BLOCK_TEMPLATES / template).read_text())
        sources = "".join((BLOCK_TEMPLATES / island).read_text() for island in islands)
        assert any(re.search(rf"\b{marker}\b", sources) for marker in PER_LEARNER_MARKERS), name


def test_the_kept_markup_holds_no_token_nonce_or_answer_of_the_learner_who_filled_it(
    client, lesson_with_activities, site_caches
):
    """The first learner's view fills the cache: their CSRF token, nonce, answers and reflection
    are in their page but in no markup kept; a check's question and answers are kept, its
    result, ticks and feedback (and the reflection's form) only as islands' places."""
    learner = UserFactory()
    reflection_save(user=learner, lesson=lesson_with_activities, block_id="rf-1", text="Dad was left out")
    knowledge_check_answer(user=learner, lesson=lesson_with_activities, block_id="kc-1", option_ids=["o1"])
    client.force_login(learner)
    page = client.get(lesson_with_activities.url).content.decode()
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    nonce = re.search(r'<script nonce="([^"]+)"', page).group(1)
    assert "Dad was left out" in page
    assert "You scored 0%" in page
    assert re.search(r'value="o1" checked', page)
    assert "Closed: it invites yes or no." in page
    kept = lesson_body_cached_segments(page=lesson_with_activities.specific, preview=False)
    markup = "".join(segment for segment in kept if isinstance(segment, str))
    assert "Parents are capable of change." in markup
    assert 'data-h5p-block-id="h5p-1"' in markup
    assert "Which of these is an open question?" in markup
    assert 'value="o1"' in markup
    for secret in (
        token,
        nonce,
        "Dad was left out",
        "csrfmiddlewaretoken",
        "data-activity-done",
        "You scored",
        "checked",
        "disabled",
        "Closed: it invites yes or no.",
        "<form",
    ):
        assert secret not in markup
    island_values = [value for segment in kept if not isinstance(segment, str) for _name, value in segment[1]]
    assert "Dad was left out" not in island_values
    assert not any(isinstance(segment, int) for segment in kept)


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


def test_a_learners_answer_and_reflection_never_show_to_another_learner_on_a_kept_check(
    client, lesson_with_activities, site_caches
):
    """One learner answers the check wrongly and writes a reflection; a second learner opening the
    same lesson after them (from the kept markup) sees no tick, score, feedback or text of theirs,
    and the first still sees all of their own on their next view."""
    from django.test import Client

    first, second = UserFactory(), UserFactory()
    knowledge_check_answer(user=first, lesson=lesson_with_activities, block_id="kc-1", option_ids=["o3"])
    reflection_save(user=first, lesson=lesson_with_activities, block_id="rf-1", text="My private note")
    client.force_login(first)
    mine = client.get(lesson_with_activities.url).content.decode()
    other_client = Client()
    other_client.force_login(second)
    theirs = other_client.get(lesson_with_activities.url).content.decode()
    for own in ("You scored 0%", "A &#x27;why&#x27; question sounds like blame.", "My private note"):
        assert own in mine
        assert own not in theirs
    assert re.search(r'value="o3" checked', mine)
    assert " checked" not in theirs
    assert "Which of these is an open question?" in theirs
    assert 'name="csrfmiddlewaretoken"' in theirs
    mine_again = client.get(lesson_with_activities.url).content.decode()
    assert "My private note" in mine_again
    assert re.search(r'value="o3" checked', mine_again)


def test_a_refused_answer_shows_its_error_on_the_kept_check_to_that_learner_only(
    client, lesson_with_activities, site_caches
):
    """A learner sends the check with no answer: the page comes back with the error on the check;
    another learner's view of the same lesson shows no error."""
    from django.test import Client
    from django.urls import reverse

    client.force_login(UserFactory())
    client.get(lesson_with_activities.url)
    refused = client.post(
        reverse(
            "learning:knowledge_check_answer",
            kwargs={"lesson_id": lesson_with_activities.pk, "block_id": "kc-1"},
        ),
        {},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="block-kc-1-error"' in html
    assert "govuk-form-group--error" in html
    other_client = Client()
    other_client.force_login(UserFactory())
    theirs = other_client.get(lesson_with_activities.url).content.decode()
    assert 'id="block-kc-1-error"' not in theirs
    assert "govuk-form-group--error" not in theirs


def test_an_edited_knowledge_check_published_shows_at_once(client, lesson_with_activities, site_caches):
    """An editor rewords the check's question and an answer's feedback and publishes: the next view
    shows the new wording (feedback included, for a learner who answered), never the old."""
    learner = UserFactory()
    knowledge_check_answer(user=learner, lesson=lesson_with_activities, block_id="kc-1", option_ids=["o1"])
    client.force_login(learner)
    before = client.get(lesson_with_activities.url).content.decode()
    assert "Which of these is an open question?" in before
    assert "Closed: it invites yes or no." in before
    lesson = lesson_with_activities.specific
    lesson.body = [
        text_block("<p>Parents are capable of change.</p>", id="text-1"),
        knowledge_check_block(
            id="kc-1",
            question="Which question invites a story?",
            options=[
                {"text": "Did you drink last night?", "correct": False, "feedback": "Yes or no only."},
                {"text": "What would a good week look like?", "correct": True, "feedback": "A story."},
            ],
        ),
        reflection_block(id="rf-1", prompt="What will you try next week?"),
    ]
    lesson.save_revision().publish()
    after = client.get(lesson.url).content.decode()
    assert "Which question invites a story?" in after
    assert "Which of these is an open question?" not in after
    assert "Yes or no only." in after
    assert "Closed: it invites yes or no." not in after
    assert "What will you try next week?" in after
    assert "What stood out for you?" not in after
