"""The same module assigned twice to one person (audiences that overlap) is one piece of learning:
one row in My learning, one calendar event and one export row, required if either assignment
requires it, due by the earliest required date, with every assigning programme as the reason."""

import csv
import io
from datetime import date

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.urls import reverse
from icalendar import Calendar

from cms.people.roles import GROUP_LD_EDITORS
from learning.selectors import AssignmentShare, enrolment_terms
from learning.services import enrolments_sync
from learning.views.assignments import calendar_token
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

ROLLOUT_DUE = date(2027, 3, 31)
INDUCTION_DUE = date(2027, 2, 15)


def test_terms_take_any_requirement_and_the_earliest_required_date():
    terms = enrolment_terms(
        [
            AssignmentShare(required=False, due_date=date(2027, 1, 1), programme="Refresher"),
            AssignmentShare(required=True, due_date=date(2027, 3, 31), programme="Rollout"),
            AssignmentShare(required=True, due_date=date(2027, 2, 15), programme="Induction"),
            AssignmentShare(required=True, due_date=date(2027, 4, 1), programme="Rollout"),
        ]
    )
    assert terms.required is True
    assert terms.due_date == date(2027, 2, 15), "an optional assignment's earlier date does not bind"
    assert terms.reasons == ("Induction", "Rollout", "Refresher (optional)")


def test_optional_only_learning_stays_optional_with_its_earliest_date():
    terms = enrolment_terms(
        [
            AssignmentShare(required=False, due_date=date(2027, 5, 1), programme="Refresher"),
            AssignmentShare(required=False, due_date=date(2027, 4, 1), programme="Wellbeing"),
        ]
    )
    assert (terms.required, terms.due_date) == (False, date(2027, 4, 1))


@pytest.fixture
def overlap(make_module):
    """Lee is in the Banbury team (the rollout assigns the module to the team, required, due
    31 March) and is a new starter named on the induction (required, due 15 February)."""
    module = make_module("Motivational interviewing foundations")
    team = TeamFactory(name="Banbury Family Safeguarding")
    lee = StaffProfileFactory(team=team, user__first_name="Lee", user__last_name="Ward").user
    rollout = ProgrammeFactory(name="Family Safeguarding rollout", slug="rollout")
    induction = ProgrammeFactory(name="Induction", slug="induction")
    AssignmentFactory(programme=rollout, module=module, teams=[team], due_date=ROLLOUT_DUE)
    AssignmentFactory(programme=induction, module=module, people=[lee], due_date=INDUCTION_DUE)
    enrolments_sync(today=date(2026, 11, 1))
    assert lee.enrolments.count() == 2
    return {"lee": lee, "module": module, "rollout": rollout}


def test_my_learning_shows_one_row_with_the_earliest_date_and_both_reasons(
    client, overlap, django_assert_max_num_queries
):
    client.force_login(overlap["lee"])
    client.get(reverse("learning:my_learning"))  # first request creates site settings rows
    with django_assert_max_num_queries(15):
        response = client.get(reverse("learning:my_learning"))
    (item,) = response.context["to_do"]
    assert item.due_date == INDUCTION_DUE
    assert item.required is True
    assert item.reasons == ("Induction", "Family Safeguarding rollout")
    assert response.text.count("Motivational interviewing foundations</a>") == 1
    assert "Assigned through Induction, Family Safeguarding rollout" in response.text
    assert response.context["required_count"] == 1


def test_the_calendar_has_one_event_on_the_earliest_date(client, overlap):
    response = client.get(reverse("learning:calendar_feed", args=[calendar_token(overlap["lee"])]))
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["dtstart"].dt == INDUCTION_DUE
    assert str(event["summary"]) == "Due: Motivational interviewing foundations"
    assert "Induction, Family Safeguarding rollout" in str(event["description"])
    assert str(event["uid"]) == f"learning-{overlap['lee'].pk}-{overlap['module'].pk}@fsm-learning"


