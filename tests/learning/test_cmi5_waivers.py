"""Training completed elsewhere: L&D record it on a person's learning record, and the module's
cmi5 courses get the LMS's ``waived`` statements (cmi5 9.3.7) and then ``satisfied``."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.people import roles
from learning.models import (
    ActivityCompletion,
    Cmi5Registration,
    CompletionChange,
    ModuleCompletion,
    XAPIStatement,
)
from learning.services import module_completed_elsewhere_record
from tests.cms.people.factories import staff_member
from tests.learning.factories import AssignmentFactory
from tests.learning.test_cmi5 import Launched
from tests.modules.factories import module_with_lessons, xapi_activity_block, xapi_package_ready

pytestmark = pytest.mark.django_db

WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def course(home_page):
    """A module whose one lesson holds the two-AU demo cmi5 course (part 1, then a quiz in a block)."""
    package = xapi_package_ready()
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[xapi_activity_block(package=package, id="xapi-1")]]
    )
    return {"module": module, "lesson": lesson}


@pytest.fixture
def learner():
    return staff_member(first_name="Sam", last_name="Okafor")


@pytest.fixture
def ld():
    return staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True)


def _record(course, learner, ld, recognition="Equivalent Outside Activity"):
    return module_completed_elsewhere_record(
        learner=learner,
        module=course["module"],
        completed_on=timezone.localdate(),
        evidence="Attended the council's classroom course; signed register seen.",
        recognition=recognition,
        recorded_by=ld,
    )


def _statements(verb):
    return list(XAPIStatement.objects.filter(verb=verb).order_by("stored_at", "pk"))


def test_waiving_the_unsatisfied_quiz_issues_waived_then_satisfied(course, learner, ld):
    """Sam read part 1 online; L&D record the module as done elsewhere: only the quiz is waived
    (result success and completion true, the reason, the registration, a session of its own),
    then the block and course are satisfied and the lesson's course block completes."""
    part1 = Launched(learner, course["lesson"])
    part1.sign_in()
    part1.post(part1.statement("initialized"))
    part1.post(part1.statement("completed", result={"completion": True}))
    completion, waived = _record(course, learner, ld)
    assert waived == 1
    (statement,) = _statements(WAIVED)
    payload = statement.payload
    assert payload["result"]["success"] is True and payload["result"]["completion"] is True
    assert payload["result"]["extensions"][REASON] == "Equivalent Outside Activity"
    assert payload["context"]["registration"] == part1.registration
    waiver_session = payload["context"]["extensions"][SESSION]
    assert waiver_session != part1.session_id
    assert payload["object"]["id"] != part1.params["activityId"]  # the quiz, not part 1
    satisfied = _statements(SATISFIED)
    assert sorted(s.payload["object"]["definition"]["type"].rsplit("/", 1)[-1] for s in satisfied) == [
        "block",
        "course",
    ]
    assert {s.payload["context"]["extensions"][SESSION] for s in satisfied} == {waiver_session}
    assert ActivityCompletion.objects.filter(user=learner, block_id="xapi-1").exists()
    assert Cmi5Registration.objects.get().au_results  # the quiz now reads as satisfied, waived
    assert ModuleCompletion.objects.filter(user=learner).count() == 1
    assert completion.source == ModuleCompletion.Source.OFFLINE


def test_a_course_never_launched_gets_a_registration_and_each_au_its_own_session(course, learner, ld):
    """Sam never opened the course: a registration is made and both AUs are waived, each in its
    own session (cmi5: at most one waived per session)."""
    _completion, waived = _record(course, learner, ld, recognition="Tested Out")
    assert waived == 2
    registration = Cmi5Registration.objects.get(user=learner)
    statements = _statements(WAIVED)
    assert {str(s.registration) for s in statements} == {str(registration.registration)}
    assert len({s.payload["context"]["extensions"][SESSION] for s in statements}) == 2
    assert {s.payload["result"]["extensions"][REASON] for s in statements} == {"Tested Out"}
    assert registration.completed_activity is True


def test_recording_again_waives_nothing_twice(course, learner, ld):
    """A second record for the same person waives no AU again (one waived per AU per registration)."""
    _record(course, learner, ld)
    _completion, waived = _record(course, learner, ld, recognition="Administrative")
    assert waived == 0
    assert len(_statements(WAIVED)) == 2
    assert len(_statements(SATISFIED)) == 2


def test_a_reason_outside_cmi5s_list_is_refused_and_nothing_is_written(course, learner, ld):
    with pytest.raises(ValueError, match="Choose why"):
        _record(course, learner, ld, recognition="Because")
    assert not CompletionChange.objects.exists()
    assert not XAPIStatement.objects.exists()


