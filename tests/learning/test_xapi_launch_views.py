"""The launch, fetch and status endpoints and the package files, per role and refusal; and a
Tin Can package launched with the Rustici launch parameters, completing on its course statement."""

import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from wagtail.models import PageViewRestriction

from learning.models import ActivityCompletion, Cmi5Registration, Cmi5Session, XAPIStatement
from learning.services import xapi_launch
from modules.models import XapiPackage
from tests.cms.people.factories import UserFactory
from tests.modules.factories import module_with_lessons, xapi_activity_block, xapi_package_ready
from tests.modules.h5p.corpus import zip_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

LAUNCH = "/learning/xapi-launch/"
STATUS = "/learning/xapi-launch/status/"
TINCAN = b"""<?xml version="1.0"?><tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
<activity id="https://x.example/tc" type="http://adlnet.gov/expapi/activities/course">
<name>Tin Can course</name>
<launch lang="en-GB">story.html</launch></activity></activities></tincan>"""


@pytest.fixture
def lesson(xapi_lesson):
    return xapi_lesson


def launch(client, lesson, au="0", block="xapi-1"):
    return client.post(LAUNCH, {"lesson_id": str(lesson.pk), "block_id": block, "au": au})


def test_a_learner_is_sent_to_the_content_with_its_launch_parameters(client, lesson):
    client.force_login(UserFactory())
    response = launch(client, lesson)
    assert response.status_code == 303
    location = urlsplit(response["Location"])
    assert location.path.endswith("/introduction.html")
    assert {"endpoint", "fetch", "actor", "registration", "activityId"} <= set(parse_qs(location.query))
    content = client.get(location.path)
    assert content.status_code == 200
    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval'" in content["Content-Security-Policy"]


def test_anonymous_people_cannot_launch_read_status_or_files(lesson):
    anonymous = Client()
    assert launch(anonymous, lesson).status_code == 401
    assert anonymous.get(STATUS, {"lesson_id": lesson.pk, "block_id": "xapi-1"}).status_code == 401
    version = XapiPackage.objects.get().current_version
    assert (
        anonymous.get(f"/xapi-packages/{lesson.pk}/xapi-1/{version.pk}/introduction.html").status_code == 403
    )
    assert not Cmi5Session.objects.exists()


def test_launch_refuses_what_it_cannot_read(client, lesson):
    client.force_login(UserFactory())
    assert launch(client, lesson, au="x").status_code == 400
    assert launch(client, lesson, au="7").status_code == 404
    assert launch(client, lesson, block="nope").status_code == 404
    assert client.post(LAUNCH, {"lesson_id": "abc", "block_id": "xapi-1"}).status_code == 400
    assert client.get(LAUNCH).status_code == 405


def test_launch_needs_the_csrf_token(lesson):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    assert launch(browser, lesson).status_code == 403


def test_a_restricted_lesson_cannot_be_launched_or_served_to_someone_outside_it(client, lesson):
    """The lesson is for the probation team only: Sam, outside it, gets 404s and no session."""
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Probation practitioners"))
    client.force_login(UserFactory())
    assert launch(client, lesson).status_code == 404
    assert client.get(STATUS, {"lesson_id": lesson.pk, "block_id": "xapi-1"}).status_code == 404
    version = XapiPackage.objects.get().current_version
    assert client.get(f"/xapi-packages/{lesson.pk}/xapi-1/{version.pk}/introduction.html").status_code == 404
    assert not Cmi5Session.objects.exists()


def test_files_are_served_only_for_the_blocks_package_and_safe_paths(client, lesson, home_page):
    client.force_login(UserFactory())
    version = XapiPackage.objects.get().current_version
    base = f"/xapi-packages/{lesson.pk}/xapi-1/{version.pk}/"
    assert client.get(base + "cmi5.xml").status_code == 200
    assert client.get(base + "missing.html").status_code == 404
    assert client.get(base + ".hidden").status_code == 404
    assert client.get(f"/xapi-packages/{lesson.pk}/other/{version.pk}/cmi5.xml").status_code == 404


