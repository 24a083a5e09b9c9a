"""My learning, My team, the calendar feed and reminders sent by managers: who may see what."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cms.core.models import MessageSent
from cms.people.roles import GROUP_LD_EDITORS, GROUP_TEAM_MANAGERS
from learning.models import Enrolment
from learning.services import enrolments_sync
from learning.views.assignments import calendar_token
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory

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


def _team_rows(response) -> list[tuple[str, str, str]]:
    return [
        (row.person.split()[0], row.module_title, row.status) for row in response.context["learning"].rows
    ]


def test_manager_sees_each_person_by_each_module_overdue_first(client, team_setup):
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"))
    assert response.status_code == 200
    rows = _team_rows(response)
    assert sorted(rows[:2]) == [
        ("Fran", "Structured parenting assessment", "overdue"),
        ("Lee", "Structured parenting assessment", "overdue"),
    ]
    assert sorted(rows[2:]) == [
        ("Fran", "Motivational interviewing foundations", "not_started"),
        ("Lee", "Motivational interviewing foundations", "not_started"),
    ]
    assert "Olu" not in response.text
    counts = response.context["learning"].status_counts
    assert counts == {"overdue": 2, "in_progress": 0, "not_started": 2, "completed": 0}


def test_my_team_filters_by_status_module_and_team(client, team_setup, make_module):
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"), {"status": "completed"})
    assert "No assigned learning matches these filters." in response.text
    response = client.get(reverse("learning:my_team"), {"status": "not_started"})
    assert {status for _name, _module, status in _team_rows(response)} == {"not_started"}
    module = (
        Enrolment.objects.filter(user=team_setup["late"], due_date__gt=timezone.localdate()).first().module
    )
    response = client.get(reverse("learning:my_team"), {"module": module.pk})
    assert {title for _name, title, _status in _team_rows(response)} == {module.title}
    team = team_setup["late"].profile.team
    response = client.get(reverse("learning:my_team"), {"team": team.pk})
    assert len(_team_rows(response)) == 4


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus", "team": "x"},
        {"module": "abc", "page": "-1"},
        {"page": "999"},
        {"page": "<script>"},
        {"team": "999999", "module": "999999"},
        {"module": "1 OR 1=1"},
    ],
)
def test_my_team_shrugs_off_bad_filters(client, team_setup, query):
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"), query)
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert "Olu" not in response.text


def test_a_team_view_of_another_managers_team_shows_nothing_of_it(client, team_setup):
    """A manager asking for a team that is not theirs gets their own teams, not that one."""
    other_team = team_setup["outsider"].profile.team
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"), {"team": other_team.pk})
    assert response.context["selected_team"] is None
    assert "Olu" not in response.text


def test_my_team_is_paged_by_the_database(team_setup):
    from cms.people.selectors import staff_visible_to
    from learning.selectors import team_learning

    profiles = staff_visible_to(user=team_setup["manager"])
    today = timezone.localdate()
    first = team_learning(profiles=profiles, today=today, per_page=3, page_number=1)
    second = team_learning(profiles=profiles, today=today, per_page=3, page_number=2)
    assert first.page.paginator.num_pages == 2
    assert [row.status for row in first.rows] == ["overdue", "overdue", "not_started"]
    assert [row.status for row in second.rows] == ["not_started"]
    beyond = team_learning(profiles=profiles, today=today, per_page=3, page_number="9")
    assert beyond.page.number == 2


def test_two_assignments_of_one_module_show_once_the_required_earliest(client, team_setup, make_module):
    """The same module assigned twice (optional, then required and sooner) is one row."""
    late = team_setup["late"]
    module = make_module("Confidentiality on home visits")
    today = timezone.localdate()
    AssignmentFactory(
        module=module, people=[late], required=False, due_date=today + timedelta(days=5), late_joiner_days=0
    )
    AssignmentFactory(
        module=module, people=[late], required=True, due_date=today + timedelta(days=50), late_joiner_days=0
    )
    AssignmentFactory(
        module=module, people=[late], required=True, due_date=today + timedelta(days=20), late_joiner_days=0
    )
    enrolments_sync()
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"), {"module": module.pk})
    rows = response.context["learning"].rows
    assert len(rows) == 1
    assert rows[0].required is True
    assert rows[0].due_date == today + timedelta(days=20)


def test_my_team_query_count_does_not_grow_with_the_team(client, team_setup, django_assert_max_num_queries):
    client.force_login(team_setup["manager"])
    client.get(reverse("learning:my_team"))  # first request creates site settings rows
    # 15: the frame asks whether the person hosts a practice-week slot (cached in production).
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("learning:my_team"))
    team = team_setup["late"].profile.team
    for n in range(30):
        StaffProfileFactory(team=team, line_manager=team_setup["manager"], user__first_name=f"New{n}")
    enrolments_sync()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("learning:my_team"))
    assert response.context["learning"].total == 64
    assert 'href="?page=2"' in response.text  # fifty to a page


def test_learners_cannot_open_my_team(client, team_setup):
    client.force_login(team_setup["fine"])
    assert client.get(reverse("learning:my_team")).status_code == 403


def test_ld_see_everyone(client, team_setup, make_module):
    outsider = team_setup["outsider"]
    AssignmentFactory(module=make_module("Other"), people=[outsider])
    enrolments_sync()
    client.force_login(UserFactory(groups=[GROUP_LD_EDITORS]))
    response = client.get(reverse("learning:my_team"))
    names = {name for name, _module, _status in _team_rows(response)}
    assert names == {"Lee", "Fran", "Olu"}


def test_manager_sends_a_reminder_once_a_day_per_item(client, team_setup, django_capture_on_commit_callbacks):
    client.force_login(team_setup["manager"])
    enrolment = Enrolment.objects.filter(user=team_setup["late"]).order_by("due_date").first()
    back = reverse("learning:my_team") + "?status=overdue&page=1"
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("learning:team_remind"), {"enrolment": enrolment.pk, "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert len(queued) == 1  # the email, handed to Celery once the log row commits
    assert MessageSent.objects.filter(kind="nudge", user=team_setup["late"]).count() == 1
    with django_capture_on_commit_callbacks() as queued_again:
        second = client.post(reverse("learning:team_remind"), {"enrolment": enrolment.pk}, follow=True)
    assert "already been reminded" in second.text
    assert queued_again == []


@pytest.mark.parametrize(
    "back", ["https://evil.example/learning/team/?x=1", "//evil.example/learning/team/?", "/admin/", ""]
)
def test_a_reminder_never_redirects_off_my_team(client, team_setup, back):
    client.force_login(team_setup["manager"])
    enrolment = Enrolment.objects.filter(user=team_setup["late"]).first()
    response = client.post(reverse("learning:team_remind"), {"enrolment": enrolment.pk, "next": back})
    assert response["Location"] == reverse("learning:my_team")


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


def test_my_team_rows_show_role_optional_due_date_and_reminder_forms(client, team_setup, make_module):
    """Each row: the person with job title and team, the module (marked optional), the due
    date, status, progress, and a reminder form with its CSRF token unless complete; names
    people typed are escaped."""
    late = team_setup["late"]
    late.first_name = "<b>Lee</b>"
    late.save()
    late.profile.job_title = "Family practitioner"
    late.profile.save()
    module = make_module("Confidentiality on home visits")
    AssignmentFactory(
        module=module, people=[late], required=False, due_date=date(2027, 1, 9), late_joiner_days=0
    )
    enrolments_sync()
    Enrolment.objects.filter(user=team_setup["fine"], module__title="Structured parenting assessment").update(
        completed_at=timezone.now()
    )
    client.force_login(team_setup["manager"])
    response = client.get(reverse("learning:my_team"), {"module": module.pk})
    text = response.text
    assert "&lt;b&gt;Lee&lt;/b&gt;" in text and "<b>Lee</b>" not in text
    assert (
        '<span class="govuk-body-s learning-team-table__role">'
        "Family practitioner, Oxford City Family Safeguarding</span>" in text
    )
    assert 'Confidentiality on home visits<span class="govuk-body-s"> (optional)</span>' in text
    assert '<td class="govuk-table__cell" data-label="Due">9 Jan 2027</td>' in text
    assert 'name="csrfmiddlewaretoken" value="' in text
    assert f'name="next" value="{reverse("learning:my_team")}?module={module.pk}"' in text
    assert 'Send a reminder<span class="govuk-visually-hidden"> to &lt;b&gt;Lee&lt;/b&gt;' in text

    complete = client.get(reverse("learning:my_team"), {"status": "completed"})
    assert [row.status for row in complete.context["learning"].rows] == ["completed"]
    assert "Send a reminder" not in complete.text
