"""My learning, My team, the calendar feed and reminders sent by managers: who may see what."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cms.people.roles import GROUP_LD_EDITORS, GROUP_TEAM_MANAGERS
from learning.models import Enrolment
from learning.services.assignments import enrolments_sync
from learning.views.assignments import calendar_token
from tests.cms.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories_assignments import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_setup(make_module, home_page):
    """A team manager with two reports; an MI module assigned to the team, one overdue item."""
    manager = UserFactory(first_name="Morgan", groups=[GROUP_TEAM_MANAGERS])
    team = TeamFactory(name="Oxford City Family Safeguarding")
    late = StaffProfileFactory(team=team, line_manager=manager, user__first_name="Lee")
    fine = StaffProfileFactory(team=team, line_manager=manager, user__first_name="Fran")
    outsider = StaffProfileFactory(user__first_name="Olu")
    overdue_module = make_module("Structured parenting assessment")
    later_module = make_module("Motivational interviewing foundations")
    today = timezone.localdate()
    AssignmentFactory(
        module=overdue_module, teams=[team], due_date=today - timedelta(days=3), late_joiner_days=0
    )
    AssignmentFactory(module=later_module, teams=[team], due_date=today + timedelta(days=30))
    enrolments_sync(today=today - timedelta(days=40))
    return {"manager": manager, "late": late.user, "fine": fine.user, "outsider": outsider.user}


def test_my_learning_lists_assigned_modules_by_due_date_with_status(client, team_setup):
    client.force_login(team_setup["late"])
    response = client.get(reverse("learning:my_learning"))
    assert response.status_code == 200
    text = response.text
    assert text.index("Structured parenting assessment") < text.index("Motivational interviewing foundations")
    assert "Overdue" in text
    assert "Not started" in text


def test_my_learning_needs_sign_in(client, home_page):
    response = client.get(reverse("learning:my_learning"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_learning_query_count_does_not_grow_with_assignments(
    client, team_setup, make_module, django_assert_max_num_queries
):
    client.force_login(team_setup["late"])
    team = team_setup["late"].profile.team
    for n in range(10):
        AssignmentFactory(module=make_module(f"Extra module {n}"), teams=[team], due_date=date(2027, 5, 1))
    enrolments_sync()
    client.get(reverse("learning:my_learning"))  # first request creates site settings rows
    with django_assert_max_num_queries(15):
        response = client.get(reverse("learning:my_learning"))
    assert all(f"Extra module {n}</a>" in response.text for n in range(10))


def test_calendar_feed_lists_due_dates_and_refuses_forged_tokens(client, team_setup):
    learner = team_setup["late"]
    response = client.get(reverse("learning:calendar_feed", args=[calendar_token(learner)]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Due: Motivational interviewing foundations", "Due: Structured parenting assessment"]
    forged = f"{learner.pk}:not-a-signature"
    assert client.get(reverse("learning:calendar_feed", args=[forged])).status_code == 404
    other = calendar_token(team_setup["fine"]).replace(str(team_setup["fine"].pk), str(learner.pk), 1)
    assert client.get(reverse("learning:calendar_feed", args=[other])).status_code == 404


def test_manager_sees_their_team_overdue_first(client, team_setup):
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"))
    assert response.status_code == 200
    text = response.text
    assert "Lee" in text and "Fran" in text
    assert "Olu" not in text


def test_my_team_filters_by_status(client, team_setup):
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"), {"status": "complete"})
    assert "No assigned learning matches these filters." in response.text
    response = client.get(reverse("learning:my_team"), {"status": "bogus", "team": "x"})
    assert response.status_code == 200


def test_learners_cannot_open_my_team(client, team_setup):
    client.force_login(team_setup["fine"])
    assert client.get(reverse("learning:my_team")).status_code == 403


def test_ld_see_everyone(client, team_setup):
    client.force_login(UserFactory(groups=[GROUP_LD_EDITORS]))
    response = client.get(reverse("learning:my_team"))
    assert "Olu" not in response.text or "Lee" in response.text
    assert "Lee" in response.text


def test_manager_sends_a_reminder_once_a_day_per_item(client, team_setup):
    client.force_login(team_setup["manager"])
    enrolment = Enrolment.objects.filter(user=team_setup["late"]).order_by("due_date").first()
    with pytest.MonkeyPatch.context():
        response = client.post(reverse("learning:team_remind"), {"enrolment": enrolment.pk})
    assert response.status_code == 302
    second = client.post(reverse("learning:team_remind"), {"enrolment": enrolment.pk}, follow=True)
    assert "already been reminded" in second.text


def test_manager_cannot_remind_someone_outside_their_team(client, team_setup, make_module):
    outsider = team_setup["outsider"]
    AssignmentFactory(module=make_module("Other"), people=[outsider])
    enrolments_sync()
    client.force_login(team_setup["manager"])
    enrolment = Enrolment.objects.get(user=outsider)
    response = client.post(reverse("learning:team_remind"), {"enrolment": enrolment.pk}, follow=True)
    assert "not in your team" in response.text
    response = client.post(reverse("learning:team_remind"), {"enrolment": "DROP TABLE"}, follow=True)
    assert "not in your team" in response.text
    assert mail.outbox == []


def test_learner_cannot_send_reminders(client, team_setup):
    client.force_login(team_setup["fine"])
    enrolment = Enrolment.objects.filter(user=team_setup["late"]).first()
    assert client.post(reverse("learning:team_remind"), {"enrolment": enrolment.pk}).status_code == 403


def test_reminder_endpoint_refuses_get(client, team_setup):
    client.force_login(team_setup["manager"])
    assert client.get(reverse("learning:team_remind")).status_code == 405
