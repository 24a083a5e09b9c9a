"""A lesson page after a publish or a cache flush ("cold") as well as warm: its query budget,
and that nothing cached hides an edit, a publish or a completion."""

import pytest
from django.core.cache import cache

from cms.core import page_cache
from learning.services import activity_complete, reflection_save
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

LESSONS = 30


def _caches_emptied() -> None:
    """As after a Redis flush or a restart: the shared cache and this process's tier both empty."""
    cache.clear()
    page_cache._local_tier.clear()


@pytest.fixture
def nearly_done(settings, tmp_path, home_page):
    """A learner who has done 29 of a 30-lesson module's lessons, each with text, a knowledge
    check, a reflection and an H5P activity (the benchmark's lesson)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    package = h5p_package_ready()
    bodies = [
        [
            text_block(f"<p>Lesson {number} text.</p>"),
            knowledge_check_block(id=f"kc-{number}"),
            reflection_block(id=f"rf-{number}"),
            h5p_activity_block(package=package, id=f"h5p-{number}", required=False),
        ]
        for number in range(LESSONS)
    ]
    module, lessons = module_with_lessons(home_page, bodies=bodies)
    learner = UserFactory()
    for number, lesson in enumerate(lessons[:-1]):
        activity_complete(user=learner, lesson=lesson, block_id=f"kc-{number}")
    return module, lessons, learner


def test_a_lesson_page_costs_at_most_12_queries_cold_and_3_warm(
    client, nearly_done, site_caches, django_assert_max_num_queries
):
    """A learner one lesson from the end opens it just after the cache was emptied: at most 12
    queries (session, person, site, route, lessons, progress, reflections, restrictions,
    branding, frame facts, URLs, H5P package); opening it again costs at most 3."""
    _module, lessons, learner = nearly_done
    client.force_login(learner)
    client.get(lessons[-1].url)
    _caches_emptied()
    with django_assert_max_num_queries(12):
        cold = client.get(lessons[-1].url)
    assert cold.status_code == 200
    assert cold.content.count(b'class="lesson-aside__item"') == LESSONS
    with django_assert_max_num_queries(3):
        warm = client.get(lessons[-1].url)
    assert warm.status_code == 200
    assert b"Knowledge check" in warm.content


def test_a_cold_lesson_page_shows_what_a_warm_one_does(client, nearly_done, site_caches):
    """The page routed and framed from the database shows the same lesson, outline, statuses and
    breadcrumbs as the page answered from the caches."""
    module, lessons, learner = nearly_done
    client.force_login(learner)
    _caches_emptied()
    cold = client.get(lessons[-1].url).content.decode()
    warm = client.get(lessons[-1].url).content.decode()
    for html in (cold, warm):
        assert f"lesson {LESSONS} of {LESSONS}" in html
        assert html.count("(Complete)") == LESSONS - 1
        assert f'href="{module.url}"' in html
        assert f'href="{module.get_parent().url}"' in html
        assert f'href="{lessons[-2].url}" rel="prev"' in html


def test_an_edit_published_shows_at_once_on_a_cached_lesson_page(client, nearly_done, site_caches):
    """An editor publishes a change to a lesson a learner has open: the learner's next view shows it."""
    _module, lessons, learner = nearly_done
    client.force_login(learner)
    assert client.get(lessons[-1].url).status_code == 200
    lesson = lessons[-1].specific
    lesson.title = "Safety planning, revised"
    lesson.body = [text_block("<p>The revised text.</p>")]
    lesson.save_revision().publish()
    html = client.get(lessons[-1].url).content.decode()
    assert "Safety planning, revised" in html
    assert "The revised text." in html


def test_a_new_lesson_published_shows_at_once_in_the_cached_outline(client, nearly_done, site_caches):
    """A lesson added to the module appears in the side list of a lesson already cached."""
    from tests.modules.factories import LessonPageFactory

    module, lessons, learner = nearly_done
    client.force_login(learner)
    assert client.get(lessons[0].url).status_code == 200
    LessonPageFactory(parent=module, title="A lesson added later", body=[text_block()])
    html = client.get(lessons[0].url).content.decode()
    assert "A lesson added later" in html
    assert html.count('class="lesson-aside__item"') == LESSONS + 1


def test_another_lesson_renamed_shows_at_once_in_the_cached_side_list(client, nearly_done, site_caches):
    """An editor renames an earlier lesson: the side list and the previous-lesson link of a
    lesson page already cached show the new title on the learner's next view."""
    _module, lessons, learner = nearly_done
    client.force_login(learner)
    for _ in range(2):  # the second from the caches
        assert client.get(lessons[-1].url).status_code == 200
    renamed = lessons[-2].specific
    renamed.title = "Working with fathers"
    renamed.save_revision().publish()
    html = client.get(lessons[-1].url).content.decode()
    assert f'<a class="govuk-link" href="{lessons[-2].url}">{LESSONS - 1}. Working with fathers</a>' in html
    assert "Working with fathers" in html.split('rel="prev"', 1)[1].split("</a>", 1)[0]


