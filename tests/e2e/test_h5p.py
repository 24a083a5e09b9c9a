"""Browser journey: a learner plays the project's own H5P content type through h5p-standalone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from learning.models import ActivityCompletion, H5PAttempt, H5PPlayerState, XAPIStatement
from tests.cms.people.factories import UserFactory
from tests.conftest import wait_for
from tests.e2e.axe import assert_accessible
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons, text_block

# serialized_rollback: the flush after each test would otherwise take the Wagtail root
# page and locale that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path("/tmp/jlearn-shots")  # noqa: S108 - screenshots for the reviewer
# The demo content: statements 1, 3 and 5 are true; 2 and 4 are false.
CORRECT = [True, False, True, False, True]


@pytest.fixture
def h5p_module(site_home):
    package = h5p_package_ready(title="Check your understanding")
    module, lessons = module_with_lessons(
        site_home,
        bodies=[
            [
                text_block("<p>Motivational interviewing helps parents find their own reasons.</p>"),
                h5p_activity_block(
                    package=package, id="3f0d6c1e-8f5a-4c57-9d0e-2b8a7c1d4e01", heading="True or false?"
                ),
            ],
            [text_block("<p>Group case supervision brings every discipline together.</p>")],
        ],
        title="Motivational interviewing foundations",
    )
    return module, lessons


def player_frame(page):
    return page.frame_locator("iframe.h5p-iframe")


def player_loaded(page) -> None:
    """Wait until the lesson's H5P player has loaded (it titles and sizes its frame then)."""
    expect(page.locator("iframe.h5p-iframe")).to_have_attribute("title", "True or false?", timeout=15_000)


def assert_player_accessible(page):
    """axe on the page does not enter h5p-standalone's iframe, so run it inside the frame too."""
    frame = page.locator("iframe.h5p-iframe").element_handle().content_frame()
    assert_accessible(frame)


def answer_with_keyboard(page, answers):
    """Select each answer with the keyboard alone: focus the radio, press Space."""
    frame = player_frame(page)
    fieldsets = frame.locator("fieldset")
    expect(fieldsets).to_have_count(len(CORRECT), timeout=15_000)
    for index, value in enumerate(answers):
        radio = fieldsets.nth(index).get_by_role("radio", name="True" if value else "False")
        radio.focus()
        page.keyboard.press("Space")
        expect(radio).to_be_checked()


def test_a_learner_plays_the_h5p_activity_and_the_module_progress_moves(
    live_server, page, sign_in, h5p_module
):
    """Sam opens the lesson, answers the statement check with the keyboard, checks, and the server
    records the result: the activity and lesson complete and the module's progress bar moves."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    _module, (lesson, _second) = h5p_module
    learner = sign_in(UserFactory(first_name="Sam", last_name="Okafor"))

    page.goto(live_server.url + lesson.url)
    progress = page.locator("#module-progress-bar")
    expect(progress).to_have_attribute("value", "0")
    player_loaded(page)
    expect(player_frame(page).get_by_role("button", name="Check my answers")).to_be_visible()
    assert_accessible(page)
    assert_player_accessible(page)
    page.screenshot(path=str(SHOTS / "h5p-01-lesson-with-player.png"), full_page=True)

    answer_with_keyboard(page, CORRECT)
    check = player_frame(page).get_by_role("button", name="Check my answers")
    check.focus()
    page.keyboard.press("Enter")
    expect(player_frame(page).get_by_role("status")).to_have_text("You got 5 out of 5 right.")
    expect(page.get_by_role("status").filter(has_text="complete")).to_have_text(
        "Your result has been saved. This activity is complete.", timeout=10_000
    )
    assert_player_accessible(page)
    page.screenshot(path=str(SHOTS / "h5p-02-checked-and-saved.png"), full_page=True)

    completion = wait_for(lambda: ActivityCompletion.objects.filter(user=learner, lesson=lesson).first())
    assert completion.score == 5
    attempt = H5PAttempt.objects.get(user=learner)
    assert (attempt.verb, attempt.score_raw, attempt.score_max) == ("answered", 5, 5)
    assert attempt.package_version_id is not None
    assert XAPIStatement.objects.filter(user=learner, top_level=True).exists()

    # The page catches up at once: no reload.
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "1")
    expect(page.locator("#module-progress-bar-label")).to_have_text("Module progress: 50% complete")
    expect(page.locator("[data-lesson-status-tag]")).to_have_text("Complete")
    expect(page.locator("[data-lesson-done]")).to_have_text("You have completed this lesson.")
    expect(page.get_by_text(re.compile("remaining activit"))).to_have_count(0)
    expect(page.locator("#block-3f0d6c1e-8f5a-4c57-9d0e-2b8a7c1d4e01").get_by_text("Done")).to_be_visible()
    expect(page.locator("[data-lesson-progress-announcer]")).to_have_text(
        "Activity complete. You have completed this lesson. Module progress: 50% complete."
    )
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "h5p-03-progress-live.png"), full_page=True)

    # After a reload the activity is marked done and the player shows the answers given.
    wait_for(lambda: H5PPlayerState.objects.filter(user=learner).exists(), timeout=25)
    page.reload()
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "1")
    expect(page.locator("#block-3f0d6c1e-8f5a-4c57-9d0e-2b8a7c1d4e01").get_by_text("Done")).to_be_visible()
    fieldsets = player_frame(page).locator("fieldset")
    for index, value in enumerate(CORRECT):
        radio = fieldsets.nth(index).get_by_role("radio", name="True" if value else "False")
        expect(radio).to_be_checked(timeout=15_000)
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "h5p-04-reloaded-done.png"), full_page=True)


def test_the_player_resumes_where_the_learner_left_off(live_server, page, sign_in, h5p_module):
    """Sam answers two statements, leaves, and comes back to find them still answered."""
    _module, (lesson, _second) = h5p_module
    learner = sign_in(UserFactory())
    page.goto(live_server.url + lesson.url)
    answer_with_keyboard(page, CORRECT[:2])

    wait_for(lambda: H5PPlayerState.objects.filter(user=learner).exists(), timeout=25)
    page.goto(live_server.url + lesson.url)
    fieldsets = player_frame(page).locator("fieldset")
    expect(fieldsets.nth(0).get_by_role("radio", name="True")).to_be_checked(timeout=15_000)
    expect(fieldsets.nth(1).get_by_role("radio", name="False")).to_be_checked()
    expect(fieldsets.nth(2).get_by_role("radio", name="True")).not_to_be_checked()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "h5p-05-resumed.png"), full_page=True)
