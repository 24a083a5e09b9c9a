"""The site's frame in a browser: keyboard-only use of header and footer, the mobile menu, axe.

At desktop (1280px) and phone (375px) widths, as a visitor and as a signed-in
learner. Sections other apps build are stood in for (tests/cms/core/layout_urls.py).
"""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from cms.core.seeding import SeedContext
from cms.pages.demo.seed import home_page_ensure, seed_pages
from tests.cms.people.factories import UserFactory
from tests.e2e.axe import assert_accessible

# serialized_rollback: the flush after each test would otherwise take the Wagtail root
# page and locale that migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
MAX_TABS = 40


@pytest.fixture
def site(settings):
    settings.ROOT_URLCONF = "tests.cms.core.layout_urls"
    home_page_ensure()
    with open("/dev/null", "w") as devnull:
        seed_pages(SeedContext(stdout=devnull, password="unused-demo-password"))


def session_cookie(user, url):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}


def tab_to(page, name: str) -> None:
    """Press Tab until the link or button called `name` has focus (bounded)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if focused == name:
            return
    raise AssertionError(f"{name!r} was not reached with {MAX_TABS} presses of Tab")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_visitor_uses_header_and_footer_with_the_keyboard(live_server, page, site, viewport):
    """A visitor tabs to the skip link, then through the header to sign in, and to the footer's pages."""
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/#main-content")

    page.goto(live_server.url + "/")
    tab_to(page, "Oxfordshire County Council")
    tab_to(page, "Sign in")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in")).to_be_focused()

    tab_to(page, "Cookies")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cookies")
    assert_accessible(page)
    tab_to(page, "Privacy notice")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    assert_accessible(page)


def test_learner_opens_the_phone_menu_with_the_keyboard(live_server, page, site, context):
    """On a phone the sections fold behind a Menu button, which the keyboard opens."""
    learner = UserFactory(groups=["Staff"])
    context.add_cookies([session_cookie(learner, live_server.url)])
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    header_links = page.get_by_role("navigation", name="Menu")
    expect(header_links.get_by_role("link", name="My learning")).to_be_hidden()
    assert_accessible(page)

    tab_to(page, "Menu")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(header_links.get_by_role("link", name="My learning")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "My learning")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/learning/")
    assert_accessible(page)

    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    expect(page.get_by_role("link", name="My team")).to_have_count(0)


def test_learner_at_desktop_sees_sections_in_the_header_and_next_steps(live_server, page, site, context):
    learner = UserFactory(groups=["Staff"])
    context.add_cookies([session_cookie(learner, live_server.url)])
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="My learning")).to_be_visible()
    expect(menu.get_by_role("link", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", name="Where to go next")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "My learning")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/learning/")
    expect(menu.get_by_role("link", name="My learning")).to_have_attribute("aria-current", "true")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_menu_works_without_javascript(live_server, browser, site, viewport):
    """With JavaScript off (or failed), every section link is shown; nothing is locked away."""
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    try:
        manager = UserFactory(groups=["Staff", "Team managers"])
        context.add_cookies([session_cookie(manager, live_server.url)])
        page = context.new_page()
        page.goto(live_server.url + "/")
        expect(page.get_by_role("button", name="Menu")).to_have_count(0)
        menu = page.get_by_role("navigation", name="Menu")
        for name in ("My learning", "My team", "Sign out"):
            expect(menu.get_by_role("link", name=name)).to_be_visible()
        tab_to(page, "My team")
        page.keyboard.press("Enter")
        expect(page).to_have_url(live_server.url + "/learning/team/")
    finally:
        context.close()


def test_missing_page_is_designed_and_accessible(live_server, page, site):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
