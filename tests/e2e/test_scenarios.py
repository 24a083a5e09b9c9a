"""Browser journey: a learner plays an MI scenario to its end with the keyboard alone."""

from pathlib import Path

import pytest

from tests.cms.people.factories import UserFactory
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
def test_a_missing_choice_gets_an_accessible_error_summary(live_server, page, sign_in):
    scenario_create(slug="dan")
    sign_in(UserFactory())
    page.goto(f"{live_server.url}/learning/scenarios/dan/")
    page.get_by_role("button", name="Start the conversation").click()
    page.get_by_role("button", name="Say this").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_text("Choose what you would say next.").is_visible()
    # GOV.UK Frontend moves focus to the error summary; its link leads to the first option.
    summary.get_by_role("link", name="Choose what you would say next.").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'response-0'")
    assert_accessible(page)
    _shot(page, "6-error")


@pytest.mark.django_db(transaction=True)
def test_the_scenario_plays_with_javascript_switched_off(live_server, browser):
    """Every step is a plain form post and redirect. (axe needs JavaScript, so the identical
    markup is checked in the journeys above, not here.)"""
    from django.conf import settings
    from django.test import Client

    scenario_create(slug="dan")
    client = Client()
    client.force_login(UserFactory())
    no_js = browser.new_context(java_script_enabled=False)
    try:
        no_js.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = no_js.new_page()
        page.goto(f"{live_server.url}/learning/scenarios/dan/")
        page.get_by_role("button", name="Start the conversation").click()
        page.get_by_label("You're worried about why I'm here.").check()
        page.get_by_role("button", name="Say this").click()
        page.wait_for_url("**/#latest-reply")
        assert page.get_by_role("heading", name="Dan\u2019s reply").is_visible()
        page.get_by_label("You want the best for him.").check()
        page.get_by_role("button", name="Say this").click()
        page.wait_for_url("**/profile/#result-heading")
        assert page.get_by_role("heading", name="Dan made a plan").is_visible()
        _shot(page, "7-no-js-profile")
    finally:
        no_js.close()
