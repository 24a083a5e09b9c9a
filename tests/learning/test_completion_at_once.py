"""A completion written by one statement (``completion_at_once``, PostgreSQL) against the path that
covers every case (``activity_complete``, in a transaction): the same completions leave the same rows,
the cases it does not cover are handed over with nothing written, and a completion that waited for
another's row lock works from what that one committed."""

import json
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from learning.models import (
    ActivityCompletion,
    Certificate,
    LessonProgress,
    LrsForwardingTarget,
    LrsOutbox,
    ModuleCompletion,
    ModuleProgress,
    XAPIStatement,
)
from learning.services import activity_complete, statement_record
from tests.cms.people.factories import UserFactory
from tests.learning.xapi_statements import statement
from tests.modules.factories import h5p_activity_block, module_with_lessons

pytestmark = pytest.mark.django_db

URL = "/learning/xapi/statements/"

# (lesson index, block id, score): two required activities in the first lesson, an optional one,
# repeats with a better and a worse score, then the other lessons until the module completes.
STEPS = [
    (0, "a", 2),
    (0, "a", 4),
    (0, "a", 1),
    (0, "optional", 3),
    (0, "b", None),
    (1, "c", 5),
    (2, "d", 5),
]


@pytest.fixture
def module_of_three(home_page, package):
    bodies = [
        [
            h5p_activity_block(package=package, id="a"),
            h5p_activity_block(package=package, id="optional", required=False),
            h5p_activity_block(package=package, id="b"),
        ],
        [h5p_activity_block(package=package, id="c")],
        [h5p_activity_block(package=package, id="d")],
    ]
    return module_with_lessons(home_page, bodies=bodies)