def test_the_matrix_export_has_one_row_per_person_and_module(client, overlap):
    """Exports are per programme: the rollout also names Lee on a second, earlier assignment of
    the same module; the rollout's export has one row for Lee, due by the earlier date."""
    AssignmentFactory(
        programme=overlap["rollout"],
        module=overlap["module"],
        people=[overlap["lee"]],
        due_date=date(2027, 2, 1),
    )
    enrolments_sync(today=date(2026, 11, 1))
    l_and_d = UserFactory(groups=[GROUP_LD_EDITORS])
    Authenticator.objects.create(user=l_and_d, type=Authenticator.Type.TOTP, data={"secret": "x"})
    l_and_d.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(l_and_d)
    url = reverse("learning_readiness_export", args=["matrix", "csv"])
    response = client.get(url, {"programme": overlap["rollout"].pk})
    header, *body = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header[-1] == "Assigned through"
    (row,) = body
    assert row[0] == "Lee Ward"
    assert (row[5], row[6], row[7]) == ("Motivational interviewing foundations", "Yes", "2027-02-01")
    assert row[-1] == "Family Safeguarding rollout"


def test_a_module_assigned_twice_is_chased_once(overlap):
    """Three days before the rollout's date Lee is already past the induction's: one overdue
    reminder for the module, not an overdue one and a due-soon one."""
    from learning.services import reminder_keys_for

    plans = reminder_keys_for(today=date(2027, 3, 28))
    mine = [plan.key for plan in plans if plan.user_id == overlap["lee"].pk]
    assert len(mine) == 1, mine
    assert mine[0].startswith("overdue:")
    assert ":2027-02-15:" in mine[0]


def test_readiness_counts_the_person_once_overdue_by_the_earliest_date(overlap):
    """Across every programme, Lee's module is one piece of required learning: one in the totals,
    the heatmap and the grouping by team, and one overdue row at the induction's date."""
    from learning.selectors import readiness_figures

    today = date(2027, 4, 2)  # past both due dates
    figures = readiness_figures(programme=None, today=today)
    assert (figures.totals.total, figures.totals.complete, figures.totals.overdue) == (1, 0, 1)
    (team_row,) = figures.groupings["team"]
    assert (team_row.total, team_row.overdue) == (1, 1)
    cell = figures.heatmap.cells[("Banbury Family Safeguarding", "Motivational interviewing foundations")]
    assert cell.total == 1
    (row,) = figures.overdue
    assert (row["user_id"], row["due_date"]) == (overlap["lee"].pk, INDUCTION_DUE)


def test_the_rollout_burn_up_counts_one_completion_for_the_module_assigned_twice(overlap):
    """The rollout itself names Lee again (their team and them by name): when Lee finishes the
    module, both of the rollout's enrolments complete and its burn-up rises by one."""
    from django.utils import timezone

    from learning.models import Enrolment
    from learning.selectors import burn_up

    AssignmentFactory(
        programme=overlap["rollout"],
        module=overlap["module"],
        people=[overlap["lee"]],
        due_date=INDUCTION_DUE,
    )
    enrolments_sync(today=date(2026, 11, 1))
    assert overlap["lee"].enrolments.filter(assignment__programme=overlap["rollout"]).count() == 2
    Enrolment.objects.filter(user=overlap["lee"]).update(completed_at=timezone.now())
    chart = burn_up(programme=overlap["rollout"], today=timezone.localdate())
    assert chart.total == 1
    assert chart.points[-1][1] == 1


