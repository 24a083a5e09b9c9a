"""The xAPI endpoint and statement_record: H5P results recorded once, for the signed-in learner."""

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from learning.models import (
    ActivityCompletion,
    H5PAttempt,
    H5PPlayerState,
    LessonProgress,
    ModuleCompletion,
    ModuleProgress,
    XAPIStatement,
)
from learning.services import StatementInvalid, completion_rule_met, statement_parse
from tests.cms.people.factories import UserFactory
from tests.learning.xapi_statements import statement
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons, text_block

pytestmark = pytest.mark.django_db

URL = "/learning/xapi/statements/"
STATE_URL = "/learning/xapi/state/"


@pytest.fixture
def learner():
    return UserFactory(first_name="Sam", last_name="Okafor")


@pytest.fixture
def h5p_lesson(home_page, package):
    """A module of one lesson holding one required H5P activity (default rule)."""
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[text_block(), h5p_activity_block(package=package, id="h5p-1")]]
    )
    return module, lesson


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def post(client, body, **extra):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def body_for(lesson, data=None, block_id="h5p-1", **extra):
    return {"lesson_id": lesson.pk, "block_id": block_id, "statement": data or statement(), **extra}


def test_an_answered_statement_completes_the_activity_and_the_module(signed_in, learner, h5p_lesson, package):
    """A learner answers the lesson's only H5P activity: the activity, lesson and module complete."""
    module, lesson = h5p_lesson
    response = post(signed_in, body_for(lesson))

    assert response.status_code == 201
    assert response.json()["activity_completed"] is True
    assert response.json()["newly_completed"] is True
    assert response.json()["progress"] == {
        "lesson_status": "completed",
        "lesson_status_label": "Complete",
        "lesson_completed": True,
        "required_remaining": 0,
        "done_block_ids": ["h5p-1"],
        "module_completed_lessons": 1,
        "module_total_lessons": 1,
        "module_percent": 100,
        "module_completed": True,
    }
    assert ActivityCompletion.objects.filter(user=learner, lesson=lesson, block_id="h5p-1").exists()
    assert ModuleCompletion.objects.filter(user=learner, module=module).exists()
    attempt = H5PAttempt.objects.get()
    assert (attempt.score_raw, attempt.score_max, attempt.duration_seconds) == (4, 5, 12.5)
    assert attempt.package_version_id == package.current_version_id


def test_a_completion_tells_the_page_what_is_left_in_the_lesson_and_module(signed_in, home_page, package):
    """Sam finishes the first of two required activities in the first of two lessons: the page
    learns the lesson is in progress with one left and the module is still at 0%; a statement
    that completes nothing carries no progress."""
    _module, (lesson, _second) = module_with_lessons(
        home_page,
        bodies=[
            [
                h5p_activity_block(package=package, id="h5p-1"),
                h5p_activity_block(package=package, id="h5p-2"),
            ],
            [text_block()],
        ],
    )
    quiet = post(signed_in, body_for(lesson, statement("progressed", raw=None, max_score=None)))
    assert "progress" not in quiet.json()
    progress = post(signed_in, body_for(lesson)).json()["progress"]
    assert progress["lesson_status"] == "in_progress"
    assert progress["lesson_status_label"] == "In progress"
    assert progress["required_remaining"] == 1
    assert progress["done_block_ids"] == ["h5p-1"]
    assert (progress["module_completed_lessons"], progress["module_total_lessons"]) == (0, 2)
    assert (progress["module_percent"], progress["module_completed"]) == (0, False)
    progress = post(signed_in, body_for(lesson, block_id="h5p-2")).json()["progress"]
    assert (progress["lesson_completed"], progress["required_remaining"]) == (True, 0)
    assert progress["done_block_ids"] == ["h5p-1", "h5p-2"]
    assert progress["module_percent"] == 50


def test_the_same_statement_twice_is_stored_once(signed_in, h5p_lesson):
    """A retried POST (flaky wifi) never duplicates a statement or an attempt."""
    _module, lesson = h5p_lesson
    body = body_for(lesson)
    assert post(signed_in, body).status_code == 201
    second = post(signed_in, body)

    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert XAPIStatement.objects.count() == 1
    assert H5PAttempt.objects.count() == 1


