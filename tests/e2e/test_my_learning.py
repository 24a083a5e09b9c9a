"""A learner reads My learning, and their manager sends a reminder from My team, by keyboard."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.people.roles import GROUP_TEAM_MANAGERS
from learning.services import enrolments_sync
from modules.models import ModuleIndexPage, ModulePage
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.e2e.axe import assert_accessible
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(home_page):
    index = ModuleIndexPage(title="Training modules", slug="modules")
    home_page.add_child(instance=index)
    overdue = ModulePage(
        title="Structured parenting assessment", slug="spa", summary="How to assess parenting."
    )
    later = ModulePage(title="Motivational interviewing foundations", slug="mi", summary="The spirit of MI.")
    index.add_child(instance=overdue)
    index.add_child(instance=later)
    manager = UserFactory(first_name="Morgan", last_name="Reid", groups=[GROUP_TEAM_MANAGERS])
    group = TeamFactory(name="Banbury Family Safeguarding")
    learner = StaffProfileFactory(
        team=group, line_manager=manager, user__first_name="Lee", user__last_name="Ward"
    ).user
    today = timezone.localdate()
    AssignmentFactory(module=overdue, teams=[group], due_date=today - timedelta(days=2), late_joiner_days=0)
    AssignmentFactory(module=later, teams=[group], due_date=today + timedelta(days=40))
    enrolments_sync(today=today - timedelta(days=30))
    return {"manager": manager, "learner": learner}


def test_learner_sees_what_is_due_and_overdue(live_server, page, sign_in, team):
    sign_in(team["learner"])
    page.goto(live_server.url + "/learning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    rows = page.get_by_role("table", name="Learning to do, soonest due first").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Structured parenting assessment")
    expect(rows.nth(1)).to_contain_text("Overdue")
    expect(rows.nth(2)).to_contain_text("Not started")
    assert_accessible(page)


def test_manager_sends_a_reminder_with_the_keyboard(live_server, page, sign_in, team):
    sign_in(team["manager"])
    page.goto(live_server.url + "/learning/team/")
    table = page.get_by_role("table", name="2 assigned items, overdue first")
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text("Lee Ward")
    expect(first).to_contain_text("Overdue")
    Path("/tmp/shots/learning").mkdir(parents=True, exist_ok=True)  # noqa: S108 - review screenshots
    page.screenshot(path="/tmp/shots/learning/my-team.png", full_page=True)  # noqa: S108
    assert_accessible(page)
    button = page.get_by_role(
        "button", name="Send a reminder to Lee Ward about Structured parenting assessment"
    )
    button.focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Reminder sent to Lee Ward about Structured parenting assessment.")
    ).to_be_visible()
    assert_accessible(page)
