"""Everyone finds their part, in Chromium: a host, a team manager, a director, a learner who
wanders into the admin, and an admin setting up their authenticator; axe on every page,
at desktop and phone widths. Screenshots go to /tmp/jnav-shots/ (JNAV_SHOTS_DIR)."""

import os
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from cms.people import roles
from cms.people.services import groups_ensure
from tests.cms.people.factories import UserFactory, staff_member
from tests.e2e.axe import assert_accessible
from tests.practiceweek.factories import PracticeWeekFactory, host_of, slot_at

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("JNAV_SHOTS_DIR", "/tmp/jnav-shots"))  # noqa: S108 - review screenshots
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 700}
PASSWORD = "correct-horse-battery-staple"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def open_menu_if_folded(page) -> None:
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("aria-expanded", "true")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE, NARROW], ids=["desktop", "390", "320"])
def test_a_host_finds_hosting_from_the_header_and_its_breadcrumb_leads_home(
    live_server, page, sign_in, home_page, viewport
):
    slot = slot_at(PracticeWeekFactory(name="Practice week January 2027"))
    host = sign_in(host_of(slot, first_name="Sam", last_name="Whitfield"))
    assert host
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    open_menu_if_folded(page)
    hosting = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Hosting")
    expect(hosting).to_be_visible()
    expect(page.get_by_role("link", name="Practice week", exact=True)).to_have_count(0)
    assert_accessible(page)
    hosting.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/practice-week/hosting/")
    expect(page.get_by_role("heading", name="Your practice week visitors")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    shot(page, f"host-hosting-{viewport['width']}")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link", name="Practice week")).to_have_count(0)
    page.get_by_role("link", name="Offer a slot for Practice week January 2027").click()
    expect(page.get_by_text("A day from ")).to_be_visible()
    assert_accessible(page)
    shot(page, f"host-propose-{viewport['width']}")
    crumbs.get_by_role("link", name="Hosting").click()
    expect(page).to_have_url(live_server.url + "/practice-week/hosting/")


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320"])
def test_a_team_manager_sees_my_team_and_the_teams_mi_practice(
    live_server, page, sign_in, home_page, viewport
):
    sign_in(staff_member(role=roles.TEAM_MANAGER))
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    open_menu_if_folded(page)
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="My team")).to_be_visible()
    expect(nav.get_by_role("link", name="Practice week")).to_have_count(0)
    assert_accessible(page)
    no_sideways_scroll(page)
    shot(page, f"manager-home-{viewport['width']}")
    page.get_by_role("link", name="Team MI practice").click()
    expect(page).to_have_url(live_server.url + "/learning/team/scenarios/")
    assert_accessible(page)
    no_sideways_scroll(page)
    shot(page, f"manager-team-mi-{viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320"])
def test_a_learner_who_opens_the_admin_is_told_where_to_go_not_looped(
    live_server, page, sign_in, home_page, viewport
):
    sign_in(staff_member(role=roles.SOCIAL_WORKER, email="jess.palmer@oxfordshire.gov.uk"))
    page.set_viewport_size(viewport)
    response = page.goto(live_server.url + "/admin/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to the admin")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    shot(page, f"learner-admin-refused-{viewport['width']}")
    page.get_by_role("main").get_by_role("link", name="My learning").click()
    expect(page).to_have_url(live_server.url + "/learning/")

    response = page.goto(live_server.url + "/learning/team/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot use this page")).to_be_visible()
    expect(page.get_by_text("My team is for line managers, team managers and L&D.")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    shot(page, f"learner-my-team-refused-{viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320"])
def test_a_director_opens_readiness_and_nothing_else_of_the_admin(
    live_server, page, sign_in, home_page, viewport
):
    groups_ensure()
    sign_in(staff_member(role=roles.LEADERSHIP, mfa=True, first_name="Grace", last_name="Whitmore"))
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    assert_accessible(page)
    no_sideways_scroll(page)
    shot(page, f"director-home-{viewport['width']}")
    page.get_by_role("main").get_by_role("link", name="Readiness").click()
    expect(page).to_have_url(live_server.url + "/admin/readiness/")
    expect(page.get_by_role("heading", name="Readiness", exact=False).first).to_be_visible()
    shot(page, f"director-readiness-{viewport['width']}")
    sidebar = page.locator("#wagtail-sidebar")
    for hidden in ("Pages", "Images", "Documents", "Snippets", "Settings"):
        expect(sidebar.get_by_role("link", name=hidden, exact=True)).to_have_count(0)


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["desktop", "320"])
def test_an_admin_sets_up_their_authenticator_straight_after_signing_in(
    live_server, page, context, home_page, viewport
):
    """No second password prompt; the setup key is whole, in groups, and copied by keyboard."""
    user = UserFactory(email="owen.matthews@oxfordshire.gov.uk", is_superuser=True, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    assert "/accounts/2fa/totp/activate/" in page.url
    key = page.locator("#authenticator_secret")
    secret = key.get_attribute("data-copy-value")
    assert key.inner_text().replace(" ", "").replace("\n", "") == secret
    box = key.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    assert_accessible(page)
    no_sideways_scroll(page)
    copy = page.get_by_role("button", name="Copy the setup key")
    copy.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Setup key copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    shot(page, f"mfa-setup-key-{viewport['width']}")


def test_the_beta_banner_offers_a_way_to_give_feedback(live_server, page, home_page):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/")
    link = page.get_by_role("link", name="Give your feedback")
    expect(link).to_have_attribute("href", "mailto:learning.development@oxfordshire.gov.uk")
    icon = page.locator('link[rel="icon"][type="image/svg+xml"]').get_attribute("href")
    assert page.request.get(live_server.url + icon).status == 200
    assert page.request.get(live_server.url + "/favicon.ico").status == 200
    assert_accessible(page)
    shot(page, "home-beta-banner")
