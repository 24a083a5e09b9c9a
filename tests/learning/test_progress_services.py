"""activity_complete and lesson_mark_done: the one path by which learning completes."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from learning.models import (
    ActivityCompletion,
    Certificate,
    Enrolment,
    LessonProgress,
    ModuleCompletion,
    ModuleProgress,
)
from learning.selectors import team_cache
from learning.services import (
    ActivityNotFound,
    LessonHasRequiredActivities,
    activity_complete,
    enrolments_sync,
    lesson_mark_done,
    module_cycle_open,
)
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory, ModuleCompletionFactory
from tests.modules.factories import knowledge_check_block, module_with_lessons, text_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    return UserFactory(first_name="Asha", last_name="Patel")


@pytest.fixture
def two_lesson_module(home_page):
    """Lesson 1 has two required checks and one optional; lesson 2 has one check."""
    return module_with_lessons(
        home_page,
        bodies=[
            [
                text_block(),
                knowledge_check_block(id="kc-a"),
                knowledge_check_block(id="kc-b"),
                knowledge_check_block(id="kc-optional", required=False),
            ],
            [knowledge_check_block(id="kc-c")],
        ],
    )


def test_completing_one_of_two_required_activities_leaves_the_lesson_in_progress(learner, two_lesson_module):
    """A learner who passes the first of two checks sees the lesson in progress, not done."""
    _module, (lesson, _) = two_lesson_module

    assert activity_complete(user=learner, lesson=lesson, block_id="kc-a") is True

    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.status == LessonProgress.Status.IN_PROGRESS
    assert (progress.required_completed, progress.required_total) == (1, 2)
    assert not ModuleCompletion.objects.exists()


def test_second_call_for_the_same_activity_is_idempotent(learner, two_lesson_module):
    """Posting the same completion twice (a retry, a double click) records it once."""
    _module, (lesson, _) = two_lesson_module

    assert activity_complete(user=learner, lesson=lesson, block_id="kc-a", score=2, max_score=4) is True
    assert activity_complete(user=learner, lesson=lesson, block_id="kc-a", score=1, max_score=4) is False

    completion = ActivityCompletion.objects.get(user=learner, lesson=lesson, block_id="kc-a")
    assert completion.score == 2, "a worse second attempt must not lower the recorded score"
    assert ActivityCompletion.objects.count() == 1


def test_a_better_later_score_is_kept(learner, two_lesson_module):
    """Doing an activity again with a better score raises the score, never removes the completion."""
    _module, (lesson, _) = two_lesson_module
    activity_complete(user=learner, lesson=lesson, block_id="kc-a", score=2, max_score=4)
    activity_complete(user=learner, lesson=lesson, block_id="kc-a", score=4, max_score=4)
    assert ActivityCompletion.objects.get(block_id="kc-a").score == 4


def test_optional_activity_does_not_count_towards_the_lesson(learner, two_lesson_module):
    """An activity the editor marked optional is recorded but never needed to finish."""
    _module, (lesson, _) = two_lesson_module
    activity_complete(user=learner, lesson=lesson, block_id="kc-optional")
    activity_complete(user=learner, lesson=lesson, block_id="kc-a")
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert (progress.required_completed, progress.status) == (1, LessonProgress.Status.IN_PROGRESS)


def test_completion_cascades_to_lesson_and_module_with_a_certificate(
    learner, two_lesson_module, django_capture_on_commit_callbacks
):
    """Finishing the last activity of the last lesson completes the module and issues a certificate."""
    module, (first, second) = two_lesson_module
    at = timezone.now() - timedelta(hours=1)
    activity_complete(user=learner, lesson=first, block_id="kc-a", at=at)
    activity_complete(user=learner, lesson=first, block_id="kc-b", at=at)
    assert LessonProgress.objects.get(lesson=first).status == LessonProgress.Status.COMPLETED
    assert ModuleProgress.objects.get(user=learner, module=module).lessons_completed == 1

    with django_capture_on_commit_callbacks() as callbacks:
        activity_complete(user=learner, lesson=second, block_id="kc-c", at=at)

    completion = ModuleCompletion.objects.get(user=learner, module=module)
    assert completion.cycle == 1
    assert completion.completed_at == at
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert (progress.lessons_completed, progress.lessons_total, progress.completed_at) == (2, 2, at)
    certificate = Certificate.objects.get(completion=completion)
    assert certificate.learner_name == "Asha Patel"
    assert certificate.module_title == module.title
    queued = [c for c in callbacks if c.__qualname__.startswith("task_queue_after_commit")]
    assert len(queued) == 1, "certificate rendering is queued once, after commit"
    assert [c.__qualname__ for c in callbacks if c not in queued] == ["_forget_now"]  # My team's lists


def test_finishing_a_module_marks_the_persons_enrolment_complete_and_no_one_elses(two_lesson_module):
    """A team assigned the module: the one who finishes it has their enrolment completed at that
    moment; a colleague on the same assignment still has it to do."""
    module, (first, second) = two_lesson_module
    team = TeamFactory()
    finisher, colleague = StaffProfileFactory(team=team), StaffProfileFactory(team=team)
    AssignmentFactory(module=module, teams=[team])
    enrolments_sync()
    at = timezone.now() - timedelta(minutes=5)

    for lesson, block_id in ((first, "kc-a"), (first, "kc-b"), (second, "kc-c")):
        activity_complete(user=finisher.user, lesson=lesson, block_id=block_id, at=at)

    assert Enrolment.objects.get(user=finisher.user, module=module).completed_at == at
    assert Enrolment.objects.get(user=colleague.user, module=module).completed_at is None


def test_a_cycle_that_holds_a_completion_gets_no_second_one_nor_a_certificate(
    learner, two_lesson_module, django_capture_on_commit_callbacks
):
    """A completion already recorded for the cycle (say, by L&D) stays the only one: finishing the
    lessons online issues no certificate and queues no rendering."""
    module, (first, second) = two_lesson_module
    recorded = ModuleCompletionFactory(user=learner, module=module, source=ModuleCompletion.Source.OFFLINE)

    with django_capture_on_commit_callbacks() as callbacks:
        for lesson, block_id in ((first, "kc-a"), (first, "kc-b"), (second, "kc-c")):
            activity_complete(user=learner, lesson=lesson, block_id=block_id)

    assert list(ModuleCompletion.objects.filter(user=learner)) == [recorded]
    assert not Certificate.objects.exists()
    # Nothing queued: the only callbacks renew My team's cached lists (learning.selectors.team_cache).
    assert [callback for callback in callbacks if callback.__module__ != team_cache.__name__] == []
    assert ModuleProgress.objects.get(user=learner, module=module).lessons_completed == 2


def test_module_completion_is_written_in_the_same_transaction(learner, two_lesson_module):
    """If the caller's transaction rolls back, no completion survives: nothing is half-recorded."""
    _module, (first, second) = two_lesson_module
    activity_complete(user=learner, lesson=first, block_id="kc-a")
    activity_complete(user=learner, lesson=first, block_id="kc-b")

    with pytest.raises(RuntimeError), transaction.atomic():
        activity_complete(user=learner, lesson=second, block_id="kc-c")
        assert ModuleCompletion.objects.filter(user=learner).exists()
        raise RuntimeError("the caller's statement log failed")

    assert not ModuleCompletion.objects.filter(user=learner).exists()
    assert not ActivityCompletion.objects.filter(block_id="kc-c").exists()
    assert not Certificate.objects.exists()