def _post(client, lesson, block_id, score):
    data = statement(raw=score, max_score=5 if score is not None else None)
    body = {"lesson_id": lesson.pk, "block_id": block_id, "statement": data}
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def _rows(user, module):
    """What a person's completions left, without the times (each learner's differ)."""
    progress = ModuleProgress.objects.get(user=user, module=module)
    lessons = sorted(
        LessonProgress.objects.filter(user=user).values_list(
            "lesson_id", "status", "required_completed", "required_total", "cycle"
        )
    )
    completed_lessons = sorted(
        LessonProgress.objects.filter(user=user, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    completions = sorted(
        ActivityCompletion.objects.filter(user=user).values_list(
            "lesson_id", "block_id", "score", "max_score", "cycle"
        )
    )
    return {
        "states": progress.lesson_states,
        "counts": (progress.lessons_completed, progress.lessons_total, progress.completed_at is not None),
        "last_lesson": progress.last_lesson_id,
        "lessons": lessons,
        "completed_lessons": completed_lessons,
        "completions": completions,
        "module_completions": ModuleCompletion.objects.filter(user=user, module=module).count(),
        "certificates": Certificate.objects.filter(user=user).count(),
    }


def test_the_one_statement_leaves_what_the_full_path_leaves(module_of_three):
    """Each step posted as a statement by one learner and completed through ``activity_complete`` by
    another: after every step both have the same lesson states, counts, lesson rows, completions
    (the better score kept) and, at the end, one module completion and certificate each."""
    module, lessons = module_of_three
    posting, calling = UserFactory(), UserFactory()
    client = Client()
    client.force_login(posting)
    other = Client()
    other.force_login(calling)
    for lesson in lessons:  # both open every lesson first, as a learner playing its activities has
        client.get(lesson.url)
        other.get(lesson.url)
    for number, (index, block_id, score) in enumerate(STEPS):
        lesson = lessons[index]
        response = _post(client, lesson, block_id, score)
        assert response.status_code in (200, 201), response.content
        activity_complete(
            user=calling,
            lesson=lesson,
            block_id=block_id,
            score=score,
            max_score=5 if score is not None else None,
        )
        assert _rows(posting, module) == _rows(calling, module), f"step {number}: {index, block_id, score}"
    final = _rows(posting, module)
    assert final["counts"] == (3, 3, True)
    assert (final["module_completions"], final["certificates"]) == (1, 1)
    assert [row[2] for row in final["completions"] if row[1] == "a"] == [4.0]


@pytest.mark.postgres
def test_first_completions_and_repeats_are_one_statement_each(module_of_three):
    """On PostgreSQL a first completion that neither completes the module nor lacks the lesson's
    row, and a repeat, write with one statement (the test's savepoint around it aside): no separate
    UPDATE of the progress or lesson rows, no second INSERT."""
    _module, lessons = module_of_three
    learner = UserFactory()
    client = Client()
    client.force_login(learner)
    for lesson in lessons:
        client.get(lesson.url)
    for index, block_id, score in STEPS[:-1]:
        with CaptureQueriesContext(connection) as queries:
            response = _post(client, lessons[index], block_id, score)
        assert response.status_code == 201
        writes = [
            query["sql"]
            for query in queries
            if query["sql"].startswith(("INSERT", "UPDATE", "WITH", "QUERY = 'WITH", "DELETE"))
        ]
        assert len(writes) == 1, (block_id, [sql[:120] for sql in writes])
        assert "FOR UPDATE" in writes[0]


def test_a_completion_the_statement_does_not_cover_is_written_in_full(home_page, package):
    """A lesson never opened (no progress row, then no lesson row) and the module's last lesson
    (its completion and certificate) go the full way: nothing is lost or written twice."""
    module, lessons = module_with_lessons(
        home_page,
        bodies=[[h5p_activity_block(package=package, id="x")], [h5p_activity_block(package=package, id="y")]],
    )
    learner = UserFactory()
    outcome = statement_record(user=learner, lesson_id=lessons[0].pk, block_id="x", statement=statement())
    assert outcome.newly_completed
    assert (
        LessonProgress.objects.get(user=learner, lesson=lessons[0]).status == LessonProgress.Status.COMPLETED
    )
    outcome = statement_record(user=learner, lesson_id=lessons[1].pk, block_id="y", statement=statement())
    assert outcome.newly_completed
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert (progress.lessons_completed, progress.lessons_total) == (2, 2)
    assert ModuleCompletion.objects.filter(user=learner, module=module).count() == 1
    assert XAPIStatement.objects.filter(user=learner).count() == 2
    assert ActivityCompletion.objects.filter(user=learner).count() == 2


def test_a_completion_is_queued_for_the_forwarding_targets_it_matches(module_of_three):
    """With forwarding targets active, the statement is queued for those whose verbs match, by the
    same statement that stores it."""
    _module, lessons = module_of_three
    matching = LrsForwardingTarget.objects.create(
        name="Council LRS",
        endpoint="https://lrs.example.org/xapi/",
        username="k",
        password="s",
        is_active=True,
    )
    LrsForwardingTarget.objects.create(
        name="Completions only",
        endpoint="https://other.example.org/xapi/",
        username="k",
        password="s",
        is_active=True,
        verbs=["http://adlnet.gov/expapi/verbs/completed"],
    )
    learner = UserFactory()
    client = Client()
    client.force_login(learner)
    client.get(lessons[1].url)
    _post(client, lessons[1], "c", 5)  # the targets are read, then cached
    client.get(lessons[0].url)
    response = _post(client, lessons[0], "a", 5)
    assert response.status_code == 201
    stored = XAPIStatement.objects.get(statement_id=json.loads(response.content)["id"])
    assert list(LrsOutbox.objects.filter(statement=stored).values_list("target_id", flat=True)) == [
        matching.pk
    ]


def _threaded(work):
    errors: list[BaseException] = []
    finished: list[float] = []

    def run():
        try:
            work()
            finished.append(time.monotonic())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run), errors, finished


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_waiting_on_the_row_lock_works_from_what_its_holder_committed(home_page, package):
    """Another transaction holds the person's progress row (completing activity b) while a statement
    completes activity c: the statement waits, then reads the JSON b committed, so neither is lost."""
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package, id=name) for name in "abc"]]
    )
    learner = UserFactory()
    statement_record(user=learner, lesson_id=lesson.pk, block_id="a", statement=statement())
    thread, errors, finished = _threaded(
        lambda: statement_record(user=learner, lesson_id=lesson.pk, block_id="c", statement=statement())
    )
    with transaction.atomic():
        activity_complete(user=learner, lesson=lesson, block_id="b")
        thread.start()
        time.sleep(0.5)
        assert not finished, "the statement must wait for the row lock"
        committed_at = time.monotonic()
    thread.join(timeout=30)
    assert not errors
    assert finished and finished[0] >= committed_at
    progress = ModuleProgress.objects.get(user=learner)
    assert progress.lesson_state(lesson.pk)["done"] == ["a", "b", "c"]
    assert progress.lessons_completed == 1
    assert ModuleCompletion.objects.filter(user=learner, module=module).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_repeat_waiting_on_the_first_completion_keeps_its_better_score(home_page, package):
    """A repeat with a better score waits on the lock of the transaction that first completes the
    activity: the one statement's snapshot, taken before the wait, cannot see that completion to
    raise its score, so it hands over and the full path (which can) keeps the better score."""
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package, id=name) for name in "ab"]]
    )
    learner = UserFactory()
    statement_record(user=learner, lesson_id=lesson.pk, block_id="b", statement=statement())
    thread, errors, finished = _threaded(
        lambda: statement_record(user=learner, lesson_id=lesson.pk, block_id="a", statement=statement(raw=5))
    )
    with transaction.atomic():
        activity_complete(user=learner, lesson=lesson, block_id="a", score=1, max_score=5)
        thread.start()
        time.sleep(0.5)
        assert not finished, "the repeat must wait for the row lock"
    thread.join(timeout=30)
    assert not errors
    assert ActivityCompletion.objects.get(user=learner, block_id="a").score == 5


