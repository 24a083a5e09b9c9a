"""A visitor reaches the home page and the footer's pages with a keyboard, axe clean."""

import pytest
from playwright.sync_api import expect

from cms.core.seeding import SeedContext
from cms.pages.demo.seed import home_page_ensure, seed_pages
from tests.e2e.axe import assert_accessible

# serialized_rollback: keep the Wagtail root page and locale that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def seeded():
    """The home page and the footer's pages, as seed_demo creates them."""
    home_page_ensure()
    with open("/dev/null", "w") as devnull:
        seed_pages(SeedContext(stdout=devnull, password="unused-demo-password"))


def test_visitor_skips_to_content_and_opens_the_accessibility_statement(live_server, page, seeded):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    assert_accessible(page)
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family Safeguarding Learning")
