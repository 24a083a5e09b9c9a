"""SCORM tracking: commits saved for the signed-in learner, resume, and completion in the same transaction."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from learning.models import ActivityCompletion, LessonProgress, ModuleCompletion, ScormAttempt
from learning.services import scorm_commit
from modules.scorm.demo import DEMO_2004, demo_package_bytes
from tests.cms.people.factories import UserFactory, group_member
from tests.modules.factories import module_with_lessons, scorm_activity_block, scorm_package_ready

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

COMMIT = "/learning/scorm/commit/"
RESUME = "/learning/scorm/resume/"
SESSION = "page-session-0001"


def course(home_page, *, data=None, **block):
    package = scorm_package_ready(data=data)
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[scorm_activity_block(package=package, id="scorm-1", **block)]]
    )
    return module, lesson, package.current_version


def body(lesson, version, sco, cmi, *, seq=1, session=SESSION, **extra):
    return {
        "lesson_id": lesson.pk,
        "block_id": "scorm-1",
        "package_version_id": version.pk,
        "sco": sco,
        "session": session,
        "seq": seq,
        "cmi": cmi,
        **extra,
    }


def post(client, data):
    return client.post(COMMIT, data=json.dumps(data), content_type="application/json")


PASSED_12 = {
    "cmi.core.lesson_status": "passed",
    "cmi.core.score.raw": "90",
    "cmi.core.session_time": "00:05:00",
}


def test_a_scorm_12_course_completes_the_lesson_and_module_when_passed(client, home_page, learner):
    """Sam finishes the SCORM 1.2 course; the lesson and module complete in that commit."""
    module, lesson, version = course(home_page)
    client.force_login(learner)
    response = post(client, body(lesson, version, "recording-sco", PASSED_12))
    assert response.status_code == 200
    answer = response.json()
    progress = answer.pop("progress")
    assert answer == {
        "saved": True,
        "duplicate": False,
        "sco_completed": True,
        "activity_completed": True,
        "newly_completed": True,
    }
    # The page shows the lesson complete without a reload, as for H5P.
    assert (progress["lesson_completed"], progress["done_block_ids"]) == (True, ["scorm-1"])
    attempt = ScormAttempt.objects.get()
    assert (attempt.user, attempt.completion_status, attempt.score_raw) == (learner, "passed", 90)
    assert attempt.total_seconds == 300
    assert ActivityCompletion.objects.get().score == 90
    assert LessonProgress.objects.get(user=learner, lesson=lesson).status == LessonProgress.Status.COMPLETED
    assert ModuleCompletion.objects.filter(user=learner, module_id=module.pk).exists()


def test_identity_comes_from_the_session_never_the_body(client, home_page, learner):
    _module, lesson, version = course(home_page)
    other = UserFactory()
    client.force_login(learner)
    response = post(
        client, body(lesson, version, "recording-sco", {**PASSED_12, "cmi.core.student_id": str(other.pk)})
    )
    assert response.status_code == 200
    assert ScormAttempt.objects.get().user == learner
    assert (
        post(client, {**body(lesson, version, "recording-sco", PASSED_12), "user_id": other.pk}).status_code
        == 400
    )


def test_an_incomplete_commit_saves_where_the_learner_is_and_resume_gives_it_back(client, home_page, learner):
    """Sam stops half way; reopening the lesson restores the location and suspend data."""
    _module, lesson, version = course(home_page)
    client.force_login(learner)
    cmi = {
        "cmi.core.lesson_status": "incomplete",
        "cmi.core.lesson_location": "2",
        "cmi.suspend_data": '{"answer":"quote"}',
        "cmi.core.exit": "suspend",
    }
    assert post(client, body(lesson, version, "recording-sco", cmi)).json()["activity_completed"] is False
    assert not ActivityCompletion.objects.exists()
    resume = client.get(
        RESUME,
        {
            "lesson_id": lesson.pk,
            "block_id": "scorm-1",
            "package_version_id": version.pk,
            "sco": "recording-sco",
        },
    ).json()
    assert resume["resume"] is True
    assert (resume["location"], resume["suspend_data"]) == ("2", '{"answer":"quote"}')
    assert resume["learner_name"] == "Sam Okafor"
    assert resume["item"]["mastery_score"] == 50
    assert resume["completion_status"] == "incomplete"


def test_a_repeated_or_older_commit_changes_nothing(client, home_page, learner):
    _module, lesson, version = course(home_page)
    client.force_login(learner)
    post(client, body(lesson, version, "recording-sco", {"cmi.core.lesson_location": "3"}, seq=2))
    again = post(client, body(lesson, version, "recording-sco", {"cmi.core.lesson_location": "1"}, seq=1))
    assert again.json()["duplicate"] is True
    assert ScormAttempt.objects.get().location == "3"
    later_visit = post(
        client,
        body(
            lesson, version, "recording-sco", {"cmi.core.lesson_location": "1"}, session="page-session-0002"
        ),
    )
    assert later_visit.json()["duplicate"] is False
    assert ScormAttempt.objects.get().location == "1"


def test_total_time_adds_up_across_sessions(client, home_page, learner):
    _module, lesson, version = course(home_page)
    client.force_login(learner)
    post(client, body(lesson, version, "recording-sco", {"cmi.core.session_time": "00:01:00"}))
    post(client, body(lesson, version, "recording-sco", {"cmi.core.session_time": "00:02:00"}, seq=2))
    post(
        client,
        body(
            lesson, version, "recording-sco", {"cmi.core.session_time": "00:00:30"}, session="second-visit-01"
        ),
    )
    assert ScormAttempt.objects.get().total_seconds == 150


def test_a_multi_sco_course_completes_only_when_every_sco_is_complete(client, home_page, learner):
    """The SCORM 2004 course has two parts: finishing the first is not enough."""
    _module, lesson, version = course(home_page, data=demo_package_bytes(DEMO_2004))
    client.force_login(learner)
    done = {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "1"}
    first = post(client, body(lesson, version, "families-part1", done)).json()
    assert (first["sco_completed"], first["activity_completed"]) == (True, False)
    assert not ActivityCompletion.objects.exists()
    second = post(client, body(lesson, version, "families-part2", done)).json()
    assert (second["activity_completed"], second["newly_completed"]) == (True, True)
    assert ActivityCompletion.objects.filter(user=learner, block_id="scorm-1").count() == 1


@pytest.mark.parametrize(
    ("rule", "pass_mark", "cmi", "met"),
    [
        ("completed", None, {"cmi.core.lesson_status": "completed"}, True),
        ("completed", None, {"cmi.core.lesson_status": "failed"}, False),
        ("passed", None, {"cmi.core.lesson_status": "completed"}, False),
        (
            "passed",
            None,
            {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "60"},
            True,
        ),  # mastery 50
        (
            "passed",
            None,
            {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "40"},
            False,
        ),  # under mastery
        ("passed", 80, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "60"}, False),
        ("passed", 80, {"cmi.core.score.raw": "40", "cmi.core.score.max": "50"}, True),
        (
            "completed_and_passed",
            None,
            {"cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "90"},
            False,
        ),
        ("completed_and_passed", None, {"cmi.core.lesson_status": "passed"}, True),
    ],
)
def test_the_blocks_completion_rule_decides(client, home_page, learner, rule, pass_mark, cmi, met):
    _module, lesson, version = course(home_page, completion_rule=rule, pass_mark=pass_mark)
    client.force_login(learner)
    assert post(client, body(lesson, version, "recording-sco", cmi)).json()["activity_completed"] is met
    assert ActivityCompletion.objects.exists() is met


def test_a_failed_completion_rolls_back_the_commit_with_it(home_page, learner):
    """The attempt and the completion are written in one transaction: when completing fails
    (here the lesson has lost its module), the commit is not kept either."""
    from wagtail.models import Page

    from cms.core.page_cache import tree_forget
    from learning.services import ActivityNotFound

    _module, lesson, version = course(home_page)
    Page.objects.filter(pk=lesson.pk).update(path="9999" + lesson.path[4:])
    tree_forget()
    with pytest.raises(ActivityNotFound):
        scorm_commit(
            user=learner,
            lesson_id=lesson.pk,
            block_id="scorm-1",
            package_version_id=version.pk,
            sco="recording-sco",
            session=SESSION,
            seq=1,
            cmi=PASSED_12,
        )
    assert not ScormAttempt.objects.exists()


def test_queries_per_commit_do_not_grow_with_the_package(client, home_page, learner):
    _module, lesson, version = course(home_page, data=demo_package_bytes(DEMO_2004))
    client.force_login(learner)
    cmi = {"cmi.location": "1", "cmi.completion_status": "incomplete"}
    post(client, body(lesson, version, "families-part1", cmi))
    with CaptureQueriesContext(connection) as queries:
        post(client, body(lesson, version, "families-part1", cmi, seq=2))
    assert len(queries) <= 8


# Refusals: each one a 4xx with a message, never a 500


def test_anonymous_commits_and_resumes_are_refused(client, home_page):
    _module, lesson, version = course(home_page)
    assert post(client, body(lesson, version, "recording-sco", PASSED_12)).status_code == 401
    assert client.get(RESUME, {"lesson_id": lesson.pk}).status_code == 401


def test_a_learner_who_may_not_view_the_lesson_cannot_commit(client, home_page, learner):
    _module, lesson, version = course(home_page)
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Pilot"))
    client.force_login(learner)
    assert post(client, body(lesson, version, "recording-sco", PASSED_12)).status_code == 404
    assert not ScormAttempt.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"sco": "no-such-sco"},
        {"package_version_id": 999999},
        {"block_id": "other-block"},
        {"lesson_id": 999999},
    ],
)
def test_commits_about_something_else_are_404(client, home_page, learner, change):
    _module, lesson, version = course(home_page)
    client.force_login(learner)
    assert post(client, {**body(lesson, version, "recording-sco", PASSED_12), **change}).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"cmi": {"cmi.core.lesson_status": "finished"}},
        {"cmi": "passed"},
        {"seq": 0},
        {"seq": "1"},
        {"session": "x"},
        {"sco": ""},
        {"sco": "a\x00b"},
        {"lesson_id": "1"},
        {"package_version_id": None},
    ],
)
def test_malformed_commits_are_400(client, home_page, learner, change):
    _module, lesson, version = course(home_page)
    client.force_login(learner)
    response = post(client, {**body(lesson, version, "recording-sco", PASSED_12), **change})
    assert response.status_code == 400
    assert response.json()["error"]


def test_bodies_that_are_not_json_are_refused(client, home_page, learner):
    client.force_login(learner)
    assert client.post(COMMIT, data="x", content_type="text/plain").status_code == 415
    assert client.post(COMMIT, data="{", content_type="application/json").status_code == 400
    assert client.get(COMMIT).status_code == 405
    assert client.get(RESUME, {"lesson_id": "x"}).status_code == 400


def test_commits_need_the_csrf_token(home_page, learner):
    from django.test import Client

    _module, lesson, version = course(home_page)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    response = strict.post(
        COMMIT,
        data=json.dumps(body(lesson, version, "recording-sco", PASSED_12)),
        content_type="application/json",
    )
    assert response.status_code == 403


# Reporting: the person's record and per-package results for L&D


def test_ld_see_per_package_results_and_the_most_missed_questions(client, home_page, learner, ld_admin):
    _module, lesson, version = course(home_page)
    client.force_login(learner)
    wrong = {
        "cmi.core.lesson_status": "failed",
        "cmi.core.score.raw": "0",
        "cmi.interactions.0.id": "recording-words",
        "cmi.interactions.0.result": "wrong",
    }
    post(client, body(lesson, version, "recording-sco", wrong))
    other = UserFactory()
    client.force_login(other)
    post(client, body(lesson, version, "recording-sco", PASSED_12))

    from learning.selectors import scorm_package_results

    results = scorm_package_results(package_id=version.package_id)
    assert (results.learners, results.attempts, results.completed, results.passed) == (2, 2, 1, 1)
    assert results.average_score == 45
    assert results.missed == [("recording-words", 1, 1)]

    client.force_login(ld_admin)
    page = client.get(f"/admin/readiness/scorm/{version.package_id}/").content.decode()
    assert "recording-words" in page and "50%" in page
    assert version.package.title in client.get("/admin/readiness/scorm/").content.decode()
    record = client.get(f"/admin/readiness/people/{learner.pk}/").content.decode()
    assert "data-scorm-attempts" in record and "failed" in record


@pytest.mark.parametrize("role_group", [None, "Team managers", "Staff"])
def test_learners_and_managers_cannot_see_scorm_results(client, home_page, role_group):

    _module, _lesson, version = course(home_page)
    client.force_login(group_member(role_group))
    for url in ("/admin/readiness/scorm/", f"/admin/readiness/scorm/{version.package_id}/"):
        assert client.get(url).status_code in {302, 403}
