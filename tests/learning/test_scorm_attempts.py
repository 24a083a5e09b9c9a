"""New SCORM attempts: only when the last one is finished and the rule allows another.

A finished attempt that met the block's rule is reopened as it was (review). A finished attempt
that did not meet it (a failed test) gives way to a new one on the next visit; so does any
finished attempt once the person is in a new recertification cycle, where the course must be
done again before the lesson counts.
"""

import csv
import io
import zipfile

import pytest

from learning.models import ActivityCompletion, ScormAttempt
from learning.services import module_cycle_open
from tests.cms.people.factories import UserFactory, group_member
from tests.learning.test_scorm import PASSED_12, RESUME, body, course, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

SCO = "recording-sco"
FAILED_12 = {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "20", "cmi.core.exit": ""}
HALF_WAY_12 = {
    "cmi.core.lesson_status": "incomplete",
    "cmi.core.lesson_location": "2",
    "cmi.suspend_data": "page-2",
    "cmi.core.exit": "suspend",
}


@pytest.fixture
def learner(client):
    person = UserFactory(first_name="Ade", last_name="Bello")
    client.force_login(person)
    return person


def resume(client, lesson, version):
    return client.get(
        RESUME, {"lesson_id": lesson.pk, "block_id": "scorm-1", "package_version_id": version.pk, "sco": SCO}
    ).json()


def numbers(learner):
    return list(ScormAttempt.objects.filter(user=learner).order_by("number").values_list("number", "cycle"))


def test_an_unfinished_attempt_is_continued_on_every_visit(client, home_page, learner):
    _module, lesson, version = course(home_page)
    post(client, body(lesson, version, SCO, HALF_WAY_12, session="visit-one-0001"))
    state = resume(client, lesson, version)
    assert (state["attempt"], state["location"], state["suspend_data"]) == (1, "2", "page-2")
    post(client, body(lesson, version, SCO, {"cmi.core.lesson_location": "3"}, session="visit-two-0001"))
    assert numbers(learner) == [(1, 1)]


def test_a_completed_attempt_that_met_the_rule_is_reopened_for_review(client, home_page, learner):
    _module, lesson, version = course(home_page)
    post(client, body(lesson, version, SCO, PASSED_12, session="visit-one-0001"))
    state = resume(client, lesson, version)
    assert (state["attempt"], state["completion_status"], state["completed"]) == (1, "passed", True)
    post(client, body(lesson, version, SCO, {"cmi.core.lesson_location": "1"}, session="visit-two-0001"))
    assert numbers(learner) == [(1, 1)]


def test_a_failed_attempt_gives_way_to_a_new_one_on_the_next_visit(client, home_page, learner):
    """Ade fails the test (the rule asks for a pass); the next visit starts afresh, and a pass then counts."""
    _module, lesson, version = course(home_page, completion_rule="passed")
    post(client, body(lesson, version, SCO, FAILED_12, session="visit-one-0001"))
    assert not ActivityCompletion.objects.exists()
    # The same visit goes on writing to the failed attempt (the course may let them retry inside it).
    again = {**FAILED_12, "cmi.core.lesson_location": "9"}
    post(client, body(lesson, version, SCO, again, seq=2, session="visit-one-0001"))
    assert numbers(learner) == [(1, 1)]

    state = resume(client, lesson, version)
    assert (state["attempt"], state["completion_status"], state["location"], state["resume"]) == (
        2,
        "",
        "",
        False,
    )
    answer = post(client, body(lesson, version, SCO, PASSED_12, session="visit-two-0001")).json()
    assert answer["activity_completed"] is True
    assert numbers(learner) == [(1, 1), (2, 1)]
    first, second = ScormAttempt.objects.filter(user=learner).order_by("number")
    assert (first.completion_status, first.score_raw) == ("failed", 20)
    assert (second.completion_status, second.score_raw) == ("passed", 90)


def test_a_new_cycle_asks_for_the_course_again_in_a_new_attempt(client, home_page, learner):
    """Recertification: the first cycle's pass is kept; the lesson counts again only after a new attempt."""
    module, lesson, version = course(home_page)
    post(client, body(lesson, version, SCO, PASSED_12, session="visit-one-0001"))
    module_cycle_open(user=learner, module_id=module.pk)

    assert resume(client, lesson, version)["attempt"] == 2
    half = post(client, body(lesson, version, SCO, HALF_WAY_12, session="visit-two-0001")).json()
    assert half["activity_completed"] is False
    assert not ActivityCompletion.objects.filter(cycle=2).exists()
    done = post(client, body(lesson, version, SCO, PASSED_12, seq=2, session="visit-two-0001")).json()
    assert done["activity_completed"] is True
    assert ActivityCompletion.objects.filter(user=learner, cycle=2).exists()
    assert numbers(learner) == [(1, 1), (2, 2)]


