"""Browser journeys: a learner plays a SCORM 1.2 and a multi-SCO SCORM 2004 course to completion."""

# ruff: noqa: RUF001 - the demo course's answers use typographic quotes
from pathlib import Path

import pytest
from playwright.sync_api import expect

from learning.models import ActivityCompletion, ScormAttempt
from modules.scorm.demo import DEMO_2004, demo_package_bytes
from tests.cms.people.factories import UserFactory
from tests.conftest import wait_for
from tests.e2e.axe import assert_accessible
from tests.modules.factories import module_with_lessons, scorm_activity_block, scorm_package_ready, text_block

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path("/tmp/shots/scorm")  # noqa: S108 - screenshots for the reviewer
COMMIT_PATH = "/learning/scorm/commit/"


@pytest.fixture(autouse=True)
def last_commit_lands(page):
    """The player commits once more when the page is hidden (keepalive). That commit must
    have landed before the test's database is flushed: a flush meeting the commit's
    transaction deadlocks in PostgreSQL. So the page is left here, and the commits it
    started are waited for, before the flush."""
    started, settled = [], []
    page.on("request", lambda request: started.append(1) if COMMIT_PATH in request.url else None)
    page.on("requestfinished", lambda request: settled.append(1) if COMMIT_PATH in request.url else None)
    page.on("requestfailed", lambda request: settled.append(1) if COMMIT_PATH in request.url else None)
    yield
    page.goto("about:blank")
    for _ in range(100):  # at most 5 s
        if len(settled) >= len(started):
            break
        page.wait_for_timeout(50)
    # A keepalive commit the page no longer reports on still reaches the server: give it time.
    page.wait_for_timeout(300)


@pytest.fixture
def scorm_module(media, site_home):
    course_12 = scorm_package_ready(title="Recording what families tell us")
    course_2004 = scorm_package_ready(
        title="Working with the whole family", data=demo_package_bytes(DEMO_2004)
    )
    module, lessons = module_with_lessons(
        site_home,
        bodies=[
            [
                text_block("<p>Good records.</p>"),
                scorm_activity_block(package=course_12, completion_rule="passed"),
            ],
            [text_block("<p>The whole family.</p>"), scorm_activity_block(package=course_2004)],
        ],
        title="Recording and whole-family working",
    )
    return module, lessons


def sco(page):
    return page.frame_locator("iframe.fsm-scorm__frame")


def frame_accessible(page):
    assert_accessible(page.locator("iframe.fsm-scorm__frame").element_handle().content_frame())


def press(page, locator):
    """Keyboard only: focus the control and press Enter."""
    locator.focus()
    page.keyboard.press("Enter")


def play_to_the_end(page, answer: str):
    frame = sco(page)
    next_button = frame.get_by_role("button", name="Next")
    while next_button.is_visible():
        press(page, next_button)
    radio = frame.get_by_role("radio", name=answer)
    radio.focus()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    press(page, frame.get_by_role("button", name="Finish"))


def test_a_learner_plays_the_scorm_12_course_resumes_it_and_passes(live_server, page, sign_in, scorm_module):
    """Sam opens the SCORM 1.2 course, stops on page two, comes back to page two, answers and passes:
    the lesson completes and the module progress moves without a reload."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    _module, (lesson, _second) = scorm_module
    learner = sign_in(UserFactory(first_name="Sam", last_name="Okafor"))

    page.goto(live_server.url + lesson.url)
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "0")
    expect(page.locator("iframe.fsm-scorm__frame")).to_have_attribute(
        "title", "Recording what families tell us: Recording what families tell us", timeout=15_000
    )
    frame = sco(page)
    expect(frame.get_by_role("heading", name="Recording what families tell us")).to_be_visible()
    assert_accessible(page)
    frame_accessible(page)
    press(page, frame.get_by_role("button", name="Next"))
    expect(frame.get_by_role("heading", name="Their words, then your view")).to_be_visible()
    wait_for(lambda: ScormAttempt.objects.filter(user=learner, location="1").exists(), timeout=15)

    page.reload()
    expect(sco(page).get_by_role("heading", name="Their words, then your view")).to_be_visible(timeout=15_000)
    page.screenshot(path=str(SHOTS / "01-resumed.png"), full_page=True)

    play_to_the_end(page, "“I want the children home by Christmas,” said Ms B.")
    expect(page.locator("[data-scorm-status]")).to_have_text(
        "Your progress has been saved. This course is complete.", timeout=15_000
    )
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "1", timeout=15_000)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "02-passed.png"), full_page=True)

    attempt = ScormAttempt.objects.get(user=learner)
    assert (attempt.completion_status, attempt.score_raw) == ("passed", 100)
    assert attempt.cmi["cmi.interactions.0.result"] == "correct"
    assert ActivityCompletion.objects.filter(user=learner, lesson=lesson).exists()


def test_a_learner_completes_both_parts_of_the_scorm_2004_course(live_server, page, sign_in, scorm_module):
    """Sam completes part one, chooses part two from the course's list, completes it: only then
    does the lesson complete."""
    _module, (_first, lesson) = scorm_module
    learner = sign_in(UserFactory())

    page.goto(live_server.url + lesson.url)
    frame = sco(page)
    expect(frame.get_by_role("heading", name="Hearing the whole family")).to_be_visible(timeout=15_000)
    assert_accessible(page)
    frame_accessible(page)
    play_to_the_end(page, "Every adult in the household")
    expect(page.locator('[data-scorm-item-status="families-part1"]')).to_have_text(
        "Completed", timeout=15_000
    )
    assert not ActivityCompletion.objects.filter(user=learner, lesson=lesson).exists()

    press(page, page.get_by_role("button", name="Change talk"))
    expect(sco(page).get_by_role("heading", name="Change talk")).to_be_visible(timeout=15_000)
    play_to_the_end(page, "“I don’t want them to see us argue any more.”")
    expect(page.locator("[data-scorm-status]")).to_have_text(
        "Your progress has been saved. This course is complete.", timeout=15_000
    )
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "1", timeout=15_000)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "03-2004-complete.png"), full_page=True)
    attempts = ScormAttempt.objects.filter(user=learner).order_by("sco")
    assert [(a.sco, a.completion_status) for a in attempts] == [
        ("families-part1", "completed"),
        ("families-part2", "completed"),
    ]
    assert ActivityCompletion.objects.filter(user=learner, lesson=lesson).exists()
