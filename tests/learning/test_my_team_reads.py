"""My team's reads: a fixed number of queries, the team filter and role lines from one read of the people."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.people.roles import GROUP_TEAM_MANAGERS
from learning.services import enrolments_sync
from modules.models import ModulePage
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_teams(make_module, home_page):
    """A manager whose reports sit in Witney and Banbury, and one report HR has not placed."""
    manager = UserFactory(groups=[GROUP_TEAM_MANAGERS])
    witney, banbury = TeamFactory(name="Witney"), TeamFactory(name="Banbury")
    StaffProfileFactory(
        team=witney, line_manager=manager, user__first_name="Wren", job_title="Family practitioner"
    )
    StaffProfileFactory(team=banbury, line_manager=manager, user__first_name="Bea")
    unplaced = StaffProfileFactory(
        team=None, role=None, agency=None, line_manager=manager, user__first_name="Una", job_title=""
    )
    module = make_module("Structured parenting assessment")
    AssignmentFactory(
        module=module,
        teams=[witney, banbury],
        due_date=timezone.localdate() - timedelta(days=2),
        late_joiner_days=0,
    )
    AssignmentFactory(module=make_module("Motivational interviewing foundations"), people=[unplaced.user])
    enrolments_sync()
    return {"manager": manager, "witney": witney, "banbury": banbury}


def test_my_team_costs_a_fixed_number_of_queries(client, two_teams, django_assert_num_queries):
    """Pinned: the people (with their teams, job titles and roles) are read once; the team
    filter and each row's role line come from that read."""
    client.force_login(two_teams["manager"])
    client.get(reverse("learning:my_team"))  # first request creates site settings rows
    # 11: the frame's and the role checks' reads, the people, their assigned items, progress,
    # module titles, and the page's items in full (the teams and the page's profiles were two more).
    with django_assert_num_queries(11):
        response = client.get(reverse("learning:my_team"))
    assert response.status_code == 200


def test_team_filter_lists_each_team_once_by_name(client, two_teams):
    client.force_login(two_teams["manager"])
    response = client.get(reverse("learning:my_team"))
    teams = response.context["teams"]
    assert [(team.pk, team.name) for team in teams] == [
        (two_teams["banbury"].pk, "Banbury"),
        (two_teams["witney"].pk, "Witney"),
    ]
    filtered = client.get(reverse("learning:my_team"), {"team": two_teams["witney"].pk})
    assert filtered.context["selected_team"] == two_teams["witney"].pk
    assert [row.person.split()[0] for row in filtered.context["learning"].rows] == ["Wren"]


def test_role_lines_show_job_title_and_team_or_nothing_when_unplaced(client, two_teams):
    """Someone with a job title and team shows both; someone HR has not placed shows an empty line."""
    client.force_login(two_teams["manager"])
    text = client.get(reverse("learning:my_team")).text
    assert '<span class="govuk-body-s learning-team-table__role">Family practitioner, Witney</span>' in text
    assert '<span class="govuk-body-s learning-team-table__role">Social worker, Banbury</span>' in text
    una = text.index("Una ")
    assert text[una : text.index("</th>", una)].endswith(
        '<span class="govuk-body-s learning-team-table__role"></span>'
    )


def test_module_titles_come_from_the_cache_and_a_rename_shows_at_once(
    client, two_teams, site_caches, django_assert_max_num_queries
):
    """With production's caches the module titles (sorting, the module filter, each row) are
    read once per page tree generation; publishing a new title renews it, so My team shows it."""
    client.force_login(two_teams["manager"])
    client.get(reverse("learning:my_team"))
    # 6: the role checks, the people, their assigned items, progress and the page's items (the
    # module titles were a seventh); 3 with Redis, which keeps the list worked out (team_cache).
    with django_assert_max_num_queries(6):
        response = client.get(reverse("learning:my_team"))
    assert "Structured parenting assessment" in response.text
    module = ModulePage.objects.get(title="Structured parenting assessment")
    module.title = "Structured parenting assessment (2027)"
    module.save_revision().publish()
    text = client.get(reverse("learning:my_team")).text
    assert "Structured parenting assessment (2027)" in text
    assert text.count("Structured parenting assessment (2027)") >= 2  # the module filter and a row