# The person's learning record: two steps, L&D only.


@pytest.fixture
def enrolled(course, learner):
    from learning.services import enrolments_sync

    AssignmentFactory(module=course["module"], people=[learner])
    enrolments_sync(today=timezone.localdate())
    return course


def _form(chosen, **extra):
    return {
        "action": "offline",
        "module": chosen.pk,
        "completed_on": timezone.localdate().strftime("%d/%m/%Y"),
        "recognition": "Equivalent Outside Activity",
        "evidence": "Classroom course, signed register",
        **extra,
    }


def test_ld_check_the_parts_to_be_waived_then_confirm(client, enrolled, learner, ld):
    """L&D fill in the form, see which course parts will be waived, confirm: it is recorded and audited."""
    client.force_login(ld)
    url = reverse("learning_person_record", args=[learner.pk])
    check = client.post(url, _form(enrolled["module"]))
    assert check.status_code == 200
    assert "Check before recording" in check.text
    assert "Parts of cmi5 courses that will be recorded as waived (2)" in check.text
    assert not CompletionChange.objects.exists()
    change = client.post(url, _form(enrolled["module"], step="change"))
    assert change.status_code == 200 and "Classroom course, signed register" in change.text
    assert not CompletionChange.objects.exists()
    done = client.post(url, _form(enrolled["module"], step="confirm"))
    assert done.status_code == 302
    audit = CompletionChange.objects.get(learner=learner)
    assert (audit.changed_by, audit.recognition) == (ld, "Equivalent Outside Activity")
    assert len(_statements(WAIVED)) == 2
    page = client.get(url)
    assert "2 cmi5 course parts recorded as waived" in page.text
    assert "(Equivalent Outside Activity): Classroom course, signed register" in page.text


@pytest.mark.parametrize(
    "role",
    [roles.SOCIAL_WORKER, roles.TEAM_MANAGER, roles.SENIOR_MANAGER, roles.LEADERSHIP],
)
def test_only_ld_may_record_training_completed_elsewhere(client, enrolled, learner, role):
    """Learners, managers and directors are refused at both steps; nothing is recorded."""
    client.force_login(staff_member(role=role, mfa=True))
    url = reverse("learning_person_record", args=[learner.pk])
    for step in ("", "confirm"):
        response = client.post(url, _form(enrolled["module"], step=step))
        assert response.status_code in {302, 403}
        assert "Check before recording" not in response.text
    assert not CompletionChange.objects.exists()
    assert not XAPIStatement.objects.filter(verb=WAIVED).exists()


def test_ld_lead_may_record_training_completed_elsewhere(client, enrolled, learner):
    client.force_login(staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD, mfa=True))
    url = reverse("learning_person_record", args=[learner.pk])
    assert client.post(url, _form(enrolled["module"], step="confirm")).status_code == 302
    assert CompletionChange.objects.filter(learner=learner).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, enrolled, learner):
    response = client.post(reverse("learning_person_record", args=[learner.pk]), _form(enrolled["module"]))
    assert response.status_code == 302
    assert not CompletionChange.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"recognition": ""}, "Choose why this training counts."),
        ({"recognition": "Because I said so", "step": "confirm"}, "Choose one of the reasons listed."),
        ({"module": "999999", "step": "confirm"}, "Select a valid choice"),
        ({"completed_on": "01/01/2999", "step": "confirm"}, "today or in the past"),
        ({"evidence": "", "step": "confirm"}, "This field is required"),
        ({"evidence": "x" * 2001, "step": "confirm"}, "at most 2000 characters"),
    ],
)
def test_bad_input_is_answered_on_the_form_and_nothing_is_recorded(
    client, enrolled, learner, ld, extra, message
):
    client.force_login(ld)
    response = client.post(
        reverse("learning_person_record", args=[learner.pk]), _form(enrolled["module"], **extra)
    )
    assert response.status_code == 200
    assert message in response.text
    assert not CompletionChange.objects.exists()
    assert not XAPIStatement.objects.filter(verb=WAIVED).exists()


def test_a_module_the_person_is_not_assigned_is_refused(client, course, learner, ld):
    """The module list is the person's assignments: another module id is refused on the form."""
    client.force_login(ld)
    response = client.post(
        reverse("learning_person_record", args=[learner.pk]), _form(course["module"], step="confirm")
    )
    assert response.status_code == 200
    assert not CompletionChange.objects.exists()
