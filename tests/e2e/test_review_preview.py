"""Browser journey: an L&D lead reviews a submitted lesson and plays its H5P activity in the previews.

The workflow's review preview and the editor's preview panel both play the player as learners
meet it (the lesson's own Content-Security-Policy), with the keyboard, axe clean; nothing is
recorded for the reviewer.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from learning.models import H5PAttempt, XAPIStatement
from tests.e2e.axe import assert_accessible
from tests.e2e.test_h5p import CORRECT, answer_with_keyboard, player_frame, player_loaded
from tests.modules.factories import (
    h5p_and_scenario_body,
    h5p_package_ready,
    lesson_submitted_for_review,
    scenario_create,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path("/tmp/jlearn-shots")  # noqa: S108 - screenshots for the reviewer


@pytest.fixture
def submitted(site_home):
    package = h5p_package_ready(title="Check your understanding")
    return lesson_submitted_for_review(
        site_home,
        body=h5p_and_scenario_body(package, scenario_create(slug="dan")),
        editor_name="Alex",
        lead_name="Robin",
        title="Motivational interviewing foundations",
    )


def test_a_lead_plays_the_h5p_activity_in_the_workflow_preview(live_server, page, sign_in, submitted):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(submitted["lead"])
    url = reverse("wagtailadmin_pages:workflow_preview", args=[submitted["lesson"].pk, submitted["task"].pk])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + url)
    player_loaded(page)
    expect(
        page.get_by_role("link", name=re.compile(r"Open the scenario\s*: Dan: a practice visit"))
    ).to_be_visible()
    answer_with_keyboard(page, CORRECT)
    check = player_frame(page).get_by_role("button", name="Check my answers")
    check.focus()
    page.keyboard.press("Enter")
    expect(player_frame(page).get_by_role("status")).to_have_text("You got 5 out of 5 right.")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "preview-01-workflow-preview.png"), full_page=True)
    assert not errors, errors
    assert not XAPIStatement.objects.exists()
    assert not H5PAttempt.objects.exists()


def test_an_editor_sees_the_player_in_the_preview_panel(live_server, page, sign_in, submitted):
    sign_in(submitted["lead"])
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(live_server.url + reverse("wagtailadmin_pages:edit", args=[submitted["lesson"].pk]))
    toggle = page.get_by_role("button", name="Toggle preview")
    toggle.focus()
    page.keyboard.press("Enter")
    preview = page.frame_locator("iframe#w-preview-iframe, iframe[data-w-preview-target='iframe']").first
    player = preview.frame_locator("iframe.h5p-iframe")
    expect(player.get_by_role("button", name="Check my answers")).to_be_visible(timeout=20_000)
    page.screenshot(path=str(SHOTS / "preview-02-editor-panel.png"))
