"""Browser journey: a learner plays an MI scenario to its end with the keyboard alone."""

from pathlib import Path

import pytest

from tests.cms.factories import UserFactory
from tests.e2e.axe import assert_accessible
from tests.modules.factories import scenario_create

SHOTS = Path("/tmp/shots/h4c")  # noqa: S108 - screenshots for people to look at, not secrets


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _tab_to(page, check: str, *, limit: int = 80) -> None:
    """Press Tab until `check` (JS over `el`, the focused element) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({check}); }})()"):
            return
    raise AssertionError(f"never reached an element where {check}")


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.django_db(transaction=True)
def test_a_learner_plays_a_scenario_with_the_keyboard_and_reads_their_profile(live_server, page, sign_in):
    scenario = scenario_create(slug="dan")
    sign_in(UserFactory(first_name="Sam", last_name="Keyes"))

    page.goto(f"{live_server.url}/learning/scenarios/")
    assert_accessible(page)
    _tab_to(page, "el.textContent.trim() === 'Dan: a practice visit'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/learning/scenarios/{scenario.slug}/")
    assert_accessible(page)
    _shot(page, "1-detail")

    _tab_to(page, "el.textContent.trim() === 'Start the conversation'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/learning/scenarios/attempts/*/")
    assert page.get_by_role("heading", name="Dan says").is_visible()
    assert_accessible(page)
    _shot(page, "2-first-step")

    # Choose the third response with the arrow keys, then submit with the button.
    _tab_to(page, "el.name === 'response'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("What are mornings like?").is_checked()
    _tab_to(page, "el.textContent.trim() === 'Say this'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attempts/*/#latest-reply")
    # Focus moves to the parent's reply, so a screen reader continues from the new content.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'latest-reply'")
    assert page.get_by_role("heading", name="Dan\u2019s reply").is_visible()
    assert page.get_by_text("coded as open question").is_visible()
    assert page.get_by_label("Readiness to change: 5 out of 10 (up 2)").is_visible()
    assert page.get_by_role("list").filter(has_text="Why are you here?").count() >= 1
    assert_accessible(page)
    _shot(page, "3-after-a-step")

    # The first response, selected with Space.
    _tab_to(page, "el.name === 'response'")
    page.keyboard.press("Space")
    _tab_to(page, "el.textContent.trim() === 'Say this'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile/#result-heading")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'result-heading'")
    assert page.get_by_role("heading", name="Dan made a plan").is_visible()
    profile = page.get_by_role("table", name="Your MI skills profile, against MITI thresholds")
    assert profile.get_by_role("row", name="Reflections to questions").get_by_text("1.0 : 1").is_visible()
    assert page.get_by_role("heading", name="The whole conversation, with feedback").is_visible()
    assert_accessible(page)
    _shot(page, "4-profile")

    _tab_to(page, "el.textContent.trim() === 'Your profile over all your attempts'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/progress/")
    assert page.get_by_role("img", name="Your MI profile over 1 attempt").is_visible()
    assert page.get_by_role("table", name="Your results by attempt").is_visible()
    assert_accessible(page)
    _shot(page, "5-progress")


@pytest.mark.django_db(transaction=True)
def test_a_wrong_submission_shows_an_error_summary_without_javascript(live_server, browser, sign_in, context):
    """With JavaScript off the flow still works; submitting nothing gives a clear, accessible error."""
    scenario_create(slug="dan")
    no_js = browser.new_context(java_script_enabled=False)
    try:
        no_js.add_cookies(context.cookies())
        sign_in_page = no_js.new_page()
        from django.conf import settings
        from django.test import Client

        user = UserFactory()
        client = Client()
        client.force_login(user)
        no_js.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        sign_in_page.goto(f"{live_server.url}/learning/scenarios/dan/")
        sign_in_page.get_by_role("button", name="Start the conversation").click()
        sign_in_page.get_by_role("button", name="Say this").click()
        assert sign_in_page.get_by_role("alert").get_by_text("Choose what you would say next.").is_visible()
        _shot(sign_in_page, "6-error-no-js")
        sign_in_page.get_by_label("You're worried about why I'm here.").check()
        sign_in_page.get_by_role("button", name="Say this").click()
        assert sign_in_page.get_by_role("heading", name="Dan\u2019s reply").is_visible()
        # axe runs as JavaScript, so it cannot run in this context; the same pages are
        # checked with axe in the keyboard journey above.
    finally:
        no_js.close()
