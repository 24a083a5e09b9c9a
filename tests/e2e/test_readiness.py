"""L&D read readiness in the admin, by keyboard: figures, chart with its table, heatmap, drill-down."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.people import roles
from learning.models import ModuleCompletion
from learning.services import enrolments_sync
from modules.models import ModuleIndexPage, ModulePage
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, staff_member
from tests.e2e.axe import assert_accessible
from tests.learning.factories import AssignmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/shots/readiness"))  # noqa: S108 - review screenshots


def shot(page, name: str) -> None:
    """The admin scrolls inside its own frame, so the window is made tall enough for the page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 2600})
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


@pytest.fixture
def rollout(home_page):
    today = timezone.localdate()
    index = ModuleIndexPage(title="Training modules", slug="modules")
    home_page.add_child(instance=index)
    modules = []
    for title, slug in (
        ("Motivational interviewing foundations", "mi"),
        ("Family Safeguarding Model", "fsm"),
    ):
        module = ModulePage(title=title, slug=slug, summary="Assigned for go-live.")
        index.add_child(instance=module)
        modules.append(module)
    programme = ProgrammeFactory(name="Family Safeguarding rollout", go_live_date=today + timedelta(days=120))
    banbury, witney = TeamFactory(name="Banbury"), TeamFactory(name="Witney")
    people = [StaffProfileFactory(team=banbury, user__last_name=f"Banbury{n}") for n in range(3)]
    people += [StaffProfileFactory(team=witney, user__last_name=f"Witney{n}") for n in range(2)]
    for module, due in zip(modules, (-5, 30), strict=True):
        AssignmentFactory(
            programme=programme,
            module=module,
            teams=[banbury, witney],
            due_date=today + timedelta(days=due),
            late_joiner_days=0,
        )
    enrolments_sync(today=today - timedelta(days=40))
    for profile, days_ago in zip(people[:3], (21, 9, 2), strict=True):
        ModuleCompletion.objects.create(
            user=profile.user, module=modules[0], completed_at=timezone.now() - timedelta(days=days_ago)
        )
    enrolments_sync(today=today)
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, email="ld@oxfordshire.gov.uk")
    return {"ld": ld, "witney": people[3].user}


def test_ld_read_readiness_and_drill_down_to_a_person_by_keyboard(live_server, page, sign_in, rollout):
    sign_in(rollout["ld"])
    page.goto(live_server.url + "/admin/readiness/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Readiness")
    expect(
        page.get_by_role("heading", name="Family Safeguarding rollout: 30% of required learning complete")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Burn-up of completed required learning")).to_be_visible()
    burn_table = page.get_by_role("table", name="Completions over time (data for the chart)")
    expect(burn_table.get_by_role("row")).to_have_count(4)  # header and three days with completions
    heatmap = page.get_by_role("table", name="Percentage of each team complete in each module")
    expect(heatmap.get_by_role("row", name="Witney")).to_contain_text("0% (2)")
    expect(page.get_by_text("Figures as of")).to_be_visible()
    shot(page, "01-dashboard")
    assert_accessible(page)

    witney = rollout["witney"]
    link = page.get_by_role("table", name="People with overdue required learning").get_by_role(
        "link", name=f"{witney.first_name} {witney.last_name}"
    )
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Learning record: {witney}")
    shot(page, "02-person")
    assert_accessible(page)