def test_renamed_slugs_show_at_once_in_the_cached_breadcrumbs_and_lesson_links(
    client, nearly_done, site_caches
):
    """An editor changes the slugs of the module index, the module and the previous lesson: a
    lesson page already cached links to their new URLs (breadcrumbs, side list, previous lesson)
    on the learner's next view."""
    module, lessons, learner = nearly_done
    client.force_login(learner)
    for _ in range(2):  # the second from the caches
        assert client.get(lessons[-1].url).status_code == 200
    for page, slug in ((module.get_parent().specific, "training"), (module.specific, "moved-module")):
        page.slug = slug
        page.save_revision().publish()
    previous = lessons[-2].specific
    previous.slug = "renamed-lesson"
    previous.save_revision().publish()
    for lesson in lessons:
        lesson.refresh_from_db()
    module.refresh_from_db()
    index_url, module_url = module.get_parent().url, module.url
    assert "/training/moved-module/" in lessons[-1].url
    html = client.get(lessons[-1].url).content.decode()
    crumbs = html.split('class="govuk-breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{index_url}"' in crumbs
    assert f'href="{module_url}"' in crumbs
    assert f'href="{module_url}renamed-lesson/" rel="prev"' in html
    assert f'<a class="govuk-link" href="{module_url}renamed-lesson/">{LESSONS - 1}. ' in html
    assert client.get(f"{module_url}renamed-lesson/").status_code == 200


def test_a_completion_shows_at_once_on_a_cached_lesson_page(client, nearly_done, site_caches):
    """The learner completes the last lesson's check: the page and outline say so on the next view."""
    _module, lessons, learner = nearly_done
    client.force_login(learner)
    before = client.get(lessons[-1].url).content.decode()
    assert "You have completed this lesson." not in before
    activity_complete(user=learner, lesson=lessons[-1], block_id=f"kc-{LESSONS - 1}")
    after = client.get(lessons[-1].url).content.decode()
    assert "You have completed this lesson." in after
    assert after.count("(Complete)") == LESSONS
    assert "Module complete" in after


def test_a_draft_or_unknown_lesson_is_not_found_when_routed_from_the_database(
    client, nearly_done, site_caches
):
    """Routing from the database (cold) refuses what Wagtail's routing refuses."""
    module, lessons, learner = nearly_done
    client.force_login(learner)
    lessons[3].unpublish()
    _caches_emptied()
    assert client.get(lessons[3].url).status_code == 404
    assert client.get(f"{module.url}no-such-lesson/").status_code == 404
    assert client.get(f"{lessons[4].url}deeper/").status_code == 404
    assert client.get(lessons[4].url).status_code == 200


def test_a_restriction_on_the_module_is_enforced_on_a_lesson_routed_cold(client, nearly_done, site_caches):
    """A module restricted to a group keeps its lessons from everyone else, routed from the database."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    module, lessons, learner = nearly_done
    client.force_login(learner)
    restriction = PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="Pilot teams only")])
    _caches_emptied()
    assert client.get(lessons[0].url).status_code != 200
    learner.groups.add(Group.objects.get(name="Pilot teams only"))
    _caches_emptied()
    assert client.get(lessons[0].url).status_code == 200


def test_a_modules_lesson_ids_follow_a_publish_and_an_unpublish_at_once(home_page, site_caches):
    """The module's lesson ids (kept as a tuple in the process and in Redis, beside the outline)
    count a lesson taken down or put back straight away, so progress is never counted against a
    stale list of lessons."""
    from modules.selectors import module_lesson_ids_live

    module, lessons = module_with_lessons(home_page, bodies=[[text_block()] for _ in range(3)])
    ids = [lesson.pk for lesson in lessons]
    assert module_lesson_ids_live(module_id=module.pk) == ids
    assert module_lesson_ids_live(module_id=module.pk) == ids, "answered from the cache as well"

    lessons[1].unpublish()
    assert module_lesson_ids_live(module_id=module.pk) == [ids[0], ids[2]]

    lessons[1].save_revision().publish()
    assert module_lesson_ids_live(module_id=module.pk) == ids


def test_the_learners_progress_and_reflections_are_one_query_and_theirs_only(
    client, home_page, site_caches, django_assert_max_num_queries
):
    """A lesson with two reflection prompts: the learner's two saved reflections show, not another
    learner's nor the learner's own in another lesson, with their progress; their state is one query
    (the progress row and the reflections together), the whole warm page at most 2. A learner with no
    progress row and no reflections sees the empty forms."""
    _module, lessons = module_with_lessons(
        home_page,
        bodies=[
            [knowledge_check_block(id="kc-0"), reflection_block(id="rf-a"), reflection_block(id="rf-b")],
            [reflection_block(id="rf-a")],
        ],
    )
    learner, other, newcomer = UserFactory(), UserFactory(), UserFactory()
    activity_complete(user=learner, lesson=lessons[0], block_id="kc-0")
    reflection_save(user=learner, lesson=lessons[0], block_id="rf-a", text="Mine, first prompt.")
    reflection_save(user=learner, lesson=lessons[0], block_id="rf-b", text="Mine, second prompt.")
    reflection_save(user=learner, lesson=lessons[1], block_id="rf-a", text="Mine, the other lesson.")
    reflection_save(user=other, lesson=lessons[0], block_id="rf-a", text="Someone else's.")
    client.force_login(learner)
    client.get(lessons[0].url)
    with django_assert_max_num_queries(2) as captured:
        html = client.get(lessons[0].url).content.decode()
    assert sum('"module_id"' in query["sql"] for query in captured.captured_queries) == 1
    assert "Mine, first prompt." in html
    assert "Mine, second prompt." in html
    assert "Mine, the other lesson." not in html
    assert "Someone else's." not in html
    assert "You have completed this lesson." in html
    assert "lesson 1 of 2" in html
    client.force_login(newcomer)
    html = client.get(lessons[0].url).content.decode()
    assert html.count('name="text" rows="5"') == 2
    assert "Mine, first prompt." not in html
    assert "Someone else's." not in html