def test_a_completion_leaving_no_attempt_is_written_too(home_page, package):
    """Under the any-progress rule a statement that is not a result (``progressed``) completes the
    activity and leaves no attempt: the one statement writes it without one."""
    from learning.models import H5PAttempt

    block = h5p_activity_block(package=package, id="p")
    block["value"]["completion_rule"] = "any_progress"
    _module, (lesson, _other) = module_with_lessons(
        home_page, bodies=[[block], [h5p_activity_block(package=package, id="q")]]
    )
    learner = UserFactory()
    client = Client()
    client.force_login(learner)
    client.get(lesson.url)
    body = {
        "lesson_id": lesson.pk,
        "block_id": "p",
        "statement": statement("progressed", raw=None, max_score=None),
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["newly_completed"] is True
    assert response.json()["progress"]["lesson_completed"] is True
    if connection.vendor == "postgresql":
        assert [
            q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and "learning_h5pattempt" not in q["sql"]
        ]
    assert not H5PAttempt.objects.filter(user=learner).exists()
    assert XAPIStatement.objects.filter(user=learner).count() == 1
    assert LessonProgress.objects.get(user=learner, lesson=lesson).status == LessonProgress.Status.COMPLETED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_statement_deadlocking_with_the_full_path_is_answered_as_a_duplicate(home_page, package):
    """The same statement sent twice at once, one copy on the full path (the statement inserted,
    then the progress row locked) and one on the one statement (the other way round): PostgreSQL
    breaks the deadlock by rolling the one statement back (it waited first), which tries again
    rather than answering 500, and finds the copy the other stored."""
    from django.utils import timezone

    _module, (lesson, _other) = module_with_lessons(
        home_page,
        bodies=[
            [h5p_activity_block(package=package, id=name) for name in "ab"],
            [h5p_activity_block(package=package, id="c")],
        ],
    )
    learner = UserFactory()
    statement_record(user=learner, lesson_id=lesson.pk, block_id="a", statement=statement())
    sent = statement()
    progress = ModuleProgress.objects.get(user=learner)
    copy = XAPIStatement.objects.get(user=learner)
    holding = threading.Event()
    outcome = []

    def full_path_copy():
        # What rows_insert then progress_touch do, paused between: the statement's row, then the lock.
        with transaction.atomic():
            copy.pk = None
            copy.statement_id = sent["id"]
            copy.save(force_insert=True)
            holding.set()
            time.sleep(0.5)  # the one statement locks the progress row, then waits on this id
            ModuleProgress.objects.filter(pk=progress.pk).update(last_activity_at=timezone.now())

    thread, errors, _finished = _threaded(full_path_copy)
    thread.start()
    holding.wait(timeout=10)
    outcome.append(statement_record(user=learner, lesson_id=lesson.pk, block_id="b", statement=sent))
    thread.join(timeout=30)
    assert not errors
    assert outcome[0].duplicate is True
    assert XAPIStatement.objects.filter(statement_id=sent["id"]).count() == 1
