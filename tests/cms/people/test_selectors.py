"""Who sees whom: managers' teams and L&D (cms.people.selectors)."""

import pytest

from cms.people import roles
from cms.people.selectors import (
    agency_for_email,
    is_ld_lead,
    is_learning_and_development,
    is_senior_manager,
    is_team_manager,
    managed_teams,
    managed_users,
    manager_chain_reaches,
    staff_visible_to,
    team_members,
)
from tests.cms.people.factories import AgencyFactory, TeamFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def banbury():
    """A team manager with two social workers, a leaver, and a police officer seconded in."""
    team = TeamFactory(name="Family Safeguarding Team Banbury")
    manager = staff_member(role=roles.TEAM_MANAGER, team=team)
    workers = [staff_member(team=team, line_manager=manager) for _ in range(2)]
    leaver = staff_member(team=team, line_manager=manager, active=False)
    colleague_without_line = staff_member(team=team)
    return {
        "team": team,
        "manager": manager,
        "workers": workers,
        "leaver": leaver,
        "other": colleague_without_line,
    }


def test_team_manager_sees_active_members_of_their_own_team(banbury):
    """The Banbury manager sees everyone active in Banbury, even those another person line-manages."""
    members = {profile.user for profile in team_members(manager=banbury["manager"])}
    assert members == {*banbury["workers"], banbury["other"]}
    assert banbury["leaver"] not in members
    assert banbury["manager"] not in members


def test_manager_does_not_see_other_teams(banbury):
    other_team_person = staff_member(team=TeamFactory())
    assert other_team_person not in managed_users(user=banbury["manager"])


def test_line_manager_sees_the_teams_of_their_direct_reports():
    """A senior manager managing two team managers sees those managers' teams."""
    senior = staff_member(role=roles.SENIOR_MANAGER)
    witney, didcot = TeamFactory(), TeamFactory()
    tm_witney = staff_member(role=roles.TEAM_MANAGER, team=witney, line_manager=senior)
    tm_didcot = staff_member(role=roles.TEAM_MANAGER, team=didcot, line_manager=senior)
    worker = staff_member(team=witney, line_manager=tm_witney)
    assert set(managed_teams(user=senior)) == {witney, didcot}
    assert set(managed_users(user=senior)) == {tm_witney, tm_didcot, worker}


def test_direct_report_in_another_team_is_seen_but_not_their_whole_team():
    """A manager's own report seconded elsewhere is visible; the rest of that team is not,
    unless the report's team is counted (it is: the teams of direct reports)."""
    manager = staff_member(role=roles.TEAM_MANAGER)
    elsewhere = TeamFactory()
    report = staff_member(team=elsewhere, line_manager=manager)
    assert report in managed_users(user=manager)
    assert elsewhere in managed_teams(user=manager)


def test_a_social_worker_manages_nobody(banbury):
    worker = banbury["workers"][0]
    assert not managed_teams(user=worker).exists()
    assert not team_members(manager=worker).exists()
    assert not is_team_manager(user=worker)


def test_anonymous_user_manages_nobody():
    from django.contrib.auth.models import AnonymousUser

    assert not team_members(manager=AnonymousUser()).exists()
    assert not is_learning_and_development(user=AnonymousUser())


def test_team_members_query_count_does_not_grow_with_the_team(banbury, django_assert_max_num_queries):
    for _ in range(10):
        staff_member(team=banbury["team"])
    # Two: the managed teams' ids, then the people (as one nested query it planned badly).
    with django_assert_max_num_queries(2):
        rows = [(p.user.email, p.role.name, p.team.name) for p in team_members(manager=banbury["manager"])]
    assert len(rows) == 13


def test_role_checks():
    assert is_learning_and_development(user=staff_member(role=roles.LEARNING_AND_DEVELOPMENT))
    assert is_learning_and_development(user=UserFactory(is_superuser=True))
    assert not is_learning_and_development(user=staff_member(role=roles.TEAM_MANAGER))
    assert not is_learning_and_development(
        user=staff_member(role=roles.LEARNING_AND_DEVELOPMENT, active=False)
    )
    assert is_ld_lead(user=staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD))
    assert not is_ld_lead(user=staff_member(role=roles.LEARNING_AND_DEVELOPMENT))
    assert is_senior_manager(user=staff_member(role=roles.SENIOR_MANAGER))
    assert is_team_manager(user=staff_member(role=roles.TEAM_MANAGER))


def test_ld_see_everyone_active_and_managers_only_their_teams(banbury):
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT)
    outsider = staff_member()
    visible_to_ld = {profile.user for profile in staff_visible_to(user=ld)}
    assert {outsider, banbury["manager"], *banbury["workers"]} <= visible_to_ld
    assert banbury["leaver"] not in visible_to_ld
    assert outsider not in {profile.user for profile in staff_visible_to(user=banbury["manager"])}


def test_agency_for_email_matches_one_agency_by_domain():
    council = AgencyFactory(slug="occ", email_domain="oxfordshire.gov.uk")
    assert agency_for_email(email="Jo@OXFORDSHIRE.gov.uk") == council
    assert agency_for_email(email="not-an-email") is None


def test_manager_chain_reaches_finds_loops(banbury):
    worker = banbury["workers"][0]
    assert manager_chain_reaches(manager=worker, user=banbury["manager"])
    assert not manager_chain_reaches(manager=banbury["manager"], user=worker)