def test_the_actor_in_the_body_is_ignored(signed_in, learner, h5p_lesson):
    """Someone naming another person as the actor still records only their own result."""
    other = UserFactory(email="victim@oxfordshire.gov.uk")
    _module, lesson = h5p_lesson
    spoofed = statement(actor={"mbox": "mailto:victim@oxfordshire.gov.uk", "objectType": "Agent"})
    post(signed_in, body_for(lesson, spoofed))

    stored = XAPIStatement.objects.get()
    assert stored.user == learner
    assert "actor" not in stored.payload
    assert not ActivityCompletion.objects.filter(user=other).exists()


def test_a_statement_id_used_by_someone_else_is_a_conflict(client, h5p_lesson):
    _module, lesson = h5p_lesson
    data = statement()
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    post(client, body_for(lesson, data))
    client.force_login(second)
    response = post(client, body_for(lesson, data))

    assert response.status_code == 409
    assert XAPIStatement.objects.get().user == first


def test_every_attempt_is_kept_and_completion_is_never_lost(signed_in, learner, h5p_lesson):
    """Trying again with a worse score keeps the completion and both attempts."""
    _module, lesson = h5p_lesson
    post(signed_in, body_for(lesson, statement(raw=5)))
    post(signed_in, body_for(lesson, statement(raw=1)))

    assert H5PAttempt.objects.filter(user=learner).count() == 2
    assert ActivityCompletion.objects.filter(user=learner).count() == 1


def test_sub_activity_statements_are_logged_but_never_complete(signed_in, learner, h5p_lesson):
    """A question inside a question set answers; only the set as a whole completes the activity."""
    _module, lesson = h5p_lesson
    response = post(signed_in, body_for(lesson, statement(parent=True)))

    assert response.status_code == 201
    assert response.json()["activity_completed"] is False
    assert XAPIStatement.objects.get().top_level is False
    assert not ActivityCompletion.objects.exists()
    assert not H5PAttempt.objects.exists()


@pytest.mark.parametrize(
    "rule,pass_mark,verb,raw,success,completes",
    [
        ("default", None, "answered", 1, None, True),
        ("default", None, "completed", None, None, True),
        ("default", None, "passed", 5, None, False),
        ("default", None, "progressed", None, None, False),
        ("default", 80, "answered", 3, None, False),
        ("default", 80, "answered", 4, None, True),
        ("default", 80, "passed", 4, None, True),
        ("answered", None, "completed", None, None, False),
        ("completed", None, "answered", 5, None, False),
        ("completed", None, "completed", 5, None, True),
        ("passed", None, "passed", None, None, True),
        ("passed", None, "answered", 5, True, True),
        ("passed", None, "answered", 2, False, False),
        ("passed", 60, "answered", 3, None, True),
        ("any_progress", None, "progressed", None, None, True),
        ("any_progress", None, "interacted", None, None, True),
    ],
)
def test_completion_rules(rule, pass_mark, verb, raw, success, completes):
    """Each block rule, including Interactive Video's 'any progress', and the optional pass mark."""
    parsed = statement_parse(
        statement(verb, raw=raw, max_score=5 if raw is not None else None, success=success)
    )
    assert completion_rule_met(rule=rule, pass_mark=pass_mark, statement=parsed) is completes


def test_a_pass_mark_on_the_block_holds_back_a_low_score(signed_in, learner, home_page, package):
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package, id="h5p-1", pass_mark=80)]]
    )
    low = post(signed_in, body_for(lesson, statement(raw=3)))
    high = post(signed_in, body_for(lesson, statement(raw=4)))

    assert low.json()["activity_completed"] is False
    assert high.json()["activity_completed"] is True
    assert list(H5PAttempt.objects.order_by("created_at").values_list("completed_activity", flat=True)) == [
        False,
        True,
    ]


def test_anonymous_posts_are_refused(client, h5p_lesson):
    _module, lesson = h5p_lesson
    response = post(client, body_for(lesson))
    assert response.status_code == 401
    assert "error" in response.json()
    assert not XAPIStatement.objects.exists()


