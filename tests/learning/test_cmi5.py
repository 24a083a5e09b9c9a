"""Launching cmi5 content: registration, sessions, the fetch URL, LaunchData, the restricted
credential, the cmi5 defined-statement rules, and completion in the statement's transaction."""

import base64
import json
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from learning.models import ActivityCompletion, Cmi5Registration, Cmi5Session, LessonProgress, XAPIStatement
from learning.services import xapi_launch
from tests.cms.people.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

ORIGIN = "http://testserver"
ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
LAUNCHED = ADL + "launched"


@pytest.fixture
def course(xapi_lesson):
    return xapi_lesson


class Launched:
    """One launched AU, speaking to /xapi as the content would."""

    def __init__(self, user, lesson, au_index=0):
        outcome = xapi_launch(
            user=user, lesson_id=lesson.pk, block_id="xapi-1", au_index=au_index, origin=ORIGIN
        )
        self.url = outcome.url
        self.params = {key: values[0] for key, values in parse_qs(urlsplit(outcome.url).query).items()}
        self.session_id = outcome.session_id
        self.registration = outcome.registration
        self.http = Client()
        self.token = None

    def fetch(self):
        path = urlsplit(self.params["fetch"]).path
        return self.http.post(path)

    def sign_in(self):
        answer = self.fetch().json()
        self.token = answer["auth-token"]
        return self.token

    def headers(self):
        return {"Authorization": f"Basic {self.token}", "X-Experience-API-Version": "1.0.3"}

    def statement(
        self, verb, *, result=None, defined=True, actor=None, registration=None, object_id=None, **context_ext
    ):
        context = {
            "registration": registration or self.registration,
            "contextActivities": {"category": [{"id": CMI5}]} if defined else {},
            "extensions": {SESSION: self.session_id, **context_ext},
        }
        statement = {
            "id": str(uuid.uuid4()),
            "actor": actor or json.loads(self.params["actor"]),
            "verb": {"id": verb if verb.startswith("http") else ADL + verb},
            "object": {"objectType": "Activity", "id": object_id or self.params["activityId"]},
            "context": context,
        }
        if result is not None:
            statement["result"] = result
        return statement

    def post(self, *statements):
        return self.http.post(
            "/xapi/statements",
            data=json.dumps(list(statements)),
            content_type="application/json",
            headers=self.headers(),
        )

    def state(self, method="GET", **params):
        query = {
            "activityId": self.params["activityId"],
            "agent": self.params["actor"],
            "registration": self.registration,
            "stateId": "LMS.LaunchData",
            **params,
        }
        from urllib.parse import urlencode

        url = "/xapi/activities/state?" + urlencode(query)
        if method == "GET":
            return self.http.get(url, headers=self.headers())
        return self.http.put(url, data=b'{"a": 1}', content_type="application/json", headers=self.headers())


def verbs(**filters):
    return list(
        XAPIStatement.objects.filter(**filters).order_by("stored_at", "pk").values_list("verb", flat=True)
    )


def test_a_launch_gives_the_cmi5_parameters_and_records_launched_and_launch_data(course, learner):
    """Sam opens part 1: the URL carries endpoint, fetch, actor, registration and an activityId
    the platform issued (not the publisher's id); LMS.LaunchData and 'launched' are stored."""
    au = Launched(learner, course)
    assert set(au.params) == {"endpoint", "fetch", "actor", "registration", "activityId"}
    assert au.params["endpoint"] == f"{ORIGIN}/xapi/"
    assert json.loads(au.params["actor"])["account"]["name"] == str(learner.pk)
    assert au.params["activityId"] != "https://learning.example.org/courses/fsm-quiz/introduction"
    assert au.url.startswith(f"{ORIGIN}/xapi-packages/{course.pk}/xapi-1/")
    launched = XAPIStatement.objects.get(verb=LAUNCHED)
    assert launched.user == learner
    assert str(launched.registration) == au.registration
    assert launched.payload["context"]["extensions"][SESSION] == au.session_id
    au.sign_in()
    data = au.state().json()
    assert data["launchMode"] == "Normal"
    assert data["moveOn"] == "Completed"
    assert data["contextTemplate"]["extensions"][SESSION] == au.session_id
    assert data["contextTemplate"]["contextActivities"]["grouping"] == [
        {"id": "https://learning.example.org/courses/fsm-quiz/introduction"}
    ]
    assert data["returnURL"].startswith(ORIGIN)


