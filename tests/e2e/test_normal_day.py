"""A normal day for each kind of person, in Chromium, at desktop and phone widths.

A learner works through their assigned module from My learning; a team manager chases an
overdue colleague and looks at the team's MI practice; a host checks who is coming and offers
another slot; a director reads readiness and opens a person's record; an L&D lead reviews a
submitted lesson and approves it. Every page is checked for what is on screen, axe clean, and
(on the site's own pages) reflows without sideways scrolling. Screenshots go to
/tmp/normal-day/ (NORMAL_DAY_SHOTS) for a person to look at.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Page

from cms.people import roles
from cms.people.services import groups_ensure
from learning.services import enrolments_sync
from practiceweek.models import Slot
from tests.cms.people.factories import TeamFactory, staff_member
from tests.e2e.axe import assert_accessible
from tests.e2e.test_readiness import rollout  # noqa: F401 - the director's day reads this rollout
from tests.learning.factories import AssignmentFactory
from tests.modules.factories import (
    knowledge_check_block,
    lesson_submitted_for_review,
    module_with_lessons,
    text_block,
)
from tests.practiceweek.factories import PracticeWeekFactory, booking_direct, host_of, senior_manager, slot_at

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("NORMAL_DAY_SHOTS", "/tmp/normal-day"))  # noqa: S108 - review screenshots
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 700}
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


# The elements that stick out past the right edge of the screen, described for the failure message.
WIDER_THAN_SCREEN = """() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
  [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join("."))"""


def look(page, name: str, viewport: dict, *, reflows: bool = True) -> None:
    """Axe clean, no sideways scrolling at this width, and a screenshot to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{viewport['width']}.png"), full_page=True)
    assert_accessible(page)
    if reflows:
        wide = page.evaluate(WIDER_THAN_SCREEN)
        assert not wide, f"{page.url} scrolls sideways at {viewport['width']} px: {wide}"


def press(locator, key: str = "Enter") -> None:
    locator.focus()
    locator.page.keyboard.press(key)


def menu_link(page, name: str):
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        press(menu)
        expect(menu).to_have_attribute("aria-expanded", "true")
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


@pytest.fixture
def assigned(home_page):
    """Lee's team has a module due in ten days; Morgan manages Lee and a colleague who is overdue."""
    team = TeamFactory(name="Banbury Family Safeguarding")
    manager = staff_member(role=roles.TEAM_MANAGER, team=team, first_name="Morgan", last_name="Reid")
    learner = staff_member(team=team, line_manager=manager, first_name="Lee", last_name="Ward")
    late = staff_member(team=team, line_manager=manager, first_name="Kit", last_name="Moss")
    module, lessons = module_with_lessons(
        home_page,
        title="Motivational interviewing foundations",
        bodies=[
            [text_block("<p>MI helps parents find their own reasons to change.</p>")],
            [text_block("<p>Open questions invite a story.</p>"), knowledge_check_block(id="kc-open")],
        ],
    )
    overdue, _ = module_with_lessons(
        home_page, title="Structured parenting assessment", bodies=[[text_block()]]
    )
    today = timezone.localdate()
    AssignmentFactory(module=module, teams=[team], due_date=today + timedelta(days=10))
    AssignmentFactory(module=overdue, people=[late], due_date=today - timedelta(days=3), late_joiner_days=0)
    enrolments_sync(today=today - timedelta(days=30))
    return {"learner": learner, "manager": manager, "late": late, "module": module, "lessons": lessons}