def test_an_unfinished_attempt_carries_into_a_new_cycle(client, home_page, learner):
    module, lesson, version = course(home_page)
    post(client, body(lesson, version, SCO, HALF_WAY_12, session="visit-one-0001"))
    module_cycle_open(user=learner, module_id=module.pk)
    assert resume(client, lesson, version)["location"] == "2"
    post(client, body(lesson, version, SCO, PASSED_12, session="visit-two-0001"))
    assert numbers(learner) == [(1, 2)]
    assert ActivityCompletion.objects.filter(user=learner, cycle=2).exists()


def test_a_multi_sco_course_in_a_new_cycle_needs_every_sco_again(client, home_page, learner):
    from modules.scorm.demo import DEMO_2004, demo_package_bytes

    module, lesson, version = course(home_page, data=demo_package_bytes(DEMO_2004))
    done = {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.9"}
    for sco in ("families-part1", "families-part2"):
        post(client, body(lesson, version, sco, done, session="visit-one-0001"))
    module_cycle_open(user=learner, module_id=module.pk)
    answer = post(client, body(lesson, version, "families-part2", done, session="visit-two-0001")).json()
    assert (answer["sco_completed"], answer["activity_completed"]) == (True, False)
    answer = post(client, body(lesson, version, "families-part1", done, session="visit-two-0001")).json()
    assert answer["activity_completed"] is True


def test_a_late_commit_from_a_superseded_attempt_changes_nothing(client, home_page, learner):
    """The failed visit's last keep-alive commit comes after the next visit began: neither attempt changes."""
    _module, lesson, version = course(home_page, completion_rule="passed")
    post(client, body(lesson, version, SCO, FAILED_12, session="visit-one-0001"))
    post(client, body(lesson, version, SCO, HALF_WAY_12, session="visit-two-0001"))
    assert numbers(learner) == [(1, 1), (2, 1)]
    late = {**FAILED_12, "cmi.core.lesson_location": "7"}
    answer = post(client, body(lesson, version, SCO, late, seq=9, session="visit-one-0001")).json()
    assert answer["duplicate"] is True
    first, second = ScormAttempt.objects.filter(user=learner).order_by("number")
    assert (first.location, second.location) == ("", "2")


# Reporting: every attempt in the readiness export and the person's record

EXPORT = "/admin/readiness/export/scorm.csv"


def _export_rows(client, query=""):
    response = client.get(EXPORT + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_every_attempt_is_a_row_of_the_scorm_export_with_score_time_and_answers(
    client, home_page, learner, ld_admin
):
    module, lesson, version = course(home_page, completion_rule="passed")
    wrong = {**FAILED_12, "cmi.interactions.0.id": "recording-words", "cmi.interactions.0.result": "wrong"}
    wrong["cmi.core.session_time"] = "00:06:00"
    post(client, body(lesson, version, SCO, wrong, session="visit-one-0001"))
    post(client, body(lesson, version, SCO, PASSED_12, session="visit-two-0001"))

    client.force_login(ld_admin)
    header, *rows = _export_rows(client)
    assert header[:3] == ["Name", "Email", "Team"]
    as_dicts = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(row["Attempt"], row["Status"], row["Score (%)"]) for row in as_dicts] == [
        ("1", "failed", "20.0"),
        ("2", "passed", "90.0"),
    ]
    first, second = as_dicts
    assert (first["Name"], first["Module"], first["Lesson"]) == ("Ade Bello", module.title, lesson.title)
    assert (first["Time (minutes)"], first["Interactions answered"], first["Interactions missed"]) == (
        "6.0",
        "1",
        "1",
    )
    assert (first["Met the lesson's rule"], second["Met the lesson's rule"]) == ("No", "Yes")
    assert second["Part (SCO)"] == SCO and second["Version"] == str(version.number)

    record = client.get(f"/admin/readiness/people/{learner.pk}/").content.decode()
    assert "1 of 1" in record  # answers missed of answered, on the failed attempt


def test_the_scorm_export_follows_the_programme_filter(client, home_page, learner, ld_admin):
    from tests.learning.factories import ProgrammeFactory

    _module, lesson, version = course(home_page)
    post(client, body(lesson, version, SCO, PASSED_12))
    client.force_login(ld_admin)
    assert len(_export_rows(client)) == 2
    other = ProgrammeFactory()
    assert len(_export_rows(client, f"?programme={other.pk}")) == 1  # the header only: not in that programme


def test_the_scorm_export_neutralises_formulas_and_comes_as_a_workbook(client, home_page, learner, ld_admin):
    learner.first_name = '=HYPERLINK("http://evil")'
    learner.save()
    _module, lesson, version = course(home_page)
    post(client, body(lesson, version, SCO, PASSED_12))
    client.force_login(ld_admin)
    assert any(row[0].startswith("'=HYPERLINK") for row in _export_rows(client))
    workbook = client.get("/admin/readiness/export/scorm.xlsx")
    assert workbook.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(workbook.streaming_content))) as sheet:
        assert "<row" in sheet.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("role_group", [None, "Team managers", "Staff"])
def test_learners_and_managers_cannot_export_scorm_attempts(client, role_group):
    client.force_login(group_member(role_group))
    assert client.get(EXPORT).status_code in {302, 403}
    client.logout()
    assert client.get(EXPORT).status_code == 302