def test_doing_a_completed_activity_again_never_loses_the_module_completion(learner, two_lesson_module):
    """A learner revisiting a finished module and redoing a check keeps their completion and certificate."""
    _module, (first, second) = two_lesson_module
    for lesson, block in [(first, "kc-a"), (first, "kc-b"), (second, "kc-c")]:
        activity_complete(user=learner, lesson=lesson, block_id=block)

    assert activity_complete(user=learner, lesson=second, block_id="kc-c") is False

    assert ModuleCompletion.objects.filter(user=learner).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1
    assert LessonProgress.objects.filter(user=learner, status="completed").count() == 2


def test_unknown_block_id_is_refused(learner, two_lesson_module):
    """A block id from another lesson (or made up) is not an activity of this lesson."""
    _module, (first, _second) = two_lesson_module
    with pytest.raises(ActivityNotFound):
        activity_complete(user=learner, lesson=first, block_id="kc-c")
    assert not ActivityCompletion.objects.exists()


def test_other_learners_progress_is_separate(learner, two_lesson_module):
    """One person's completions never count for another."""
    _module, (first, _second) = two_lesson_module
    other = UserFactory()
    activity_complete(user=other, lesson=first, block_id="kc-a")
    activity_complete(user=other, lesson=first, block_id="kc-b")
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_mark_done_completes_a_lesson_without_activities(learner, home_page):
    """A reading-only lesson completes when the learner marks it done; twice changes nothing."""
    module, (reading,) = module_with_lessons(home_page, bodies=[[text_block()]])

    assert lesson_mark_done(user=learner, lesson=reading) is True
    assert lesson_mark_done(user=learner, lesson=reading) is False

    assert ModuleCompletion.objects.filter(user=learner, module=module).count() == 1


