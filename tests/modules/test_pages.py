"""Module and lesson pages as a learner sees them."""

import pytest
from django.urls import reverse

from learning.models import ModuleProgress
from tests.cms.people.factories import UserFactory
from tests.modules.factories import knowledge_check_block, module_with_lessons, reflection_block, text_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return UserFactory()


@pytest.fixture
def module_and_lessons(home_page):
    return module_with_lessons(
        home_page,
        bodies=[
            [text_block("<p>Reading only.</p>")],
            [text_block(), knowledge_check_block(id="kc-1"), reflection_block(id="rf-1")],
        ],
        title="Introduction to the Family Safeguarding Model",
    )


def test_anonymous_visitor_is_sent_to_sign_in_for_module_and_lesson(client, module_and_lessons):
    """Training is for staff: anonymous visitors are asked to sign in first."""
    module, (lesson, _) = module_and_lessons
    for page in (module, lesson, module.get_parent()):
        response = client.get(page.url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_learner_sees_module_with_lessons_status_and_progress(client, learner, module_and_lessons):
    """A learner opening a module sees its lessons, each lesson's status and a progress bar."""
    module, (first, second) = module_and_lessons
    client.force_login(learner)
    response = client.get(module.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert first.title in html and second.title in html
    assert "<progress" in html
    assert "Start the module" in html
    assert 'style="' not in html


def test_lesson_page_renders_blocks_and_records_the_visit(client, learner, module_and_lessons):
    """Opening a lesson shows its blocks and remembers it as where the learner left off."""
    module, (_first, second) = module_and_lessons
    client.force_login(learner)
    response = client.get(second.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Knowledge check" in html
    assert "Save my reflection" in html
    assert (
        reverse("learning:knowledge_check_answer", kwargs={"lesson_id": second.pk, "block_id": "kc-1"})
        in html
    )
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert progress.last_lesson_id == second.pk
    response = client.get(module.url)
    assert "Continue where you left off" in response.content.decode()


def test_page_tree_rules_are_stated_in_code():
    """Modules live only under the one index; lessons only under modules; lessons have no children."""
    from modules.models import LessonPage, ModuleIndexPage, ModulePage

    assert ModuleIndexPage.parent_page_types == ["pages.HomePage"]
    assert ModuleIndexPage.max_count == 1
    assert ModulePage.allowed_parent_page_models() == [ModuleIndexPage]
    assert ModulePage.allowed_subpage_models() == [LessonPage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert LessonPage.allowed_subpage_models() == []


def test_a_module_with_missing_prerequisites_is_locked(client, learner, module_and_lessons, home_page):
    """A learner who has not finished the introduction sees the MI module's lessons locked, and why."""
    first_module, _ = module_and_lessons
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[knowledge_check_block(id="kc-x")]], title="MI"
    )
    module.prerequisites.add(first_module)
    module.save_revision().publish()
    client.force_login(learner)

    html = client.get(module.url).content.decode()
    assert "This module is locked until you complete" in html
    assert first_module.title in html
    response = client.get(lesson.url)
    assert response.status_code == 403
    assert "Complete the earlier modules first" in response.content.decode()
    answer = reverse("learning:knowledge_check_answer", kwargs={"lesson_id": lesson.pk, "block_id": "kc-x"})
    assert client.post(answer, {"option": "o2"}).status_code == 403


def test_prerequisites_unlock_once_completed(client, learner, module_and_lessons, home_page):
    from learning.services import activity_complete, lesson_mark_done

    first_module, (reading, checked) = module_and_lessons
    module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block()]], title="MI")
    module.prerequisites.add(first_module)
    module.save_revision().publish()
    lesson_mark_done(user=learner, lesson=reading)
    activity_complete(user=learner, lesson=checked, block_id="kc-1")
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    assert ModuleProgress.objects.get(user=learner, module=module).prerequisites_met


def test_lesson_preview_renders_every_block_without_learner_state(client, module_and_lessons):
    """Editors preview a lesson with every block type; nothing is recorded for them."""
    from wagtail.models import Page

    _module, (_, lesson) = module_and_lessons
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)
    html = lesson.specific.make_preview_request(preview_mode="")
    assert html.status_code == 200
    assert b"Knowledge check" in html.content
    assert not ModuleProgress.objects.filter(user=editor).exists()
    assert Page.objects.filter(pk=lesson.pk).exists()