@SIZES
def test_a_learners_day_from_my_learning_to_a_finished_module(live_server, page, sign_in, assigned, viewport):
    sign_in(assigned["learner"])
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    press(menu_link(page, "My learning"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    todo = page.get_by_role("table", name="Learning to do, soonest due first")
    expect(todo.get_by_role("row").nth(1)).to_contain_text("Motivational interviewing foundations")
    expect(todo.get_by_role("row").nth(1)).to_contain_text("Not started")
    look(page, "learner-1-my-learning", viewport)

    press(todo.get_by_role("link", name=re.compile("Motivational interviewing foundations")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Motivational interviewing foundations")
    press(page.get_by_role("button", name=re.compile("Start the module")))
    first, second = assigned["lessons"]
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    look(page, "learner-2-first-lesson", viewport)
    press(page.get_by_role("button", name="Mark this lesson as done"))

    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "1")
    press(page.get_by_label("What would a good week look like?"), "Space")
    press(page.get_by_role("button", name=re.compile("Check my answer")))
    expect(page.get_by_text("You have completed this lesson.")).to_be_visible()
    expect(page.locator("#module-progress-bar")).to_have_attribute("value", "2")
    look(page, "learner-3-lesson-done", viewport)

    press(menu_link(page, "My learning"))
    expect(page.get_by_role("main")).to_contain_text("Motivational interviewing foundations")
    expect(page.get_by_role("main")).to_contain_text("Complete")
    look(page, "learner-4-my-learning-after", viewport)


@SIZES
def test_a_team_managers_day_chasing_overdue_learning(live_server, page, sign_in, assigned, viewport):
    sign_in(assigned["manager"])
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    press(menu_link(page, "My team"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("My team")
    table = page.get_by_role("table", name=re.compile("assigned items, overdue first"))
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text("Kit Moss")
    expect(first).to_contain_text("Overdue")
    look(page, "manager-1-my-team", viewport)

    press(
        page.get_by_role("button", name="Send a reminder to Kit Moss about Structured parenting assessment")
    )
    expect(
        page.get_by_text("Reminder sent to Kit Moss about Structured parenting assessment.")
    ).to_be_visible()
    look(page, "manager-2-reminder-sent", viewport)

    page.goto(live_server.url + "/")
    press(page.get_by_role("main").get_by_role("link", name="Team MI practice"))
    expect(page).to_have_url(live_server.url + "/learning/team/scenarios/")
    look(page, "manager-3-team-mi", viewport)


@SIZES
def test_a_hosts_day_seeing_who_is_coming_and_offering_a_slot(
    live_server, page, sign_in, home_page, viewport
):
    week = PracticeWeekFactory(name="Practice week January 2027")
    slot = slot_at(week, capacity=2)
    host = host_of(slot, first_name="Sam", last_name="Whitfield")
    booking_direct(slot=slot, user=senior_manager(first_name="Priya", last_name="Shah"))
    sign_in(host)
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    press(menu_link(page, "Hosting"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice week visitors")
    coming = page.get_by_role("table", name="Who is coming")
    expect(coming).to_contain_text("Priya Shah")
    expect(page.get_by_text("1 of 2 places taken.")).to_be_visible()
    look(page, "host-1-visitors", viewport)

    press(page.get_by_role("link", name=re.compile("^Details")))
    expect(page.get_by_role("main")).to_contain_text("Reception, Oxford City office")
    expect(page.get_by_role("main")).to_contain_text("Priya Shah")
    look(page, "host-2-slot", viewport)

    page.go_back()
    press(page.get_by_role("link", name="Offer a slot for Practice week January 2027"))
    day = week.starts_on + timedelta(days=1)
    page.get_by_label("Activity").select_option(label="Home visit")
    page.get_by_label("What the visitor will see and do").fill("A visit with the family's social worker.")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Start time").fill("13:30")
    page.get_by_label("End time").fill("15:00")
    page.get_by_label("Places").fill("1")
    page.get_by_label("Meeting point").fill("Banbury office reception")
    look(page, "host-3-offer", viewport)
    press(page.get_by_role("button", name=re.compile("Send|Offer|Propose")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice week visitors")
    expect(page.get_by_text("Awaiting L&D approval")).to_be_visible()
    assert Slot.objects.filter(status="proposed", meeting_point="Banbury office reception").exists()
    look(page, "host-4-offered", viewport)


@SIZES
def test_a_directors_day_reading_readiness(live_server, page, sign_in, rollout, viewport):  # noqa: F811
    groups_ensure()
    sign_in(staff_member(role=roles.LEADERSHIP, mfa=True, first_name="Grace", last_name="Whitmore"))
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    press(page.get_by_role("main").get_by_role("link", name="Readiness"))
    expect(page).to_have_url(live_server.url + "/admin/readiness/")
    expect(
        page.get_by_role("heading", name="Family Safeguarding rollout: 30% of required learning complete")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Completions over time (data for the chart)")).to_be_attached()
    look(page, "director-1-readiness", viewport, reflows=False)

    witney = rollout["witney"]
    overdue = page.get_by_role("table", name="People with overdue required learning")
    press(overdue.get_by_role("link", name=f"{witney.first_name} {witney.last_name}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Learning record: {witney}")
    look(page, "director-2-person", viewport, reflows=False)


@pytest.fixture
def submitted_lesson(site_home):
    return lesson_submitted_for_review(
        site_home,
        body=[
            text_block("<p>Fathers are part of the family plan.</p>"),
            knowledge_check_block(id="kc-fathers"),
        ],
        lesson_title="Bringing fathers in",
        editor_name="Alex",
        lead_name="Robin",
        title="Working with fathers",
    )


@SIZES
def test_an_ld_leads_day_reviewing_and_approving_a_lesson(
    live_server, page, sign_in, submitted_lesson, viewport
):
    lesson = submitted_lesson["lesson"]
    sign_in(submitted_lesson["lead"])
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/admin/")
    review = page.get_by_role("link", name=re.compile("Bringing fathers in")).first
    expect(review).to_be_visible()
    look(page, "ld-1-dashboard", viewport, reflows=False)

    press(review)
    expect(page).to_have_url(re.compile(reverse("wagtailadmin_pages:edit", args=[lesson.pk])))
    expect(page.get_by_text("Fathers are part of the family plan.").first).to_be_attached()
    approve = page.get_by_role("button", name="Approve and Publish", exact=True)
    if not approve.is_visible():
        press(page.get_by_role("button", name="More actions"))
    press(approve)
    expect(page.get_by_role("status")).to_contain_text("Page 'Bringing fathers in' has been updated.")
    expect(page.get_by_role("link", name="Current page status: live")).to_be_visible()
    published = Page.objects.get(pk=lesson.pk)
    assert (published.title, published.live, published.has_unpublished_changes) == (
        "Bringing fathers in",
        True,
        False,
    )
    look(page, "ld-2-approved", viewport, reflows=False)

    page.goto(live_server.url + "/admin/readiness/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Readiness")
    look(page, "ld-3-readiness", viewport, reflows=False)
