"""Browser journey: an L&D editor watches an uploaded H5P package turn from Processing to Ready
in the package list and on its page, without reloading; the change is announced politely."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from cms.people import roles
from cms.people.services import groups_ensure
from modules.h5p.demo import demo_package_bytes
from modules.h5p.kind import H5P_KIND
from modules.packages.services import package_create, package_version_extract
from tests.cms.people.factories import staff_member
from tests.e2e.axe import assert_accessible

# serialized_rollback: the flush after each test would otherwise take the root collection and
# page that migrations create, which later tests (image uploads) rely on.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path("/tmp/jlearn-shots")  # noqa: S108 - screenshots for the reviewer


@pytest.fixture
def processing(settings, tmp_path):
    """An upload waiting for the worker (none runs here: the test unpacks it when it chooses)."""
    settings.MEDIA_ROOT = tmp_path
    groups_ensure()
    return package_create(
        kind=H5P_KIND,
        title="Check your understanding",
        upload=ContentFile(demo_package_bytes(), name="demo.h5p"),
    )


def test_the_package_list_shows_ready_without_a_reload(live_server, page, sign_in, processing):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    page.goto(live_server.url + reverse("wagtailsnippets_modules_h5ppackage:list"))
    status = page.locator(f'[data-h5p-package-status="{processing.package_id}"]')
    expect(status).to_have_text("Processing")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "h5p-status-01-processing.png"))
    page.evaluate("window.__loads = (window.__loads || 0) + 1")

    package_version_extract(kind=H5P_KIND, version_id=processing.pk)

    expect(status).to_have_text("Ready", timeout=15_000)
    expect(page.locator("[data-h5p-status-announcer]")).to_have_text("Check your understanding: Ready.")
    assert page.evaluate("window.__loads") == 1, "the page was reloaded"
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "h5p-status-02-ready.png"))


def test_the_package_page_shows_ready_and_offers_the_details(live_server, page, sign_in, processing):
    sign_in(staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    page.goto(
        live_server.url + reverse("wagtailsnippets_modules_h5ppackage:edit", args=[processing.package_id])
    )
    expect(page.get_by_role("progressbar", name="Extraction progress")).to_be_visible()
    page.get_by_role("textbox", name="Title").fill("Checking what I typed is kept")

    package_version_extract(kind=H5P_KIND, version_id=processing.pk)

    details = page.get_by_role("link", name="Show the details")
    expect(details).to_be_visible(timeout=15_000)
    expect(page.get_by_role("textbox", name="Title")).to_have_value("Checking what I typed is kept")
    expect(page.get_by_role("progressbar", name="Extraction progress")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "h5p-status-03-package-page.png"))
    details.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("files", exact=False).first).to_be_visible()