def test_csrf_is_enforced(learner, h5p_lesson):
    """The endpoint uses the session, so it must refuse cross-site posts without the CSRF token."""
    _module, lesson = h5p_lesson
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert post(client, body_for(lesson)).status_code == 403

    token = "a" * 32  # what the page's cookie would hold; the header must match it
    client.cookies["csrftoken"] = token
    assert post(client, body_for(lesson), HTTP_X_CSRFTOKEN=token).status_code == 201


@pytest.mark.parametrize(
    "mutate,status,message",
    [
        (lambda s: s["result"]["score"].update(raw=6), 400, "between 0 and result.score.max"),
        (lambda s: s["result"]["score"].update(raw=-1, scaled=0), 400, "result.score.raw must be between"),
        (
            lambda s: s["result"]["score"].update(min=5),
            400,
            "result.score.min must be less than result.score.max",
        ),
        (lambda s: s["result"]["score"].pop("max"), 400, "result.score.max is required"),
        (lambda s: s["result"]["score"].update(scaled=2), 400, "result.score.scaled"),
        (lambda s: s["result"]["score"].update(raw="4"), 400, "must be a number"),
        (lambda s: s.update(id="not-a-uuid"), 400, "id must be a UUID"),
        (lambda s: s.pop("verb"), 400, "verb must be an object"),
        (lambda s: s["verb"].update(id="answered"), 400, "verb.id must be an IRI"),
        (lambda s: s.update(surprise=True), 400, "unknown field 'surprise'"),
        (lambda s: s["result"].update(duration="twelve seconds"), 400, "ISO 8601"),
        (lambda s: s["object"].update(objectType="Agent"), 400, "object.objectType"),
        (lambda s: s["result"].update(response="a\x00b"), 400, "result.response"),
    ],
)
def test_bad_statements_get_a_clear_400(signed_in, h5p_lesson, mutate, status, message):
    _module, lesson = h5p_lesson
    data = statement()
    mutate(data)
    response = post(signed_in, body_for(lesson, data))
    assert response.status_code == status
    assert message in response.json()["error"]
    assert not XAPIStatement.objects.exists()


def test_malformed_bodies_get_4xx_json(signed_in, h5p_lesson):
    _module, lesson = h5p_lesson
    cases = [
        (signed_in.post(URL, data="not json", content_type="application/json"), 400),
        (signed_in.post(URL, data="[]", content_type="application/json"), 400),
        (signed_in.post(URL, data="[" * 50_000, content_type="application/json"), 400),
        (signed_in.post(URL, data={"lesson_id": lesson.pk}), 415),
        (
            signed_in.post(
                URL, data=json.dumps(body_for(lesson)) + " " * 70_000, content_type="application/json"
            ),
            413,
        ),
        (post(signed_in, {**body_for(lesson), "lesson_id": "1"}), 400),
        (post(signed_in, {**body_for(lesson), "block_id": "h5p\x00"}), 400),
        (post(signed_in, {**body_for(lesson), "extra": 1}), 400),
        (signed_in.get(URL), 405),
    ]
    for response, status in cases:
        assert response.status_code == status
        if status != 405:
            assert response.json()["error"]


def test_the_lesson_must_be_live_hold_the_block_and_be_visible(
    signed_in, learner, h5p_lesson, home_page, package
):
    """Statements for draft lessons, other blocks or restricted lessons are refused (404)."""
    _module, lesson = h5p_lesson
    assert post(signed_in, body_for(lesson, block_id="no-such-block")).status_code == 404
    assert post(signed_in, {**body_for(lesson), "lesson_id": 999999}).status_code == 404

    _module2, (restricted,) = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package, id="h5p-1")]]
    )
    restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Probation only"))
    assert post(signed_in, body_for(restricted)).status_code == 404

    lesson.unpublish()
    assert post(signed_in, body_for(lesson)).status_code == 404
    assert not XAPIStatement.objects.exists()


def test_a_text_block_id_is_not_an_h5p_activity(signed_in, home_page, package):
    _module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block(id="text-1")]])
    assert post(signed_in, body_for(lesson, block_id="text-1")).status_code == 404