def test_the_quiz_launch_data_carries_mastery_score_and_launch_parameters(course, learner):
    au = Launched(learner, course, au_index=1)
    au.sign_in()
    data = au.state().json()
    assert (data["moveOn"], data["masteryScore"], data["launchParameters"]) == (
        "Passed",
        0.8,
        '{"questions": 5}',
    )


def test_the_registration_is_kept_across_launches(course, learner):
    first = Launched(learner, course)
    second = Launched(learner, course, au_index=1)
    assert first.registration == second.registration
    assert Cmi5Registration.objects.count() == 1
    other = Launched(UserFactory(), course)
    assert other.registration != first.registration


def test_the_fetch_url_answers_the_token_once_then_the_cmi5_error(course, learner):
    """cmi5 8.2: the first POST answers the auth-token; the second answers error-code 1."""
    au = Launched(learner, course)
    first = au.fetch()
    assert first.status_code == 200 and set(first.json()) == {"auth-token"}
    second = au.fetch()
    assert second.status_code == 200
    assert second.json() == {
        "error-code": "1",
        "error-text": "The authorization token has already been returned.",
    }
    assert au.http.get(urlsplit(au.params["fetch"]).path).status_code == 405


def test_a_fetch_url_with_a_wrong_secret_is_error_code_2(course, learner):
    au = Launched(learner, course)
    path = urlsplit(au.params["fetch"]).path.rstrip("/").rsplit("/", 1)[0] + "/wrong/"
    assert au.http.post(path).json()["error-code"] == "2"


def test_completing_part_1_and_passing_the_quiz_completes_the_lesson_in_that_request(course, learner):
    """Sam reads part 1 (moveOn Completed) and passes the quiz (moveOn Passed): the LMS writes
    'satisfied' for the quiz's block and the course, and the lesson completes."""
    part1 = Launched(learner, course)
    part1.sign_in()
    assert part1.post(part1.statement("initialized")).status_code == 200
    assert (
        part1.post(part1.statement("completed", result={"completion": True, "duration": "PT1M"})).status_code
        == 200
    )
    assert part1.post(part1.statement("terminated", result={"duration": "PT1M"})).status_code == 200
    assert not ActivityCompletion.objects.exists()
    quiz = Launched(learner, course, au_index=1)
    quiz.sign_in()
    quiz.post(quiz.statement("initialized"))
    passed = quiz.statement("passed", result={"success": True, "score": {"scaled": 0.8}, "duration": "PT2M"})
    assert quiz.post(passed).status_code == 200
    assert ActivityCompletion.objects.filter(user=learner, block_id="xapi-1").exists()
    assert LessonProgress.objects.get(user=learner, lesson=course).status == LessonProgress.Status.COMPLETED
    satisfied = XAPIStatement.objects.filter(verb=SATISFIED)
    types = sorted(s.payload["object"]["definition"]["type"].rsplit("/", 1)[-1] for s in satisfied)
    assert types == ["block", "course"]
    assert all(str(s.registration) == quiz.registration for s in satisfied)


def test_a_failed_quiz_does_not_complete_and_a_later_pass_does(course, learner):
    Launched(learner, course).sign_in()
    registration = Cmi5Registration.objects.get()
    registration.au_results["https://learning.example.org/courses/fsm-quiz/introduction"] = {
        "satisfied": True
    }
    registration.save()
    quiz = Launched(learner, course, au_index=1)
    quiz.sign_in()
    quiz.post(quiz.statement("initialized"))
    assert (
        quiz.post(quiz.statement("failed", result={"success": False, "score": {"scaled": 0.4}})).status_code
        == 200
    )
    assert not ActivityCompletion.objects.exists()
    again = Launched(learner, course, au_index=1)
    again.sign_in()
    again.post(again.statement("initialized"))
    assert (
        again.post(again.statement("passed", result={"success": True, "score": {"scaled": 1.0}})).status_code
        == 200
    )
    assert ActivityCompletion.objects.filter(user=learner).exists()