def _checked_lesson_bodies(lessons: int) -> list[list[dict]]:
    """Lessons each with text, a knowledge check and a reflection (the query-budget tests' module)."""
    return [
        [text_block(), knowledge_check_block(id=f"kc-{i}"), reflection_block(id=f"rf-{i}")]
        for i in range(lessons)
    ]


@pytest.mark.parametrize("lessons", [2, 25])
def test_lesson_page_query_count_does_not_grow_with_the_module(
    client, learner, home_page, django_assert_max_num_queries, lessons
):
    """However long the module, a lesson page costs the same number of queries, even with
    the cross-request caches off (test settings; production's budget is pinned below).

    The budget: user (1); site and view restrictions (Wagtail, 3); branding and navigation
    (base layout, 5); routing to the lesson (4); the module's lessons, the learner's progress
    row and reflections (3); sessions are in the cache either way.
    """
    _module, pages = module_with_lessons(home_page, bodies=_checked_lesson_bodies(lessons))
    client.force_login(learner)
    client.get(pages[1].url)
    with django_assert_max_num_queries(18):
        assert client.get(pages[1].url).status_code == 200


@pytest.mark.parametrize("lessons", [3, 30])
def test_lesson_page_costs_at_most_12_queries_with_production_caches(
    client, learner, home_page, site_caches, django_assert_max_num_queries, lessons
):
    """With the caches production runs with, a lesson page costs at most 12 queries, in a
    module of 3 lessons as in one of 30: the learner's progress row and reflections (the
    session, person, site, route, restrictions, lessons and packages come from the cache)."""
    _module, pages = module_with_lessons(home_page, bodies=_checked_lesson_bodies(lessons))
    client.force_login(learner)
    client.get(pages[1].url)
    with django_assert_max_num_queries(12):
        response = client.get(pages[1].url)
    assert response.status_code == 200
    assert b"Knowledge check" in response.content
    assert response.content.count(b'class="lesson-aside__item"') == lessons


def test_a_cached_route_is_forgotten_when_the_lesson_is_unpublished(client, learner, home_page, site_caches):
    """An unpublished lesson stops being served at once, although its route was cached."""
    _module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block()]])
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404


def test_a_view_restriction_added_later_is_enforced_on_a_cached_lesson(
    client, learner, home_page, site_caches
):
    """A lesson later restricted to a group is refused to others, although its route was cached."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    _module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block()]])
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="Only some")])
    assert client.get(lesson.url).status_code != 200


@pytest.mark.parametrize("lessons", [2, 25])
def test_module_page_query_count_does_not_grow_with_the_module(
    client, learner, home_page, django_assert_max_num_queries, lessons
):
    module, _pages = module_with_lessons(home_page, bodies=[[text_block()] for _ in range(lessons)])
    client.force_login(learner)
    client.get(module.url)
    with django_assert_max_num_queries(17):
        assert client.get(module.url).status_code == 200


def test_module_index_query_count_does_not_grow_with_modules(
    client, learner, home_page, django_assert_max_num_queries
):
    for _ in range(12):
        module_with_lessons(home_page, bodies=[[text_block()]])
    client.force_login(learner)
    index = ModuleProgress._meta.apps.get_model("modules", "ModuleIndexPage").objects.get()
    client.get(index.url)
    with django_assert_max_num_queries(15):
        assert client.get(index.url).status_code == 200


def test_search_finds_modules_and_lessons(client, learner, home_page):
    """Staff can search the training for a topic."""
    module_with_lessons(
        home_page,
        bodies=[[text_block("<p>Safety planning with mothers.</p>")]],
        title="Recovery programmes for women",
        summary="Supporting recovery after domestic abuse.",
    )
    client.force_login(learner)
    response = client.get(reverse("learning:search"), {"q": "recovery"})
    assert response.status_code == 200
    assert "Recovery programmes for women" in response.content.decode()
    assert "0 results" in client.get(reverse("learning:search"), {"q": "zebra crossing"}).content.decode()
    assert client.get(reverse("learning:search")).status_code == 200
