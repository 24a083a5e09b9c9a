"""Every page a learner meets reflows at 320 CSS px (WCAG 2.2 1.4.10): no sideways scrolling.

Sam, a social worker, walks home, My learning, the module list, a module, a lesson with an H5P
activity, an MI scenario from its start to its profile, a finished module with its certificate,
and search; Priya, a senior manager, walks practice week and her bookings. Each page at 320 px
wide: the document is no wider than the window, axe passes, and a screenshot is kept.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Site

from cms.core.seeding import SeedContext
from cms.pages.demo.seed import home_page_ensure, seed_pages
from learning.models import ModuleCompletion
from learning.services import enrolments_sync, lesson_mark_done
from practiceweek.services import booking_create
from tests.cms.people.factories import StaffProfileFactory, TeamFactory
from tests.e2e.axe import assert_accessible
from tests.e2e.test_h5p import player_loaded
from tests.learning.factories import AssignmentFactory
from tests.modules.factories import (
    h5p_activity_block,
    h5p_package_ready,
    knowledge_check_block,
    module_with_lessons,
    scenario_block,
    scenario_create,
    text_block,
)
from tests.practiceweek.factories import PracticeWeekFactory, host_of, senior_manager, slot_at

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SHOTS = Path("/tmp/jlearn-shots")  # noqa: S108 - screenshots for the reviewer
NARROW = {"width": 320, "height": 640}
LONG_TITLE = "Working with men who harm: the perpetrator programme and its impact on children"


@pytest.fixture
def learning():
    home = home_page_ensure()
    with open("/dev/null", "w") as devnull:
        seed_pages(SeedContext(stdout=devnull, password="unused-demo-password"))
    Site.clear_site_root_paths_cache()
    scenario = scenario_create(slug="dan")
    module, (lesson, _second) = module_with_lessons(
        home,
        bodies=[
            [
                text_block("<p>Motivational interviewing helps parents find their own reasons.</p>"),
                h5p_activity_block(package=h5p_package_ready(), heading="True or false?"),
                scenario_block(scenario),
                knowledge_check_block(),
            ],
            [text_block()],
        ],
        title="Motivational interviewing foundations",
    )
    finished, (reading,) = module_with_lessons(home, bodies=[[text_block()]], title=LONG_TITLE)
    team = TeamFactory(name="Banbury Family Safeguarding")
    sam = StaffProfileFactory(team=team, user__first_name="Sam", user__last_name="Okafor").user
    today = timezone.localdate()
    AssignmentFactory(module=module, teams=[team], due_date=today + timedelta(days=20))
    AssignmentFactory(module=finished, teams=[team], due_date=today - timedelta(days=3))
    enrolments_sync(today=today - timedelta(days=30))
    lesson_mark_done(user=sam, lesson=reading)
    return {"sam": sam, "module": module, "lesson": lesson, "finished": finished, "scenario": scenario}


def assert_reflows(page, name: str) -> None:
    """No sideways scrolling at this width; axe clean; a screenshot kept."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"reflow-{name}.png"), full_page=True)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    overflowing = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('main *')]
                .filter((element) => element.getBoundingClientRect().right > width + 1)
                .slice(0, 4).map((element) => `${element.tagName}.${element.className}`);
        }"""
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at 320px: {widths} {overflowing}"
    assert_accessible(page)


def test_every_learner_page_reflows_at_320_pixels(live_server, page, sign_in, learning):
    page.set_viewport_size(NARROW)
    sign_in(learning["sam"])
    visit = live_server.url

    page.goto(visit + "/")
    assert_reflows(page, "01-home")

    page.goto(visit + "/learning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.locator("#required-progress-bar-label")).to_have_text("Required modules: 50% complete")
    assert_reflows(page, "02-my-learning")
    # The module's link is reached and followed with the keyboard.
    link = page.get_by_role("link", name="Motivational interviewing foundations")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Motivational interviewing foundations")
    assert_reflows(page, "03-module")

    page.goto(visit + learning["module"].get_parent().url)
    assert_reflows(page, "04-module-list")

    page.goto(visit + learning["lesson"].url)
    player_loaded(page)
    assert_reflows(page, "05-lesson")

    page.goto(visit + "/learning/scenarios/")
    assert_reflows(page, "06-scenarios")
    # The scenario is opened from the lesson, so finishing it counts for the lesson.
    page.goto(visit + learning["lesson"].url)
    # The H5P player sizes its frame once it has loaded, moving what is below it: wait for that
    # first, so the click lands on the link rather than where the link was (once, under CI's load,
    # the click navigated nowhere).
    player_loaded(page)
    page.get_by_role("link", name=re.compile(r"Open the scenario")).click()
    page.wait_for_url(f"**/learning/scenarios/{learning['scenario'].slug}/?lesson=*")
    assert_reflows(page, "07-scenario-detail")
    page.get_by_role("button", name="Start the conversation").click()
    page.wait_for_url("**/learning/scenarios/attempts/*/")
    assert_reflows(page, "08-scenario-step")
    for _ in range(12):
        if "/profile/" in page.url:
            break
        page.get_by_role("radio").first.check()
        page.get_by_role("button", name="Say this").click()
        page.wait_for_load_state()
    expect(page.get_by_role("table", name="Your MI skills profile, against MITI thresholds")).to_be_visible()
    assert_reflows(page, "09-scenario-profile")
    # Back on the lesson, the finished scenario is marked done.
    page.goto(visit + learning["lesson"].url)
    scenario_block = page.locator(".lesson-block--mi_scenario")
    expect(scenario_block.get_by_text("You have completed this activity.")).to_be_visible()
    expect(page.locator(".lesson-block--h5p_activity [data-activity-done]")).to_be_hidden()
    assert_reflows(page, "09b-lesson-scenario-done")

    page.goto(visit + f"/learning/modules/{learning['finished'].pk}/complete/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Module complete")
    assert_reflows(page, "10-module-complete")
    code = ModuleCompletion.objects.get(module=learning["finished"]).certificate.code
    page.goto(visit + f"/certificates/verify/{code}/")
    assert_reflows(page, "11-certificate-verify")

    page.goto(visit + "/learning/search/?q=motivational")
    assert_reflows(page, "12-search")


def test_practice_week_pages_reflow_at_320_pixels(live_server, page, sign_in, home_page):
    """Priya, a senior manager, opens practice week, a slot and her bookings on her phone."""
    week = PracticeWeekFactory(name="Practice week July 2027")
    team = TeamFactory(name="Family Safeguarding Team Oxford City", locality="Oxford City")
    slot = slot_at(
        week,
        day=1,
        hour=9,
        host_team=team,
        locality="Oxford City",
        activity="cp_conference",
        capacity=2,
        description="Observe a child protection conference from the chair's side of the table.",
    )
    host_of(slot)
    other = slot_at(week, day=2, hour=13, host_team=team, locality="Oxford City", activity="home_visit")
    host_of(other)
    priya = senior_manager(first_name="Priya", last_name="Shah")
    booking_create(user=priya, slot_id=slot.pk, agreed=True)
    page.set_viewport_size(NARROW)
    sign_in(priya)

    page.goto(live_server.url + "/practice-week/")
    assert_reflows(page, "13-practice-week")
    page.goto(live_server.url + f"/practice-week/slots/{other.pk}/")
    assert_reflows(page, "14-slot")
    page.goto(live_server.url + "/practice-week/my-bookings/")
    assert_reflows(page, "15-my-bookings")
    page.goto(live_server.url + "/learning/")
    assert_reflows(page, "16-senior-my-learning")