def test_one_programme_assigning_a_module_twice_counts_each_person_once_beside_a_module_assigned_once(
    make_module,
):
    """The rollout gives MI foundations to the Banbury team and again to Lee by name, and gives
    Recording to the team once: Lee and Sam count once in each module (readiness counts modules
    assigned once by row and the others by person; both land in the same figures), and Lee's
    completion of MI foundations is one point on the burn-up, as is Sam's of Recording."""
    from datetime import timedelta

    from django.utils import timezone

    from learning.models import ModuleCompletion
    from learning.selectors import readiness_figures

    mi, recording = make_module("Motivational interviewing foundations"), make_module("Recording")
    team = TeamFactory(name="Banbury Family Safeguarding")
    lee = StaffProfileFactory(team=team, user__first_name="Lee").user
    sam = StaffProfileFactory(team=team, user__first_name="Sam").user
    rollout = ProgrammeFactory(
        name="Family Safeguarding rollout", slug="rollout", go_live_date=date(2027, 6, 1)
    )
    AssignmentFactory(programme=rollout, module=mi, teams=[team], due_date=ROLLOUT_DUE)
    AssignmentFactory(programme=rollout, module=mi, people=[lee], due_date=INDUCTION_DUE)
    AssignmentFactory(programme=rollout, module=recording, teams=[team], due_date=ROLLOUT_DUE)
    enrolments_sync(today=date(2026, 11, 1))
    assert lee.enrolments.count() == 3
    now = timezone.now()
    ModuleCompletion.objects.create(user=lee, module=mi, completed_at=now - timedelta(days=2))
    ModuleCompletion.objects.create(user=sam, module=recording, completed_at=now - timedelta(days=1))
    enrolments_sync(today=date(2026, 11, 2))
    today = date(2027, 3, 1)  # past the induction's date only
    figures = readiness_figures(programme=rollout, today=today)
    assert (figures.totals.total, figures.totals.complete, figures.totals.overdue) == (4, 2, 0)
    cells = {
        module: figures.heatmap.cells[("Banbury Family Safeguarding", module)]
        for module in ("Motivational interviewing foundations", "Recording")
    }
    assert [(c.total, c.complete) for c in cells.values()] == [(2, 1), (2, 1)]
    assert figures.burn.total == 4
    assert [count for _day, count in figures.burn.points] == [1, 2]
    later = readiness_figures(programme=rollout, today=date(2027, 4, 2))  # past every date
    assert (later.totals.total, later.totals.complete, later.totals.overdue) == (4, 2, 2)
    assert sorted((row["user__first_name"], row["module__title"]) for row in later.overdue) == [
        ("Lee", "Recording"),
        ("Sam", "Motivational interviewing foundations"),
    ]


def test_an_enrolment_left_on_a_module_its_assignment_no_longer_names_still_counts_the_person_once(
    make_module,
):
    """The induction gave Lee MI foundations beside the rollout, then L&D changed the induction
    to Recording: Lee's induction enrolment keeps MI foundations, so Lee holds two rows for it,
    and readiness still counts Lee once in MI foundations (overdue once, then one completion on
    the burn-up)."""
    from datetime import timedelta

    from django.utils import timezone

    from learning.models import ModuleCompletion
    from learning.selectors import readiness_figures

    mi, recording = make_module("Motivational interviewing foundations"), make_module("Recording")
    team = TeamFactory(name="Banbury Family Safeguarding")
    lee = StaffProfileFactory(team=team, user__first_name="Lee").user
    rollout = ProgrammeFactory(name="Family Safeguarding rollout", slug="rollout")
    AssignmentFactory(programme=rollout, module=mi, teams=[team], due_date=ROLLOUT_DUE)
    induction = AssignmentFactory(programme=rollout, module=mi, people=[lee], due_date=INDUCTION_DUE)
    enrolments_sync(today=date(2026, 11, 1))
    induction.module = recording
    induction.save()
    enrolments_sync(today=date(2026, 11, 2))
    assert sorted(lee.enrolments.values_list("module__title", flat=True)) == [
        "Motivational interviewing foundations",
        "Motivational interviewing foundations",
    ]
    figures = readiness_figures(programme=rollout, today=date(2027, 4, 2))
    cell = figures.heatmap.cells[("Banbury Family Safeguarding", "Motivational interviewing foundations")]
    assert (cell.total, cell.complete, cell.overdue) == (1, 0, 1)
    assert (figures.totals.total, figures.totals.overdue) == (1, 1)
    ModuleCompletion.objects.create(user=lee, module=mi, completed_at=timezone.now() - timedelta(days=1))
    enrolments_sync(today=date(2026, 11, 3))
    burn = readiness_figures(programme=rollout, today=date(2027, 4, 2)).burn
    assert [count for _day, count in burn.points] == [1], "one person completing, on both rows"
