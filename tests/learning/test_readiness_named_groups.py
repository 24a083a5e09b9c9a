"""Readiness figures grouped by ids and named afterwards: people without a team, role or
agency, two teams of the same name, and the overdue list's names and order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learning.selectors import (
    BY_FIELDS,
    overdue_list,
    readiness_by,
    readiness_figures,
    readiness_grain,
    readiness_totals,
    team_module_heatmap,
)
from learning.services import enrolments_sync
from tests.cms.people.factories import StaffProfileFactory, TeamFactory
from tests.learning.factories import AssignmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(make_module, home_page):
    """One module, overdue, assigned by name to a person in a team, one with no team or role,
    and two people in two different teams that happen to share the name "Witney"."""
    today = timezone.localdate()
    programme = ProgrammeFactory(go_live_date=today + timedelta(days=90))
    banbury = TeamFactory(name="Banbury")
    in_team = StaffProfileFactory(team=banbury, user__last_name="Able")
    nowhere = StaffProfileFactory(team=None, role=None, agency=None, user__last_name="Baker")
    witneys = [
        StaffProfileFactory(team=TeamFactory(name="Witney"), user__last_name=name)
        for name in ("Cole", "Dunn")
    ]
    module = make_module("Structured parenting assessment")
    AssignmentFactory(
        programme=programme,
        module=module,
        people=[in_team.user, nowhere.user, *(p.user for p in witneys)],
        due_date=today - timedelta(days=5),
        late_joiner_days=0,
    )
    enrolments_sync(today=today - timedelta(days=30))
    return {"programme": programme, "today": today, "module": module, "nowhere": nowhere}


def test_people_without_a_team_or_role_are_counted_under_not_set(mixed):
    """A person HR has not yet placed in a team or role still counts towards readiness."""
    args = {"programme": mixed["programme"], "today": mixed["today"]}
    by_team = {row.label: (row.total, row.overdue) for row in readiness_by(by="team", **args)}
    by_role = {row.label: row.total for row in readiness_by(by="role", **args)}
    by_agency = {row.label: row.total for row in readiness_by(by="agency", **args)}
    assert by_team["Not set"] == (1, 1)
    assert by_role["Not set"] == 1 and sum(by_role.values()) == 4
    assert by_agency["Not set"] == 1 and sum(by_agency.values()) == 4
    heatmap = team_module_heatmap(**args)
    assert heatmap.cells[("No team", "Structured parenting assessment")].total == 1


def test_two_teams_of_one_name_are_one_row_as_before(mixed):
    """Grouping by team id and naming afterwards keeps the tables by name: two teams called
    Witney are one row of two people, as when the figures were grouped by the name itself."""
    rows = {row.label: row.total for row in readiness_by(by="team", **_args(mixed))}
    assert rows == {"Banbury": 1, "Not set": 1, "Witney": 2}


def test_overdue_list_names_each_person_and_module_in_due_order(mixed):
    """The overdue list names the person, their team (none for someone not placed) and the
    module; equal due dates are listed by surname, and the same on every read."""
    rows = overdue_list(**_args(mixed))
    assert [row["user__last_name"] for row in rows] == ["Able", "Baker", "Cole", "Dunn"]
    nowhere = next(row for row in rows if row["user_id"] == mixed["nowhere"].user_id)
    assert nowhere["user__profile__team__name"] is None
    assert nowhere["module__title"] == "Structured parenting assessment"
    assert nowhere["module_id"] == mixed["module"].pk
    assert nowhere["due_date"] == mixed["today"] - timedelta(days=5)
    assert [row["user_id"] for row in overdue_list(**_args(mixed), limit=2)] == [
        r["user_id"] for r in rows[:2]
    ]


def test_burn_up_starts_at_the_first_enrolment_date(mixed):
    """The burn-up's start comes from the grain's earliest enrolment, read back as a date."""
    figures = readiness_figures(**_args(mixed))
    assert figures.burn.start == mixed["today"] - timedelta(days=30)
    assert figures.totals.total == 4 and figures.totals.overdue == 4


def test_the_dashboards_one_pass_gives_each_table_as_its_own_roll_up_does(mixed):
    """The dashboard rolls the grain's rows up once, as the cursor gives them: its totals, its
    three groupings and its heatmap (two teams called Witney one cell, someone not placed under
    "No team") are those each table's own roll-up of the grain gives."""
    args = _args(mixed)
    figures = readiness_figures(**args)
    grain = readiness_grain(**args)
    assert figures.totals == readiness_totals(**args, grain=grain)
    assert figures.groupings == {by: readiness_by(by=by, **args, grain=grain) for by in BY_FIELDS}
    assert figures.heatmap == team_module_heatmap(**args, grain=grain)
    module = "Structured parenting assessment"
    assert {key: cell.total for key, cell in figures.heatmap.cells.items()} == {
        ("Banbury", module): 1,
        ("No team", module): 1,
        ("Witney", module): 2,
    }
    assert figures.burn.total == figures.totals.total == sum(row.total for row in grain)


def _args(mixed):
    return {"programme": mixed["programme"], "today": mixed["today"]}