def test_status_shows_another_learners_progress_never(client, lesson):
    """Priya launches and completes part 1; Sam's status for the same block knows nothing of it."""
    priya, sam = UserFactory(), UserFactory()
    xapi_launch(user=priya, lesson_id=lesson.pk, block_id="xapi-1", au_index=0, origin="http://testserver")
    registration = Cmi5Registration.objects.get(user=priya)
    registration.au_results = {"x": {"completed": True}}
    registration.save()
    client.force_login(sam)
    answer = client.get(STATUS, {"lesson_id": lesson.pk, "block_id": "xapi-1"}).json()
    assert answer == {"activity_completed": False, "aus": {}}


def test_the_status_of_a_complete_block_carries_the_lesson_progress(client, lesson):
    learner = UserFactory()
    xapi_launch(user=learner, lesson_id=lesson.pk, block_id="xapi-1", au_index=0, origin="http://testserver")
    Cmi5Registration.objects.update(completed_activity=True)
    client.force_login(learner)
    answer = client.get(STATUS, {"lesson_id": lesson.pk, "block_id": "xapi-1"}).json()
    assert answer["activity_completed"] is True and "progress" in answer


def test_a_tincan_package_gets_the_xapi_launch_parameters_and_completes_on_its_course_statement(
    client, home_page
):
    """An xAPI (Tin Can) export: endpoint, auth, actor, registration and activity_id in the URL;
    'completed' about the course activity completes the block."""
    package = xapi_package_ready(
        title="Tin Can", data=zip_bytes({"tincan.xml": TINCAN, "story.html": b"<p>x</p>"})
    )
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[xapi_activity_block(package=package, id="tc-1")]]
    )
    learner = UserFactory()
    client.force_login(learner)
    response = launch(client, lesson, block="tc-1")
    params = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    assert set(params) == {"endpoint", "auth", "actor", "registration", "activity_id"}
    assert params["activity_id"] == "https://x.example/tc"
    content = Client()
    headers = {"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3"}
    actor = json.loads(params["actor"])

    def statement(verb, object_id="https://x.example/tc", registration=params["registration"]):
        return {
            "actor": actor,
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
            "object": {"id": object_id},
            "context": {"registration": registration},
        }

    post = lambda body: content.post(  # noqa: E731
        "/xapi/statements", data=json.dumps(body), content_type="application/json", headers=headers
    )
    assert post(statement("experienced", "https://x.example/tc/slide1")).status_code == 200
    assert post(statement("experienced", registration=str(uuid.uuid4()))).status_code == 403
    assert not ActivityCompletion.objects.exists()
    assert post(statement("completed")).status_code == 200
    assert ActivityCompletion.objects.filter(user=learner, block_id="tc-1").exists()
    assert XAPIStatement.objects.filter(user=learner).count() == 2


def test_import_xapi_imports_the_demo_and_refuses_a_scorm_zip(tmp_path, capsys):
    from modules.xapi_packages.demo import cmi5_demo_package_bytes

    good = tmp_path / "quiz.zip"
    good.write_bytes(cmi5_demo_package_bytes())
    call_command("import_xapi", str(good), "--title", "Quiz")
    assert XapiPackage.objects.get(title="Quiz").current_version.kind == "cmi5"
    bad = tmp_path / "scorm.zip"
    bad.write_bytes(zip_bytes({"imsmanifest.xml": b"<manifest/>"}))
    with pytest.raises(CommandError, match="SCORM package"):
        call_command("import_xapi", str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_xapi", str(tmp_path / "missing.zip"))
    assert XapiPackage.objects.count() == 1


def test_the_fetch_url_is_post_only_and_unknown_sessions_are_error_2():
    browser = Client()
    url = f"/learning/xapi-launch/fetch/{uuid.uuid4()}/secret/"
    assert browser.get(url).status_code == 405
    assert browser.post(url).json()["error-code"] == "2"