def test_mark_done_is_refused_for_a_lesson_with_required_activities(learner, two_lesson_module):
    """A lesson with a knowledge check cannot be skipped by marking it done."""
    _module, (first, _second) = two_lesson_module
    with pytest.raises(LessonHasRequiredActivities):
        lesson_mark_done(user=learner, lesson=first)
    assert not LessonProgress.objects.exists()


def test_unpublished_lessons_do_not_block_module_completion(learner, home_page):
    """A draft lesson the learner cannot see is not needed to complete the module."""
    module, (live, draft) = module_with_lessons(home_page, bodies=[[text_block()], [text_block()]])
    draft.unpublish()
    lesson_mark_done(user=learner, lesson=live)
    assert ModuleCompletion.objects.filter(user=learner, module=module).exists()


def test_a_new_cycle_keeps_the_old_completion_and_starts_afresh(learner, home_page):
    """Recertification: the old completion and certificate stay; the new cycle needs doing again."""
    module, (lesson,) = module_with_lessons(home_page, bodies=[[knowledge_check_block(id="kc")]])
    activity_complete(user=learner, lesson=lesson, block_id="kc")

    module_cycle_open(user=learner, module_id=module.pk)
    assert ModuleProgress.objects.get(user=learner).lessons_completed == 0

    assert activity_complete(user=learner, lesson=lesson, block_id="kc") is True
    assert list(
        ModuleCompletion.objects.filter(user=learner).values_list("cycle", flat=True).order_by("cycle")
    ) == [1, 2]
    assert Certificate.objects.filter(user=learner).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_activities_finishing_at_once_complete_the_module_exactly_once(home_page):
    """Two tabs finish the last two checks at the same moment: the module completes once, not zero times."""
    import threading

    from django.db import connection

    learner = UserFactory()
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[knowledge_check_block(id="kc-a"), knowledge_check_block(id="kc-b")]]
    )
    barrier = threading.Barrier(2)
    errors = []

    def finish(block_id):
        try:
            barrier.wait(timeout=10)
            activity_complete(user=learner, lesson=lesson, block_id=block_id)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finish, args=(block,)) for block in ("kc-a", "kc-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert ModuleCompletion.objects.filter(user=learner, module=module).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_completion_waiting_on_the_row_lock_sees_the_completion_that_held_it(home_page):
    """The progress row exists, so completions lock it with UPDATE ... RETURNING: one that has
    to wait for another transaction's lock reads that transaction's committed JSON, so neither
    completion is lost and the module completes once."""
    import threading
    import time

    from django.db import connection

    learner = UserFactory()
    module, (lesson,) = module_with_lessons(
        home_page,
        bodies=[[knowledge_check_block(id=f"kc-{name}") for name in "abc"]],
    )
    activity_complete(user=learner, lesson=lesson, block_id="kc-a")  # the row exists from here
    finished_at: list[float] = []
    errors = []

    def finish_c():
        try:
            activity_complete(user=learner, lesson=lesson, block_id="kc-c")
            finished_at.append(time.monotonic())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        activity_complete(user=learner, lesson=lesson, block_id="kc-b")  # holds the row lock
        other = threading.Thread(target=finish_c)
        other.start()
        time.sleep(0.5)
        assert not finished_at, "the second completion must wait for the row lock"
        committed_at = time.monotonic()
    other.join(timeout=30)

    assert not errors
    assert finished_at and finished_at[0] >= committed_at
    progress = ModuleProgress.objects.get(user=learner)
    assert progress.lesson_state(lesson.pk)["done"] == ["kc-a", "kc-b", "kc-c"]
    assert progress.lessons_completed == 1
    assert progress.completed_at is not None
    assert ModuleCompletion.objects.filter(user=learner, module=module).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1


class _ReadsFromAReplica:
    """A router sending reads to a database alias that does not exist here."""

    def db_for_read(self, model, **hints):
        return "replica" if model is ModuleProgress else None


def test_the_progress_row_is_locked_on_the_database_written_to(settings, learner, two_lesson_module):
    """The UPDATE ... RETURNING that locks the row is a write: it goes where writes go, even
    with a router that sends reads of the model elsewhere."""
    _module, (lesson, _second) = two_lesson_module
    activity_complete(user=learner, lesson=lesson, block_id="kc-a")  # the row exists from here
    settings.DATABASE_ROUTERS = [f"{__name__}._ReadsFromAReplica"]
    assert activity_complete(user=learner, lesson=lesson, block_id="kc-b") is True
    settings.DATABASE_ROUTERS = []
    assert ModuleProgress.objects.get(user=learner).lesson_state(lesson.pk)["done"] == ["kc-a", "kc-b"]
