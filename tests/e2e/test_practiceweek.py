"""A senior manager books, cancels and accepts a waitlist offer with the keyboard; axe on every page.

Screenshots of the week view, the slot page and the L&D grid go to /tmp/shots/h6/.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from practiceweek.models import Booking
from practiceweek.services import booking_cancel, booking_create
from tests.cms.people.factories import TeamFactory
from tests.e2e.axe import assert_accessible
from tests.practiceweek.factories import PracticeWeekFactory, host_of, ld_user, senior_manager, slot_at

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/h6"))  # noqa: S108 - where the lead collects screenshots


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def week(home_page):
    week = PracticeWeekFactory(name="Practice week December 2026")
    teams = [
        TeamFactory(name=f"Family Safeguarding Team {name}", locality=name)
        for name in ("Oxford City", "Banbury", "Witney")
    ]
    activities = ["home_visit", "group_supervision", "cp_conference", "team_meeting", "duty_desk"]
    for day in range(5):
        for index, team in enumerate(teams):
            slot = slot_at(
                week,
                day=day,
                hour=9 + index * 2,
                host_team=team,
                locality=team.locality,
                activity=activities[(day + index) % 5],
                capacity=1 + (day + index) % 3,
                description="Join the team for a morning of frontline practice.",
            )
            host_of(slot)
    return week


def tab_to(page, locator, *, limit: int = 80) -> None:
    """Press Tab until the locator has focus (proves it is reachable by keyboard)."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {locator} with the Tab key")


def test_a_senior_manager_books_cancels_and_accepts_an_offer(live_server, page, sign_in, week):
    manager = sign_in(senior_manager(first_name="Karen", last_name="Ross"))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(live_server.url + "/practice-week/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice week December 2026")
    assert_accessible(page)
    shot(page, "week-view")

    page.get_by_role("link", name="List").click()
    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Activity").select_option(label="Home visit")
    page.get_by_role("button", name="Apply filters").click()
    assert_accessible(page)
    first_link = page.locator("table a.govuk-link").first
    tab_to(page, first_link)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Home visit with")
    assert_accessible(page)
    shot(page, "slot-page")
    book = page.get_by_role("button", name="Book this slot")
    book.click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Accept the confidentiality agreement")
    assert_accessible(page)
    tab_to(page, page.get_by_label("I accept the confidentiality agreement"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Book this slot"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your place is confirmed", exact=False).first).to_be_visible()
    expect(page.get_by_text("Reception, Oxford City office")).to_be_visible()
    assert_accessible(page)
    shot(page, "slot-confirmed")

    tab_to(page, page.get_by_role("link", name="Cancel this booking"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your place")
    assert_accessible(page)
    tab_to(page, page.get_by_role("button", name="Yes, cancel"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice week bookings")
    expect(page.get_by_text("cancelled", exact=False).first).to_be_visible()
    assert_accessible(page)

    # A full slot: the manager joins its waitlist, then the holder cancels and the place is offered.
    full = slot_at(week, day=3, hour=16, capacity=1, activity="court")
    holder = senior_manager()
    held = booking_create(user=holder, slot_id=full.pk, agreed=True)
    page.goto(f"{live_server.url}/practice-week/slots/{full.pk}/")
    page.get_by_label("I accept the confidentiality agreement").check()
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_text("number 1 on the waitlist").first).to_be_visible()
    assert_accessible(page)
    booking_cancel(booking_id=held.pk, user=holder)

    page.goto(live_server.url + "/practice-week/my-bookings/")
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="Accept or decline the place on Court"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("A place is free for you")
    assert_accessible(page)
    tab_to(page, page.get_by_label("Accept the place"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Send my answer"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your place is confirmed", exact=False).first).to_be_visible()
    assert_accessible(page)
    assert Booking.objects.get(slot=full, user=manager).status == Booking.Status.CONFIRMED


def test_l_and_d_read_the_day_by_team_grid(live_server, page, sign_in, week):
    for slot in week.slots.all()[:6]:
        booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    sign_in(ld_user())
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/admin/practice-week/manage/weeks/{week.pk}/grid/")
    expect(page.get_by_role("heading", name="Fill by day and team")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Family Safeguarding Team Banbury")
    assert_accessible(page)
    shot(page, "ld-grid")
