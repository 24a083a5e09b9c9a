"""L&D record a module as completed elsewhere on a person's learning record, check what will be
recorded (the cmi5 course parts to be waived) and confirm: by keyboard, with axe on each page."""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.people import roles
from learning.services import enrolments_sync
from tests.cms.people.factories import staff_member
from tests.e2e.axe import assert_accessible
from tests.learning.factories import AssignmentFactory
from tests.modules.factories import module_with_lessons, xapi_activity_block, xapi_package_ready

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/shots/completed-elsewhere"))  # noqa: S108 - review screenshots


def shot(page, name: str) -> None:
    """The admin scrolls inside its own frame, so the window is made tall enough for the page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 1600})
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


@pytest.fixture
def assigned(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    package = xapi_package_ready()
    module, _lessons = module_with_lessons(
        home_page, bodies=[[xapi_activity_block(package=package, id="xapi-1")]], title="FSM quiz module"
    )
    learner = staff_member(first_name="Sam", last_name="Okafor")
    AssignmentFactory(module=module, people=[learner])
    enrolments_sync(today=timezone.localdate())
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, email="ld@oxfordshire.gov.uk")
    return {"learner": learner, "ld": ld}


def test_ld_record_a_module_completed_elsewhere_and_its_cmi5_parts_are_waived(
    live_server, page, sign_in, assigned
):
    sign_in(assigned["ld"])
    page.goto(f"{live_server.url}/admin/readiness/people/{assigned['learner'].pk}/")
    expect(page.get_by_role("heading", name="Record training completed elsewhere")).to_be_visible()
    form = page.locator("form", has=page.get_by_role("button", name="Continue"))
    form.get_by_label("Module").select_option(label="FSM quiz module")
    form.get_by_label("Date completed").fill(timezone.localdate().strftime("%d/%m/%Y"))
    form.get_by_role("radio", name="Passed an assessment instead of doing the training").check()
    form.get_by_label("Evidence").fill("Passed the council's FSM assessment on paper.")
    shot(page, "01-form")
    assert_accessible(page)
    form.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")

    expect(
        page.get_by_role("heading", name="Check before recording training completed elsewhere")
    ).to_be_visible()
    parts = page.get_by_role("table", name="Parts of cmi5 courses that will be recorded as waived (2)")
    expect(parts.get_by_role("row")).to_have_count(3)
    expect(page.get_by_text("(cmi5 reason: Tested Out)")).to_be_visible()
    shot(page, "02-check")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and record").focus()
    page.keyboard.press("Enter")

    expect(
        page.get_by_text("Training completed elsewhere recorded. 2 cmi5 course parts recorded as waived.")
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Every manual change to this record: who, when and why")
    ).to_contain_text("(Tested Out): Passed the council's FSM assessment on paper.")
    assert_accessible(page)
