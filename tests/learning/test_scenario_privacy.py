"""Who may see what: individual runs are the learner's alone; team figures only for five or more."""

import pytest
from django.urls import reverse

from learning.models import ScenarioAttempt
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import ScenarioAttemptFactory
from tests.modules.factories import scenario_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return scenario_create(slug="dan")


@pytest.fixture
def team():
    return TeamFactory(name="Oxford North FST")


@pytest.fixture
def manager(team):
    user = UserFactory(groups=["Staff", "Team managers"])
    StaffProfileFactory(user=user, team=team, role__slug="team-manager", role__name="Team manager")
    return user


@pytest.fixture
def ld_user():
    return UserFactory(groups=["Staff", "L&D editors"])


@pytest.fixture
def learner(team, manager):
    user = UserFactory()
    StaffProfileFactory(user=user, team=team, line_manager=manager)
    return user


@pytest.fixture
def attempt(learner, scenario):
    from learning.services import scenario_attempt_start

    return scenario_attempt_start(user=learner, scenario=scenario)


def _attempt_urls(attempt):
    return [
        ("get", reverse("learning:scenario_attempt", args=[attempt.pk])),
        ("get", reverse("learning:scenario_result", args=[attempt.pk])),
        ("post", reverse("learning:scenario_respond", args=[attempt.pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, scenario, attempt):
    urls = [
        ("get", reverse("learning:scenario_list")),
        ("get", reverse("learning:scenario_detail", args=[scenario.slug])),
        ("post", reverse("learning:scenario_start", args=[scenario.slug])),
        ("get", reverse("learning:scenario_progress", args=[scenario.slug])),
        ("get", reverse("learning:scenario_team")),
        *_attempt_urls(attempt),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("who", ["other learner", "manager", "L&D", "superuser"])
def test_nobody_but_the_learner_can_open_or_answer_a_run(client, attempt, who, manager, ld_user):
    """Individual runs stay private: the learner's own manager and L&D get a 404, as does anyone else."""
    viewer = {
        "other learner": UserFactory(),
        "manager": manager,
        "L&D": ld_user,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }[who]
    client.force_login(viewer)
    for method, url in _attempt_urls(attempt):
        response = getattr(client, method)(url, {"step": 0, "response": "x"} if method == "post" else None)
        assert response.status_code == 404, (who, url)
    attempt.refresh_from_db()
    assert attempt.step_count == 0


def test_the_learner_can_open_their_own_run(client, attempt, learner):
    client.force_login(learner)
    assert client.get(reverse("learning:scenario_attempt", args=[attempt.pk])).status_code == 200


def test_a_learners_profile_over_attempts_shows_only_their_own(client, scenario, learner):
    ScenarioAttemptFactory(user=learner, scenario=scenario)
    ScenarioAttemptFactory(scenario=scenario)  # someone else's
    client.force_login(learner)
    page = client.get(reverse("learning:scenario_progress", args=[scenario.slug]))
    assert page.text.count('scope="row"') == 1


def test_learners_cannot_see_team_figures(client, learner):
    client.force_login(learner)
    assert client.get(reverse("learning:scenario_team")).status_code == 403


def _team_of(size: int, *, team, manager, scenario):
    for _ in range(size):
        profile = StaffProfileFactory(team=team, line_manager=manager)
        ScenarioAttemptFactory(user=profile.user, scenario=scenario)


def test_team_figures_are_hidden_for_four_learners(client, team, manager, scenario):
    _team_of(4, team=team, manager=manager, scenario=scenario)
    client.force_login(manager)
    page = client.get(reverse("learning:scenario_team"))
    assert page.status_code == 200
    assert "Hidden: fewer than 5 learners have finished" in page.text
    assert "2.0 : 1" not in page.text


def test_team_figures_are_shown_for_five_learners(client, team, manager, scenario):
    """Five learners, each 2 reflections (1 complex), 1 question, 3 of 4 consistent: pooled 10:5 = 2.0 : 1."""
    _team_of(5, team=team, manager=manager, scenario=scenario)
    client.force_login(manager)
    page = client.get(reverse("learning:scenario_team"))
    assert "Hidden" not in page.text
    assert "2.0 : 1 (10 reflections, 5 questions)" in page.text
    assert "50% (5 of 10 reflections)" in page.text
    assert "75% (15 of 20 responses)" in page.text


def test_each_learner_counts_once_by_their_latest_run(client, team, manager, scenario):
    """Four learners with two runs each are still four learners: hidden."""
    for _ in range(4):
        profile = StaffProfileFactory(team=team, line_manager=manager)
        ScenarioAttemptFactory(user=profile.user, scenario=scenario)
        ScenarioAttemptFactory(user=profile.user, scenario=scenario, questions=0)
    client.force_login(manager)
    assert "Hidden: fewer than 5" in client.get(reverse("learning:scenario_team")).text


def test_runs_in_progress_do_not_count(client, team, manager, scenario):
    _team_of(4, team=team, manager=manager, scenario=scenario)
    profile = StaffProfileFactory(team=team, line_manager=manager)
    ScenarioAttemptFactory(user=profile.user, scenario=scenario, status=ScenarioAttempt.Status.IN_PROGRESS)
    client.force_login(manager)
    assert "Hidden: fewer than 5" in client.get(reverse("learning:scenario_team")).text


def test_a_manager_sees_only_their_own_teams(client, manager, scenario):
    other_team = TeamFactory(name="Banbury FST")
    _team_of(5, team=other_team, manager=UserFactory(), scenario=scenario)
    client.force_login(manager)
    page = client.get(reverse("learning:scenario_team"))
    assert "Banbury FST" not in page.text
    assert "No learner in your teams has finished a scenario yet." in page.text


def test_learning_and_development_see_every_team(client, ld_user, team, manager, scenario):
    other_team = TeamFactory(name="Banbury FST")
    _team_of(5, team=other_team, manager=UserFactory(), scenario=scenario)
    _team_of(2, team=team, manager=manager, scenario=scenario)
    client.force_login(ld_user)
    page = client.get(reverse("learning:scenario_team"))
    assert "Banbury FST" in page.text and "Oxford North FST" in page.text
    assert page.text.count("Hidden: fewer than 5") == 1


def test_team_figures_take_few_queries(
    client, ld_user, team, manager, scenario, django_assert_max_num_queries
):
    """Two queries for the figures however many teams; the rest is the site's header and user bar."""
    _team_of(6, team=team, manager=manager, scenario=scenario)
    _team_of(5, team=TeamFactory(), manager=UserFactory(), scenario=scenario)
    client.force_login(ld_user)
    client.get(reverse("learning:scenario_team"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("learning:scenario_team")).status_code == 200


def test_only_managers_and_ld_are_pointed_to_team_figures(client, learner, manager, ld_user):
    team_url = reverse("learning:scenario_team")
    for user, shown in [(learner, False), (manager, True), (ld_user, True)]:
        client.force_login(user)
        assert (team_url in client.get(reverse("learning:scenario_list")).text) is shown