def test_the_package_version_played_is_recorded(signed_in, h5p_lesson, package):
    """Attempts record the version the learner played, even after a newer version is uploaded."""
    _module, lesson = h5p_lesson
    played = package.current_version_id
    newer = h5p_package_ready(title="Another")  # a version of another package is not accepted
    post(signed_in, body_for(lesson, package_version_id=newer.current_version_id))
    post(signed_in, body_for(lesson, package_version_id=played))
    assert set(H5PAttempt.objects.values_list("package_version_id", flat=True)) == {played}


def test_a_statement_that_does_not_complete_costs_at_most_10_queries(signed_in, h5p_lesson):
    """Pinned: session, user, duplicate check, lesson, restrictions, version, statement, attempt
    (plus the transaction's savepoint and release inside the test's own transaction)."""
    _module, lesson = h5p_lesson
    post(signed_in, body_for(lesson, statement("progressed", raw=None, max_score=None)))  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = post(signed_in, body_for(lesson, statement("failed", raw=1, max_score=5, success=False)))
    assert response.status_code == 201
    assert H5PAttempt.objects.filter(verb="failed").exists()
    assert len(queries) <= 10, "\n".join(query["sql"][:150] for query in queries)


def _completing_query_count(home_page, package, lessons: int) -> int:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    bodies = [[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(lessons)]
    _module, created = module_with_lessons(home_page, bodies=bodies)
    post(client, body_for(created[0], block_id="h5p-0"))
    with CaptureQueriesContext(connection) as queries:
        post(client, body_for(created[1], block_id="h5p-1"))
    return len(queries)


def test_the_query_count_of_a_completing_statement_does_not_grow_with_the_module(home_page, package):
    """A completing statement costs the same in a 3-lesson module as in a 15-lesson one."""
    small = _completing_query_count(home_page, package, 3)
    large = _completing_query_count(home_page, package, 15)
    assert small == large


def test_statement_parse_refuses_deep_nesting():
    data = statement()
    deep: dict = {}
    node = deep
    for _ in range(30):
        node["x"] = {}
        node = node["x"]
    data["object"]["definition"]["extensions"] = deep
    with pytest.raises(StatementInvalid, match="nested too deeply"):
        statement_parse(data)


def test_player_state_is_saved_and_restored_per_learner(client, learner, h5p_lesson):
    """A learner leaves mid-activity and comes back to the same answers; others see nothing."""
    _module, lesson = h5p_lesson
    client.force_login(learner)
    saved = client.post(
        STATE_URL,
        data=json.dumps({"lesson_id": lesson.pk, "block_id": "h5p-1", "state": '{"answers":[true,null]}'}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    restored = client.get(STATE_URL, {"lesson_id": lesson.pk, "block_id": "h5p-1"})
    assert restored.json() == {"state": '{"answers":[true,null]}'}
    assert H5PPlayerState.objects.get().package_version_id is not None

    client.force_login(UserFactory())
    assert client.get(STATE_URL, {"lesson_id": lesson.pk, "block_id": "h5p-1"}).json() == {"state": None}


def test_player_state_refuses_bad_input(signed_in, h5p_lesson):
    _module, lesson = h5p_lesson
    too_big = {"lesson_id": lesson.pk, "block_id": "h5p-1", "state": "x" * 70_000}
    assert (
        signed_in.post(STATE_URL, data=json.dumps(too_big), content_type="application/json").status_code
        == 413
    )
    not_text = {"lesson_id": lesson.pk, "block_id": "h5p-1", "state": {"a": 1}}
    assert (
        signed_in.post(STATE_URL, data=json.dumps(not_text), content_type="application/json").status_code
        == 400
    )
    wrong_block = {"lesson_id": lesson.pk, "block_id": "nope", "state": "{}"}
    assert (
        signed_in.post(STATE_URL, data=json.dumps(wrong_block), content_type="application/json").status_code
        == 404
    )
    assert signed_in.get(STATE_URL, {"lesson_id": "x", "block_id": "h5p-1"}).status_code == 400
    assert Client().get(STATE_URL, {"lesson_id": lesson.pk, "block_id": "h5p-1"}).status_code == 401


@pytest.mark.parametrize("lessons", [3, 30])
def test_statements_cost_at_most_10_queries_however_large_the_module(
    home_page, package, site_caches, lessons
):
    """With production's caches, a statement costs at most 10 queries whether it completes
    nothing, completes an activity and its lesson, or repeats a completion, in a module of 3
    lessons as in one of 30 (transaction statements included), a new completion included: it
    reads the progress row once more to send the page its new progress (the module comes from
    the cache)."""
    client = Client()
    client.force_login(UserFactory())
    bodies = [[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(lessons)]
    _module, created = module_with_lessons(home_page, bodies=bodies)
    client.get(created[1].url)  # the learner opens the lesson, then plays its activity
    post(client, body_for(created[0], block_id="h5p-0"))  # warm up: the caches fill
    cases = {
        "not completing": statement("progressed", raw=None, max_score=None),
        "completing the activity and lesson": statement(),
        "repeating the completion": statement(),
    }
    for case, data in cases.items():
        with CaptureQueriesContext(connection) as queries:
            response = post(client, body_for(created[1], data, block_id="h5p-1"))
        assert response.status_code == 201, case
        assert len(queries) <= 10, (case, "\n".join(query["sql"][:110] for query in queries))
    assert ActivityCompletion.objects.filter(lesson=created[1], block_id="h5p-1").count() == 1


def test_a_first_completion_costs_at_most_10_queries_with_the_caches_just_emptied(
    home_page, package, site_caches
):
    """A learner's first completion of a lesson, just after the cache was emptied (a flush or a
    restart), in a 30-lesson module: session and person, the lesson (whose query also says that
    no view restriction applies to it or its ancestors), the package version, the active
    forwarding targets (then cached), the module (by the lesson's path) and its lessons (one each,
    shared by the recount and the progress sent back), then on PostgreSQL one statement writing it
    all (``completion_at_once``: the progress row's lock, the completion, the lesson's and module's
    progress, the xAPI statement and its attempt), the test's savepoint and release included: in
    production there is no savepoint, and no BEGIN or COMMIT either. The progress sent back is the
    row as written: it is not read. (Was 18, then 12, then 10, then 9 with two statements in a
    transaction; SQLite, without data-modifying WITH queries, writes each row in its own statement.)"""
    from django.core.cache import cache

    from cms.core import page_cache

    bodies = [[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(30)]
    _module, created = module_with_lessons(home_page, bodies=bodies)
    client = Client()
    client.force_login(UserFactory())
    client.get(created[1].url)
    cache.clear()
    page_cache._local_tier.clear()
    with CaptureQueriesContext(connection) as queries:
        response = post(client, body_for(created[1], block_id="h5p-1"))
    assert response.status_code == 201
    assert response.json()["progress"]["module_completed_lessons"] == 1
    assert len(queries) <= (10 if connection.vendor == "postgresql" else 14), "\n".join(
        query["sql"][:110] for query in queries
    )


def test_a_statement_completing_the_module_costs_a_fixed_number_of_queries(home_page, package, site_caches):
    """The statement that completes the module also writes its completion record, certificate
    and enrolments in the same transaction, and reads the new progress for the page: a few more
    queries (20 at most), however large the module."""

    def completing_count(lessons: int) -> int:
        client = Client()
        client.force_login(UserFactory())
        bodies = [[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(lessons)]
        module, created = module_with_lessons(home_page, bodies=bodies)
        for number, lesson in enumerate(created[:-1]):
            post(client, body_for(lesson, block_id=f"h5p-{number}"))
        client.get(created[-1].url)
        with CaptureQueriesContext(connection) as queries:
            response = post(client, body_for(created[-1], block_id=f"h5p-{lessons - 1}"))
        assert response.json()["newly_completed"] is True
        assert ModuleCompletion.objects.filter(module=module).exists()
        return len(queries)

    small, large = completing_count(3), completing_count(12)
    assert small <= 20
    assert large <= 20


def _statement_sql(queries) -> list[str]:
    """Each query's SQL; Django logs a statement prepared on PostgreSQL as ``QUERY = '...' PARAMS = ...``."""
    return [query["sql"].removeprefix("QUERY = '") for query in queries]


def test_a_new_statement_is_inserted_without_looking_for_its_id_first(signed_in, h5p_lesson):
    """A statement id is new almost always: the unique constraint, not a SELECT, catches a repeat."""
    _module, lesson = h5p_lesson
    post(signed_in, body_for(lesson))  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = post(signed_in, body_for(lesson, statement("progressed", raw=None, max_score=None)))
    assert response.status_code == 201
    reads = [sql for sql in _statement_sql(queries) if sql.startswith("SELECT") and "xapistatement" in sql]
    assert not reads, reads


def test_a_repeat_found_by_the_constraint_is_answered_as_a_duplicate_with_nothing_added(
    signed_in, h5p_lesson
):
    """The first try rolls back whole (no second attempt, no second statement), the retry reports it."""
    _module, lesson = h5p_lesson
    body = body_for(lesson, statement(raw=2))
    assert post(signed_in, body).json()["newly_completed"] is True
    again = post(signed_in, body)
    assert again.status_code == 200
    assert again.json() == {
        "id": body["statement"]["id"],
        "stored": False,
        "duplicate": True,
        "activity_completed": True,
        "newly_completed": False,
    }
    assert (XAPIStatement.objects.count(), H5PAttempt.objects.count()) == (1, 1)


def test_a_repeat_of_a_stored_statement_is_a_duplicate_even_once_its_lesson_has_gone(signed_in, h5p_lesson):
    """The player resends after the lesson was unpublished: still the stored statement's answer,
    not a 404; a new statement for it is refused."""
    _module, lesson = h5p_lesson
    body = body_for(lesson)
    assert post(signed_in, body).status_code == 201
    lesson.unpublish()
    again = post(signed_in, body)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert post(signed_in, body_for(lesson)).status_code == 404


def test_repeating_a_completion_is_one_statement_keeping_the_better_score(home_page, package, site_caches):
    """A completion already recorded is written, on PostgreSQL, by the one statement a first
    completion takes (``completion_at_once``): it locks the progress row, records where the learner
    was, stores the statement and its attempt, and raises the completion's score only when the new
    one is better; the lesson's state, its row and the module's counts are left as they were.
    Elsewhere, an UPDATE ... RETURNING of the progress row and one UPDATE keeping the better score,
    with no read of the completion."""
    learner = UserFactory()
    client = Client()
    client.force_login(learner)
    bodies = [[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(3)]
    _module, created = module_with_lessons(home_page, bodies=bodies)
    post(client, body_for(created[1], statement(raw=3), block_id="h5p-1"))
    post(client, body_for(created[0], block_id="h5p-0"))
    states_before = ModuleProgress.objects.get(user=learner).lesson_states
    lesson_before = LessonProgress.objects.filter(user=learner, lesson=created[1]).values().get()
    for raw, kept in ((2, 3), (5, 5)):
        with CaptureQueriesContext(connection) as queries:
            response = post(client, body_for(created[1], statement(raw=raw), block_id="h5p-1"))
        assert response.json()["activity_completed"] is True
        assert response.json()["newly_completed"] is False
        sqls = _statement_sql(queries)
        completion_reads = [
            sql for sql in sqls if sql.startswith("SELECT") and 'FROM "learning_activitycompletion"' in sql
        ]
        assert not completion_reads, sqls
        writes = [sql for sql in sqls if sql.startswith(("INSERT", "UPDATE", "WITH"))]
        if connection.vendor == "postgresql":
            assert len(writes) == 1, [sql[:120] for sql in writes]
        else:
            assert len([sql for sql in writes if 'UPDATE "learning_moduleprogress"' in sql]) == 1, sqls
            assert len([sql for sql in writes if sql.startswith('UPDATE "learning_activitycompletion"')]) == 1
        assert len(queries) <= (6 if connection.vendor == "postgresql" else 7), "\n".join(
            sql[:110] for sql in sqls
        )
        assert ActivityCompletion.objects.get(user=learner, block_id="h5p-1").score == kept
    progress = ModuleProgress.objects.get(user=learner)
    assert progress.last_lesson_id == created[1].pk
    assert progress.lesson_states == states_before
    assert LessonProgress.objects.filter(user=learner, lesson=created[1]).values().get() == lesson_before


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis server: set REDIS_URL")
def test_a_statement_reads_only_the_generation_session_and_person_from_redis(
    home_page, package, site_caches, monkeypatch
):
    """Once a worker has read them, the lesson, restrictions, package versions and module id
    (all under the tree generation) come from its own tier: Redis answers one read (the tree
    and branding generations, the session and, since this worker has served the session before,
    the person)."""
    import redis

    client = Client()
    client.force_login(UserFactory())
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package, id="h5p-1")]]
    )
    post(client, body_for(lesson))  # warm up: this process reads them once
    commands: list[tuple] = []
    execute_command = redis.Redis.execute_command
    pipeline_execute = redis.client.Pipeline.execute

    def counting(self, *args, **options):
        commands.append(args if args and args[0] == "MGET" else args[:2])
        return execute_command(self, *args, **options)

    def counting_pipeline(self, *args, **options):
        commands.extend(command[:2] for command, _options in self.command_stack)
        return pipeline_execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counting_pipeline)
    response = post(client, body_for(lesson))
    assert response.status_code == 201
    round_trips = [command for command in commands if command[0] in ("GET", "MGET")]
    assert len(round_trips) == 1, commands
    reads = [key.decode() if isinstance(key, bytes) else key for key in round_trips[0][1:]]
    assert any("core:tree:generation" in key for key in reads)
    assert any("django.contrib.sessions.cached_db" in key for key in reads)
    assert any("people:user:" in key for key in reads)
    assert all(":modules:" not in key and "restricted-paths" not in key for key in reads)


def test_a_new_statement_reads_its_lesson_and_restrictions_once(signed_in, h5p_lesson):
    """Without the caches (test settings) the activity lookup is two queries; it is made once."""
    _module, lesson = h5p_lesson
    post(signed_in, body_for(lesson))  # warm up
    with CaptureQueriesContext(connection) as queries:
        assert (
            post(signed_in, body_for(lesson, statement("progressed", raw=None, max_score=None))).status_code
            == 201
        )
    sqls = _statement_sql(queries)
    assert len([sql for sql in sqls if sql.startswith("SELECT") and '"modules_lessonpage"' in sql]) == 1, sqls
    assert len([sql for sql in sqls if 'FROM "wagtailcore_pageviewrestriction"' in sql]) == 1, sqls
    assert len(queries) <= 8, "\n".join(sql[:110] for sql in sqls)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("opened", [True, False], ids=["lessons-opened", "lessons-never-opened"])
def test_two_first_completions_at_once_in_one_module_both_count(home_page, package, opened):
    """A learner with the module open in two tabs finishes the last two lessons at the same
    moment: each statement's INSERT also locks the progress row, so one waits for the other and
    both lessons count, and the module completes once, whether or not the lessons were opened
    first (when not, the progress row is made under its lock)."""
    import threading

    from django.db import connection as thread_connection

    from learning.models import Certificate, LessonProgress
    from learning.services import lesson_visit, statement_record
    from modules.selectors import module_parent_id

    learner = UserFactory()
    module, lessons = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package, id=f"h5p-{n}")] for n in range(2)]
    )
    if opened:
        for lesson in lessons:
            lesson_visit(
                user=learner,
                lesson=lesson,
                module_id=module_parent_id(lesson=lesson),
                module_progress=None,
                prerequisites_met=True,
            )
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def finish(number):
        try:
            barrier.wait(timeout=10)
            lesson_id, block_id = lessons[number].pk, f"h5p-{number}"
            outcomes.append(
                statement_record(user=learner, lesson_id=lesson_id, block_id=block_id, statement=statement())
            )
        except Exception as error:
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=finish, args=(number,)) for number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert [outcome.newly_completed for outcome in outcomes] == [True, True]
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert (progress.lessons_completed, progress.lessons_total) == (2, 2)
    assert progress.completed_at is not None
    assert {lesson.pk: progress.lesson_state(lesson.pk)["done"] for lesson in lessons} == {
        lessons[0].pk: ["h5p-0"],
        lessons[1].pk: ["h5p-1"],
    }
    assert LessonProgress.objects.filter(user=learner, status=LessonProgress.Status.COMPLETED).count() == 2
    assert ActivityCompletion.objects.filter(user=learner).count() == 2
    assert ModuleCompletion.objects.filter(user=learner, module=module).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1
