"""Browser journey: a learner launches the demo cmi5 course, reads part 1 and passes the quiz;
the lesson page's progress changes when they come back to it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from learning.models import ActivityCompletion, XAPIStatement
from tests.cms.people.factories import UserFactory
from tests.e2e.axe import assert_accessible
from tests.modules.factories import module_with_lessons, text_block, xapi_activity_block, xapi_package_ready

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path("/tmp/shots/cmi5")  # noqa: S108 - screenshots for the reviewer
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"


@pytest.fixture
def cmi5_lesson(media, site_home):
    package = xapi_package_ready(title="The Family Safeguarding Model: a short quiz")
    _module, (lesson,) = module_with_lessons(
        site_home,
        bodies=[
            [text_block("<p>Read part 1, then pass the quiz.</p>"), xapi_activity_block(package=package)]
        ],
        title="The Family Safeguarding Model",
    )
    return lesson


def open_part(page, name):
    """Keyboard only: focus the part's button and press Enter; the course opens in a new window."""
    with page.context.expect_page() as opened:
        page.get_by_role("button", name=name).focus()
        page.keyboard.press("Enter")
    window = opened.value
    window.wait_for_load_state()
    return window


def back_to_lesson(page):
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")


def test_a_learner_launches_the_cmi5_course_and_completes_it(live_server, page, sign_in, cmi5_lesson):
    SHOTS.mkdir(parents=True, exist_ok=True)
    learner = sign_in(UserFactory(first_name="Sam", last_name="Okafor"))
    page.goto(live_server.url + cmi5_lesson.url)
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "0")
    assert_accessible(page)

    part1 = open_part(page, "Open Part 1: the model in brief (opens in a new window)")
    expect(part1.get_by_role("status")).to_have_text("Ready.", timeout=15_000)
    assert_accessible(part1)
    part1.screenshot(path=str(SHOTS / "01-part1.png"), full_page=True)
    part1.get_by_role("button", name="I have read this").focus()
    part1.keyboard.press("Enter")
    # On terminated the course goes back to the lesson (cmi5's returnURL) in its own window.
    expect(part1).to_have_url(live_server.url + cmi5_lesson.url, timeout=15_000)
    part1.close()
    back_to_lesson(page)
    expect(
        page.locator('[data-xapi-au-status="https://learning.example.org/courses/fsm-quiz/introduction"]')
    ).to_have_text("Done", timeout=15_000)
    assert not ActivityCompletion.objects.filter(user=learner).exists()

    quiz = open_part(page, "Open Part 2: quiz (opens in a new window)")
    expect(quiz.get_by_role("status")).to_contain_text("You need 80% to pass", timeout=15_000)
    assert_accessible(quiz)
    for number, answer in enumerate(
        [
            "Adult specialists (domestic abuse, drugs and alcohol, mental health)",
            "Motivational interviewing",
            "The whole team, all disciplines",
            "capable of change",
            "No: it keeps clarity about concerns and a focus on the child",
        ],
        start=1,
    ):
        radio = quiz.get_by_role("group", name=f"{number}.").get_by_role("radio", name=answer)
        radio.focus()
        quiz.keyboard.press("Space")
        expect(radio).to_be_checked()
    quiz.get_by_role("button", name="Submit my answers").focus()
    quiz.keyboard.press("Enter")
    expect(quiz).to_have_url(live_server.url + cmi5_lesson.url, timeout=15_000)
    quiz.close()

    back_to_lesson(page)
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "1", timeout=20_000)
    expect(page.locator("[data-xapi-status]")).to_have_text("You have completed this course.")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "02-complete.png"), full_page=True)
    assert ActivityCompletion.objects.filter(user=learner, lesson=cmi5_lesson).exists()
    assert XAPIStatement.objects.filter(user=learner, verb=SATISFIED).count() == 2
