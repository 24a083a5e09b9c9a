"""Restricted lessons stay restricted: every endpoint that acts on a lesson or module by its id
applies Wagtail's view restrictions (on the lesson, its module or the module index) before it
renders or writes anything."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from learning.models import (
    ActivityCompletion,
    H5PAttempt,
    H5PPlayerState,
    KnowledgeCheckAttempt,
    LessonProgress,
    ModuleCompletion,
    Reflection,
    ScenarioAttempt,
    XAPIStatement,
)
from learning.selectors import scenario_playable
from tests.cms.people.factories import UserFactory
from tests.learning.xapi_statements import statement
from tests.modules.factories import (
    h5p_activity_block,
    h5p_package_ready,
    knowledge_check_block,
    module_with_lessons,
    reflection_block,
    scenario_block,
    scenario_create,
    text_block,
)

pytestmark = pytest.mark.django_db

LESSON_TEXT = "Only the probation team should read this lesson."
REFUSAL = "not available to you"
RECORDS = (
    KnowledgeCheckAttempt,
    Reflection,
    LessonProgress,
    ActivityCompletion,
    ModuleCompletion,
    XAPIStatement,
    H5PAttempt,
    H5PPlayerState,
    ScenarioAttempt,
)


@pytest.fixture
def course(home_page, settings, tmp_path):
    """One module of one lesson holding a knowledge check, a reflection, an H5P activity and an
    MI scenario."""
    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    scenario = scenario_create(slug="restricted-dan")
    module, (lesson,) = module_with_lessons(
        home_page,
        bodies=[
            [
                text_block(f"<p>{LESSON_TEXT}</p>"),
                knowledge_check_block(id="kc-1"),
                reflection_block(id="rf-1"),
                h5p_activity_block(package=package, id="h5p-1"),
                scenario_block(scenario, id="sc-1"),
            ]
        ],
    )
    return {"module": module, "lesson": lesson, "scenario": scenario}


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _restrict(course, *, where: str, kind: str) -> Group:
    page = {
        "lesson": course["lesson"],
        "module": course["module"],
        "index": course["module"].get_parent(),
    }[where]
    restriction = PageViewRestriction.objects.create(
        page=page,
        restriction_type=kind,
        password="shared-word" if kind == PageViewRestriction.PASSWORD else "",
    )
    group = Group.objects.create(name="Probation practitioners")
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(group)
    return group


def _json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


# Each endpoint that acts on a lesson or module: how to call it for the course.
ENDPOINTS = {
    "knowledge check": lambda client, c: client.post(
        reverse("learning:knowledge_check_answer", args=[c["lesson"].pk, "kc-1"]), {"option": "o2"}
    ),
    "knowledge check refused answer": lambda client, c: client.post(
        reverse("learning:knowledge_check_answer", args=[c["lesson"].pk, "kc-1"]), {}
    ),
    "reflection": lambda client, c: client.post(
        reverse("learning:reflection_save", args=[c["lesson"].pk, "rf-1"]), {"text": "Listening first."}
    ),
    "reflection refused answer": lambda client, c: client.post(
        reverse("learning:reflection_save", args=[c["lesson"].pk, "rf-1"]), {"text": ""}
    ),
    "lesson done": lambda client, c: client.post(reverse("learning:lesson_done", args=[c["lesson"].pk])),
    "module complete": lambda client, c: client.get(
        reverse("learning:module_complete", args=[c["module"].pk])
    ),
    "xapi statement": lambda client, c: _json(
        client,
        reverse("learning:xapi_statement"),
        {"lesson_id": c["lesson"].pk, "block_id": "h5p-1", "statement": statement()},
    ),
    "xapi state save": lambda client, c: _json(
        client,
        reverse("learning:xapi_state"),
        {"lesson_id": c["lesson"].pk, "block_id": "h5p-1", "state": "{}"},
    ),
    "xapi state read": lambda client, c: client.get(
        reverse("learning:xapi_state"), {"lesson_id": c["lesson"].pk, "block_id": "h5p-1"}
    ),
    "scenario launch page": lambda client, c: client.get(
        reverse("learning:scenario_detail", args=[c["scenario"].slug]),
        {"lesson": c["lesson"].pk, "block": "sc-1"},
    ),
    "scenario start": lambda client, c: client.post(
        reverse("learning:scenario_start", args=[c["scenario"].slug]),
        {"lesson": c["lesson"].pk, "block": "sc-1"},
    ),
}


# Each restriction type that refuses a signed-in learner, on the lesson and on each ancestor.
RESTRICTIONS = [
    (PageViewRestriction.GROUPS, "lesson"),
    (PageViewRestriction.PASSWORD, "module"),
    (PageViewRestriction.GROUPS, "index"),
]


# The module completion page acts on the module, so a restriction on one lesson is not its concern.
REFUSALS = [
    (endpoint, kind, where)
    for endpoint in ENDPOINTS
    for kind, where in RESTRICTIONS
    if not (endpoint == "module complete" and where == "lesson")
]


@pytest.mark.parametrize(("endpoint", "kind", "where"), REFUSALS)
def test_a_restricted_lesson_is_refused_with_a_404_and_nothing_written(
    client, learner, course, endpoint, kind, where
):
    """A social worker outside the probation group (or without the shared password) posts to a
    probation-only lesson: a 404, none of the lesson shown, nothing recorded."""
    _restrict(course, where=where, kind=kind)
    response = ENDPOINTS[endpoint](client, course)
    assert response.status_code == 404, (endpoint, response.status_code)
    body = response.content.decode()
    assert LESSON_TEXT not in body
    if response.get("Content-Type", "").startswith("application/json"):
        assert REFUSAL in response.json()["error"]
    for model in RECORDS:
        assert not model.objects.exists(), f"{endpoint} wrote a {model.__name__}"


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_restricted_lesson_is_refused_with_the_production_caches_on_too(
    client, learner, course, site_caches, endpoint
):
    """With the page tree cached (production), a restriction added to the module still refuses."""
    ENDPOINTS["xapi state read"](client, course)  # the tree's answers are cached before the change
    _restrict(course, where="module", kind=PageViewRestriction.GROUPS)
    response = ENDPOINTS[endpoint](client, course)
    assert response.status_code == 404
    for model in RECORDS:
        assert not model.objects.exists(), f"{endpoint} wrote a {model.__name__}"


ALLOWED_STATUS = {
    "knowledge check": 302,
    "knowledge check refused answer": 400,
    "reflection": 302,
    "reflection refused answer": 400,
    "lesson done": 302,
    "module complete": 302,  # nothing completed yet: back to the module
    "xapi statement": 201,
    "xapi state save": 200,
    "xapi state read": 200,
    "scenario launch page": 200,
    "scenario start": 302,
}


@pytest.mark.parametrize("kind", [PageViewRestriction.LOGIN, PageViewRestriction.GROUPS])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_learner_the_restriction_lets_in_is_served(client, learner, course, endpoint, kind):
    """A signed-in probation practitioner passes a 'signed-in people' or 'probation group' restriction."""
    group = _restrict(course, where="module", kind=kind)
    learner.groups.add(group)
    response = ENDPOINTS[endpoint](client, course)
    assert response.status_code == ALLOWED_STATUS[endpoint], (endpoint, response.status_code)


def test_a_superuser_passes_a_group_restriction(client, course):
    """An administrator checks a group-only lesson's knowledge check, as Wagtail lets them view it."""
    _restrict(course, where="lesson", kind=PageViewRestriction.GROUPS)
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    assert ENDPOINTS["knowledge check"](client, course).status_code == 302
    assert KnowledgeCheckAttempt.objects.filter(user=admin).exists()