def test_a_relaunch_abandons_the_session_that_never_terminated(course, learner):
    """Sam closes the window without finishing; opening it again records 'abandoned' for the
    old session, whose credential then records nothing more."""
    first = Launched(learner, course)
    first.sign_in()
    first.post(first.statement("initialized"))
    Launched(learner, course)
    abandoned = XAPIStatement.objects.get(verb=ABANDONED)
    assert abandoned.payload["context"]["extensions"][SESSION] == first.session_id
    assert "duration" in abandoned.payload["result"]
    response = first.post(first.statement("completed", result={"completion": True}))
    assert response.status_code == 403
    assert "abandoned" in response.json()["error"]


@pytest.mark.parametrize(
    ("sequence", "message"),
    [
        ([("completed", {"completion": True})], "first statement"),
        ([("initialized", None), ("initialized", None)], "sent already"),
        ([("initialized", None), ("completed", {"completion": False})], "completion true"),
        ([("initialized", None), ("passed", {"success": True, "score": {"scaled": 0.5}})], "masteryScore"),
        ([("initialized", None), ("passed", {"success": False})], "success true"),
        (
            [("initialized", None), ("failed", {"success": False, "score": {"scaled": 0.9}})],
            "below the masteryScore",
        ),
        (
            [("initialized", None), ("failed", {"success": False}), ("passed", {"success": True})],
            "only one of",
        ),
        ([("initialized", None), ("terminated", None), ("completed", {"completion": True})], "terminated"),
        (
            [("initialized", None), ("completed", {"completion": True, "score": {"scaled": 1}})],
            "may not carry a score",
        ),
        ([("initialized", None), (SATISFIED, None)], "Only the platform"),
        ([("initialized", None), (ADL + "launched", None)], "Only the platform"),
    ],
)
def test_statements_breaking_the_cmi5_rules_are_refused_with_403(course, learner, sequence, message):
    au = Launched(learner, course, au_index=1)
    au.sign_in()
    *accepted, (verb, result) = sequence
    for earlier, earlier_result in accepted:
        assert au.post(au.statement(earlier, result=earlier_result)).status_code == 200
    response = au.post(au.statement(verb, result=result))
    assert response.status_code == 403, response.content
    assert message in response.json()["error"]


def test_completed_only_once_per_registration(course, learner):
    """The quiz (moveOn Passed) completed but not passed is not satisfied, so it is launched again in
    Normal mode, where a second 'completed' is refused."""
    first = Launched(learner, course, au_index=1)
    first.sign_in()
    first.post(first.statement("initialized"))
    first.post(first.statement("completed", result={"completion": True}))
    second = Launched(learner, course, au_index=1)
    second.sign_in()
    second.post(second.statement("initialized"))
    response = second.post(second.statement("completed", result={"completion": True}))
    assert response.status_code == 403 and "completed already" in response.json()["error"]


def test_failed_may_not_follow_passed_in_a_registration(course, learner):
    """Part 1 (moveOn Completed) passed but not completed is not satisfied, so it is launched again in
    Normal mode, where 'failed' after the registration's 'passed' is refused."""
    first = Launched(learner, course, au_index=0)
    first.sign_in()
    first.post(first.statement("initialized"))
    first.post(first.statement("passed", result={"success": True}))
    second = Launched(learner, course, au_index=0)
    second.sign_in()
    second.post(second.statement("initialized"))
    response = second.post(second.statement("failed", result={"success": False}))
    assert response.status_code == 403
    assert "'failed' may not follow 'passed'" in response.json()["error"]


