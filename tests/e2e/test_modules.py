"""Browser journey: a learner works through a module by keyboard, gets and verifies the certificate."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from learning.models import Certificate
from tests.cms.people.factories import UserFactory
from tests.conftest import wait_for
from tests.e2e.axe import assert_accessible
from tests.modules.factories import knowledge_check_block, module_with_lessons, text_block

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/h4b"))  # noqa: S108 - screenshots for review


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_learner_completes_a_module_by_keyboard_and_verifies_the_certificate(
    live_server, page, sign_in, celery_worker, home_page
):
    """Asha reads the first lesson, passes the knowledge check by keyboard, watches the progress
    bar move, completes the module, downloads her certificate and checks it is genuine."""
    module, (reading, checked) = module_with_lessons(
        home_page,
        title="Motivational interviewing foundations",
        bodies=[
            [text_block("<p>MI helps parents find their own reasons to change.</p>")],
            [text_block("<p>Open questions invite a story.</p>"), knowledge_check_block(id="kc-open")],
        ],
    )
    learner = sign_in(UserFactory(first_name="Asha", last_name="Patel"))

    home_prefix = len(home_page.url_path) - 1  # page URLs below the site root
    page.goto(live_server.url + module.url_path[home_prefix:])
    expect(page.get_by_role("heading", level=1)).to_have_text("Motivational interviewing foundations")
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "0")
    assert_accessible(page)
    shot(page, "e2e-1-module")

    page.get_by_role("button", name=re.compile("Start the module")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(reading.title)
    assert_accessible(page)
    page.get_by_role("button", name="Mark this lesson as done").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(checked.title)
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "1")
    assert_accessible(page)

    page.get_by_label("Did you drink last night?").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name=re.compile("Check my answer")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Closed: it invites yes or no.")).to_be_visible()
    expect(page.get_by_text("You scored 0%")).to_be_visible()
    assert_accessible(page)
    shot(page, "e2e-2-wrong-answer")

    page.get_by_label("What would a good week look like?").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name=re.compile("Check my answer")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You have completed this lesson.")).to_be_visible()
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "2")
    assert_accessible(page)
    shot(page, "e2e-3-passed")

    wait_for(lambda: Certificate.objects.filter(user=learner, rendered_at__isnull=False).exists())
    page.get_by_role("link", name=re.compile("See your certificate")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Module complete")
    assert_accessible(page)
    shot(page, "e2e-4-complete")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your certificate (PDF)").focus()
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")

    certificate = Certificate.objects.get(user=learner)
    page.get_by_role("link", name="the certificate check page").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is genuine")
    expect(page.get_by_text("Asha Patel")).to_be_visible()
    expect(page.get_by_text(certificate.code).first).to_be_visible()
    assert_accessible(page)
    shot(page, "e2e-5-verified")

    page.goto(live_server.url + "/certificates/verify/NOTAREALCODE/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We cannot find that certificate")
    assert_accessible(page)