@pytest.mark.parametrize("where", ["lesson", "index"])
def test_a_password_already_given_on_the_page_is_not_enough(client, learner, course, where):
    """Someone who typed a lesson's (or the whole index's) shared password still cannot record
    progress on it."""
    _restrict(course, where=where, kind=PageViewRestriction.PASSWORD)
    restriction = PageViewRestriction.objects.get()
    session = client.session
    session[restriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()
    assert ENDPOINTS["lesson done"](client, course).status_code == 404
    assert not LessonProgress.objects.exists()


def test_a_restriction_on_the_source_of_an_aliased_lesson_applies_to_the_alias(
    client, learner, course, home_page
):
    """An alias of a probation-only lesson, placed in an open module, is refused like its source."""
    _restrict(course, where="lesson", kind=PageViewRestriction.GROUPS)
    open_module, _lessons = module_with_lessons(home_page, bodies=[])
    alias = course["lesson"].create_alias(parent=open_module, update_slug="alias-of-restricted")
    response = client.post(reverse("learning:reflection_save", args=[alias.pk, "rf-1"]), {"text": "Noted."})
    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_a_scenario_run_finished_after_the_lesson_was_restricted_counts_for_nothing(client, learner, course):
    """A run started from a lesson that then becomes group-only finishes, but the lesson records nothing."""
    scenario, lesson = course["scenario"], course["lesson"]
    client.post(
        reverse("learning:scenario_start", args=[scenario.slug]), {"lesson": lesson.pk, "block": "sc-1"}
    )
    attempt = ScenarioAttempt.objects.get()
    _restrict(course, where="module", kind=PageViewRestriction.GROUPS)
    playable = scenario_playable(revision=scenario.live_revision)
    for step, node in enumerate(["open", "better"]):
        response_id = playable.node(node).responses[0].id
        client.post(
            reverse("learning:scenario_respond", args=[attempt.pk]), {"step": step, "response": response_id}
        )
    attempt.refresh_from_db()
    assert attempt.is_finished
    assert not attempt.counted_for_lesson
    assert not ActivityCompletion.objects.exists()


def test_an_unrestricted_lesson_costs_no_query_for_its_privacy_with_the_caches_on(
    client, learner, course, site_caches, django_assert_max_num_queries
):
    """Pinned: with production's caches, a reflection on an open lesson reads no view restriction."""
    url = reverse("learning:reflection_save", args=[course["lesson"].pk, "rf-1"])
    client.post(url, {"text": "Warm the caches."})
    with django_assert_max_num_queries(12) as captured:
        assert client.post(url, {"text": "Listening first."}).status_code == 302
    assert not [query for query in captured.captured_queries if "pageviewrestriction" in query["sql"].lower()]


def test_an_alias_of_a_restricted_lesson_is_refused_with_the_caches_on_and_just_emptied(
    client, learner, course, home_page, site_caches
):
    """The lesson's own query says whether a restriction applies (production's caches keep that
    answer with the lesson): the source's restriction still refuses its alias, read cold."""
    from django.core.cache import cache

    from cms.core import page_cache

    _restrict(course, where="lesson", kind=PageViewRestriction.GROUPS)
    open_module, _lessons = module_with_lessons(home_page, bodies=[])
    alias = course["lesson"].create_alias(parent=open_module, update_slug="alias-of-restricted")
    cache.clear()
    page_cache._local_tier.clear()
    url = reverse("learning:reflection_save", args=[alias.pk, "rf-1"])
    for _ in range(2):  # cold, then from the cache
        assert client.post(url, {"text": "Noted."}).status_code == 404
    assert not Reflection.objects.exists()