def test_a_defined_statement_needs_the_session_id_and_the_launched_activity(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    statement = au.statement("initialized")
    statement["context"]["extensions"][SESSION] = str(uuid.uuid4())
    assert au.post(statement).status_code == 403
    assert au.post(au.statement("initialized", object_id=au.params["activityId"] + "/x")).status_code == 403


def test_cmi5_allowed_statements_are_stored_after_initialized(course, learner):
    """Statements without the cmi5 category (interactions) are stored; the rules above do not apply."""
    au = Launched(learner, course)
    au.sign_in()
    au.post(au.statement("initialized"))
    answered = au.statement(
        "http://adlnet.gov/expapi/verbs/answered", defined=False, object_id=au.params["activityId"] + "/q1"
    )
    assert au.post(answered).status_code == 200
    assert XAPIStatement.objects.filter(verb=ADL + "answered", user=learner).exists()


def test_a_resent_statement_is_not_counted_twice(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    au.post(au.statement("initialized"))
    completed = au.statement("completed", result={"completion": True})
    assert au.post(completed).status_code == 200
    assert au.post(completed).status_code == 200
    assert XAPIStatement.objects.filter(verb=ADL + "completed").count() == 1


# The restricted credential: every refusal.


def test_a_statement_for_another_actor_is_refused_403(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    other = {
        "objectType": "Agent",
        "account": {"homePage": json.loads(au.params["actor"])["account"]["homePage"], "name": "999999"},
    }
    response = au.post(au.statement("initialized", actor=other))
    assert response.status_code == 403
    assert not XAPIStatement.objects.filter(verb=ADL + "initialized").exists()


def test_a_statement_with_another_registration_is_refused_403(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    response = au.post(au.statement("initialized", registration=str(uuid.uuid4())))
    assert response.status_code == 403
    assert "registration" in response.json()["error"]


def test_a_statement_about_another_activity_is_refused_403(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    au.post(au.statement("initialized"))
    response = au.post(au.statement("experienced", defined=False, object_id="https://elsewhere.example/x"))
    assert response.status_code == 403


def test_the_credential_may_not_void(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    au.post(au.statement("initialized"))
    voiding = au.statement("voided", defined=False)
    voiding["object"] = {"objectType": "StatementRef", "id": str(uuid.uuid4())}
    assert au.post(voiding).status_code == 403


def test_an_expired_credential_is_refused_401(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    Cmi5Session.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = au.post(au.statement("initialized"))
    assert response.status_code == 401


def test_a_wrong_secret_is_refused_401(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    key = base64.b64decode(au.token).decode().split(":")[0]
    au.token = base64.b64encode(f"{key}:not-the-secret".encode()).decode()
    assert au.post(au.statement("initialized")).status_code == 401


def test_a_credential_before_fetch_does_not_exist(course, learner):
    au = Launched(learner, course)
    session = Cmi5Session.objects.get()
    au.token = base64.b64encode(f"launch.{session.session_id.hex}:".encode()).decode()
    assert au.post(au.statement("initialized")).status_code == 401


def test_state_only_for_its_own_activity_and_registration(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    assert au.state().status_code == 200
    assert au.state(registration=str(uuid.uuid4())).status_code == 403
    assert au.state(activityId="https://elsewhere.example/a").status_code == 403
    assert au.state("PUT", stateId="bookmark").status_code == 204


def test_reads_return_only_this_registrations_statements(course, learner):
    au = Launched(learner, course)
    au.sign_in()
    au.post(au.statement("initialized"))
    Launched(learner, course, au_index=1)
    response = au.http.get("/xapi/statements", headers=au.headers())
    assert response.status_code == 200
    assert {s["context"]["registration"] for s in response.json()["statements"]} == {au.registration}


def test_the_basic_credential_path_still_works(course, learner):
    """A launch key prefix is the only change on the basic path: other credentials still authenticate."""
    from learning.services.lrs import lrs_credential_issue

    credential, secret = lrs_credential_issue(name="Vendor", scopes=["all/read"])
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    response = Client().get(
        "/xapi/statements", headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 200


def test_a_launched_statement_costs_a_fixed_number_of_queries(course, learner, django_assert_max_num_queries):
    """The launch credential's path: authenticate, lock the session, look for resent ids, store,
    update the session and the registration's results; forwarding looks for targets (14 measured
    on PostgreSQL)."""
    au = Launched(learner, course)
    au.sign_in()
    with django_assert_max_num_queries(14):
        assert au.post(au.statement("initialized")).status_code == 200
    with django_assert_max_num_queries(14):
        assert au.post(au.statement("completed", result={"completion": True})).status_code == 200


def test_a_launch_costs_a_fixed_number_of_queries(course, learner, django_assert_max_num_queries):
    Launched(learner, course)
    with django_assert_max_num_queries(26):  # registration, abandon, session, LaunchData, launched
        Launched(learner, course, au_index=1)
