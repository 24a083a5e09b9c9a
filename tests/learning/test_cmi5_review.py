"""cmi5 launch modes: an AU the learner has satisfied already is launched in Review (cmi5 10.2.2),
so revisiting it cannot change its status; anything else is Normal."""

import json

import pytest
from django.utils import timezone

from learning.models import Cmi5Registration, Cmi5Session, XAPIStatement
from learning.services import module_completed_elsewhere_record
from tests.cms.people.factories import staff_member
from tests.learning.test_cmi5 import LAUNCHED, Launched
from tests.modules.factories import module_with_lessons, xapi_activity_block, xapi_package_ready

pytestmark = pytest.mark.django_db

LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def learner():
    return staff_member(first_name="Sam", last_name="Okafor")


@pytest.fixture
def course(home_page):
    package = xapi_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[xapi_activity_block(package=package, id="xapi-1")]]
    )
    return lesson


def _complete_part_1(lesson, user):
    part1 = Launched(user, lesson)
    part1.sign_in()
    part1.post(part1.statement("initialized"))
    part1.post(part1.statement("completed", result={"completion": True}))
    part1.post(part1.statement("terminated"))
    return part1


def test_a_first_launch_is_normal(course, learner):
    part1 = Launched(learner, course)
    part1.sign_in()
    assert json.loads(part1.state().content)["launchMode"] == "Normal"
    assert Cmi5Session.objects.get(session_id=part1.session_id).launch_mode == "Normal"


def test_revisiting_a_satisfied_au_is_review_and_cannot_change_its_status(course, learner):
    """Sam completed part 1; opening it again launches it in Review: LaunchData and the launched
    statement say so, initialized, terminated and cmi5 allowed statements are stored, and a
    defined statement that would change status is refused 403 naming the spec section."""
    _complete_part_1(course, learner)
    before = dict(Cmi5Registration.objects.get().au_results)
    again = Launched(learner, course)
    again.sign_in()
    assert json.loads(again.state().content)["launchMode"] == "Review"
    launched = XAPIStatement.objects.filter(verb=LAUNCHED, registration=again.registration).order_by(
        "-stored_at"
    )
    assert launched.first().payload["context"]["extensions"][LAUNCH_MODE] == "Review"
    assert again.post(again.statement("initialized")).status_code == 200
    assert again.post(again.statement("experienced", defined=False)).status_code == 200
    for verb, result in (
        ("completed", {"completion": True}),
        ("failed", {"success": False}),
        ("passed", {"success": True}),
    ):
        refused = again.post(again.statement(verb, result=result))
        assert refused.status_code == 403
        assert "Review mode" in refused.json()["error"] and "10.2.2" in refused.json()["error"]
    assert again.post(again.statement("terminated")).status_code == 200
    assert Cmi5Registration.objects.get().au_results == before


def test_the_quiz_stays_normal_until_it_is_satisfied(course, learner):
    """Part 1 done does not put the quiz (another AU) in Review."""
    _complete_part_1(course, learner)
    quiz = Launched(learner, course, au_index=1)
    quiz.sign_in()
    assert json.loads(quiz.state().content)["launchMode"] == "Normal"


def test_a_waived_au_is_reviewed(course, learner):
    """After L&D record the module as completed elsewhere, the learner opens the quiz in Review."""
    module_completed_elsewhere_record(
        learner=learner,
        module=course.get_parent().specific,
        completed_on=timezone.localdate(),
        evidence="Assessment on paper",
        recognition="Tested Out",
        recorded_by=staff_member(role="learning-and-development"),
    )
    quiz = Launched(learner, course, au_index=1)
    quiz.sign_in()
    assert json.loads(quiz.state().content)["launchMode"] == "Review"
