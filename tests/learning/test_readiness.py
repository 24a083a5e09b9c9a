"""Readiness for L&D and leadership: figures, person drill-down, audited changes, exports."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cms.people.roles import GROUP_LD_EDITORS, GROUP_SENIOR_MANAGERS, GROUP_TEAM_MANAGERS
from learning.models import CompletionChange, Enrolment, ModuleCompletion
from learning.selectors import burn_up, readiness_by, readiness_totals
from learning.services import enrolments_sync
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def _admin_user(*groups, perms=()):
    user = UserFactory(groups=list(groups))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    admin_access = Permission.objects.get(codename="access_admin")
    user.user_permissions.add(admin_access, *[Permission.objects.get(codename=p) for p in perms])
    return user


@pytest.fixture
def rollout(make_module, home_page):
    """Two teams, MI foundations assigned; three of five people complete; one overdue."""
    today = timezone.localdate()
    programme = ProgrammeFactory(go_live_date=today + timedelta(days=180))
    banbury, witney = TeamFactory(name="Banbury"), TeamFactory(name="Witney")
    people = [StaffProfileFactory(team=banbury) for _ in range(3)] + [
        StaffProfileFactory(team=witney) for _ in range(2)
    ]
    mi = make_module("Motivational interviewing foundations")
    AssignmentFactory(
        programme=programme,
        module=mi,
        teams=[banbury, witney],
        due_date=today - timedelta(days=2),
        late_joiner_days=0,
    )
    enrolments_sync(today=today - timedelta(days=30))
    for profile, days_ago in zip(people[:3], (20, 10, 1), strict=True):
        ModuleCompletion.objects.create(
            user=profile.user, module=mi, completed_at=timezone.now() - timedelta(days=days_ago)
        )
    enrolments_sync(today=today)
    return {"programme": programme, "people": people, "module": mi, "today": today}


def test_share_complete_by_team(rollout):
    rows = {
        r.label: r for r in readiness_by(by="team", programme=rollout["programme"], today=rollout["today"])
    }
    assert (rows["Banbury"].complete, rows["Banbury"].total, rows["Banbury"].percent) == (3, 3, 100)
    assert (rows["Witney"].complete, rows["Witney"].total, rows["Witney"].overdue) == (0, 2, 2)
    totals = readiness_totals(programme=rollout["programme"], today=rollout["today"])
    assert (totals.complete, totals.total, totals.percent) == (3, 5, 60)


def test_leavers_drop_out_of_the_figures(rollout):
    leaver = rollout["people"][4]
    leaver.active = False
    leaver.save()
    totals = readiness_totals(programme=rollout["programme"], today=rollout["today"])
    assert totals.total == 4


def test_people_who_do_not_count_are_left_out_of_every_figure(rollout):
    """Someone whose profile was removed, a leaver whose profile is inactive and someone whose
    account is switched off keep their enrolments, but no readiness figure counts them."""
    from learning.selectors import readiness_figures

    banbury_done, _, banbury_no_profile = rollout["people"][:3]
    witney_switched_off, witney_leaver = rollout["people"][3:]
    banbury_no_profile.delete()
    witney_switched_off.user.is_active = False
    witney_switched_off.user.save()
    witney_leaver.active = False
    witney_leaver.save()

    figures = readiness_figures(programme=rollout["programme"], today=rollout["today"])

    assert (figures.totals.total, figures.totals.complete, figures.totals.overdue) == (2, 2, 0)
    for by in ("team", "role", "agency"):
        assert sum(row.total for row in figures.groupings[by]) == 2
    assert [row.label for row in figures.groupings["team"]] == ["Banbury"]
    assert set(figures.heatmap.cells) == {("Banbury", "Motivational interviewing foundations")}
    assert figures.overdue == []
    assert figures.burn.total == 2
    assert [count for _day, count in figures.burn.points] == [1, 2]
    assert Enrolment.objects.filter(user=banbury_done.user).exists()
    assert Enrolment.objects.filter(user=banbury_no_profile.user, removed_on__isnull=True).exists()


def test_burn_up_counts_completions_and_projects_at_the_current_pace(rollout):
    burn = burn_up(programme=rollout["programme"], today=rollout["today"])
    assert burn.total == 5
    assert [count for _day, count in burn.points] == [1, 2, 3]
    assert burn.projected_at_go_live == 5
    assert burn.target_on(burn.go_live) == 5


def test_completions_are_counted_on_their_local_day_either_side_of_the_clocks_changing(rollout):
    """The burn-up's days are UK dates: a completion at half past midnight in summer time is on
    that day, not the day before in UTC, including on the nights the clocks go forward or back
    and before the dates the figures cover (worked out by the zone's name there)."""
    from learning.selectors.readiness_dashboard import _local_day

    enrolment = Enrolment.objects.filter(user=rollout["people"][0].user).get()
    day = _local_day("completed_at", since=date(2026, 3, 1), until=date(2026, 11, 30))
    nights = [datetime(2026, 3, 28, 21, tzinfo=UTC), datetime(2026, 3, 29, 21, tzinfo=UTC)]
    nights += [datetime(2026, 10, 24, 21, tzinfo=UTC), datetime(2026, 10, 25, 21, tzinfo=UTC)]
    nights += [datetime(2026, 7, 1, 21, tzinfo=UTC), datetime(2025, 7, 1, 21, tzinfo=UTC)]
    for night in nights:
        for quarter_hours in range(24):
            moment = night + timedelta(minutes=15 * quarter_hours, microseconds=quarter_hours)
            Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=moment)
            counted = Enrolment.objects.filter(pk=enrolment.pk).annotate(day=day).get().day
            assert counted == timezone.localtime(moment).date(), moment


def test_heatmap_and_groupings_are_rolled_up_from_one_grouped_query(rollout, django_assert_num_queries):
    from learning.selectors import readiness_figures

    with django_assert_num_queries(3):  # the grain, completions per day, the overdue list
        figures = readiness_figures(programme=rollout["programme"], today=rollout["today"])
    cell = figures.heatmap.cells[("Witney", "Motivational interviewing foundations")]
    assert (cell.complete, cell.total, cell.overdue) == (0, 2, 2)
    assert [(r.label, r.complete, r.total) for r in figures.groupings["team"]] == [
        ("Banbury", 3, 3),
        ("Witney", 0, 2),
    ]
    assert sum(r.total for r in figures.groupings["role"]) == 5
    assert sum(r.total for r in figures.groupings["agency"]) == 5
    assert len(figures.overdue) == 2
    assert figures.burn.total == 5


def test_completions_per_day_and_the_overdue_list_can_be_read_from_their_own_indexes(rollout):
    """Each partial index's condition is implied by its statement's filter, so PostgreSQL can
    answer from the index alone (docs/benchmarks.md). The test data is too small for the
    plans the bench data gets, so whole-table and bitmap scans and per-row lookups are
    switched off, and the table's other indexes (which could serve the same reads, and which
    the planner may prefer as the statistics change) are dropped in a savepoint rolled back
    at the end: the two partial indexes are then the plans' only way short of a disabled
    whole-table scan. A filter that stopped matching an index would fail here."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from learning.selectors import readiness_figures

    if connection.vendor != "postgresql":
        pytest.skip("the indexes' INCLUDE columns and the plans are PostgreSQL's")
    under_test = ("learning_enrolment_completed", "learning_enrolment_open_due")
    with CaptureQueriesContext(connection) as queries:
        readiness_figures(programme=rollout["programme"], today=rollout["today"])
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's deferred checks, before DDL
        cursor.execute(
            "SELECT i.relname, c.conname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid "
            "WHERE x.indrelid = 'learning_enrolment'::regclass"
        )
        others = [(index, constraint) for index, constraint in cursor.fetchall() if index not in under_test]
        assert len(others) >= 5  # the primary key, the unique constraint and the plain indexes
        for index, constraint in others:
            if constraint:
                cursor.execute(f'ALTER TABLE learning_enrolment DROP CONSTRAINT "{constraint}" CASCADE')
            else:
                cursor.execute(f'DROP INDEX "{index}"')
        for kind in ("seqscan", "bitmapscan", "nestloop"):  # whole-table scans, per-row lookups
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)
    assert any("using learning_enrolment_completed on" in plan for plan in plans)
    assert any("using learning_enrolment_open_due on" in plan for plan in plans)


def _forget_figures(rollout):
    """Only this test's key: clearing the whole cache would reach other xdist workers' keys."""
    from django.core.cache import cache

    from learning.selectors import readiness_figures_cache_key

    cache.delete(readiness_figures_cache_key(programme_id=rollout["programme"].pk, today=rollout["today"]))


def test_dashboard_figures_are_kept_and_recomputed_by_the_beat_task(client, rollout, settings):
    from learning.tasks import readiness_figures_refresh_task

    settings.READINESS_CACHE_SECONDS = 300
    _forget_figures(rollout)
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    url = reverse("learning_readiness")
    assert "60% of required learning complete" in client.get(url).text
    fourth = rollout["people"][3].user
    ModuleCompletion.objects.create(user=fourth, module=rollout["module"], completed_at=timezone.now())
    enrolments_sync()
    response = client.get(url)
    assert "60% of required learning complete" in response.text  # kept: at most five minutes old
    assert "Figures as of" in response.text
    assert readiness_figures_refresh_task() == 1
    assert "80% of required learning complete" in client.get(url).text
    _forget_figures(rollout)


def test_cached_dashboard_costs_at_most_fifteen_queries(
    client, rollout, settings, make_module, django_assert_max_num_queries
):
    settings.READINESS_CACHE_SECONDS = 300
    _forget_figures(rollout)
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    client.get(reverse("learning_readiness"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("learning_readiness"))
    assert response.status_code == 200
    _forget_figures(rollout)


def test_ld_see_the_dashboard_with_tables_beside_charts(client, rollout, django_assert_max_num_queries):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    client.get(reverse("learning_readiness"))
    with django_assert_max_num_queries(18):
        response = client.get(reverse("learning_readiness"), {"programme": rollout["programme"].pk})
    assert response.status_code == 200
    assert "60% of required learning complete" in response.text
    assert "Completions over time (data for the chart)" in response.text
    assert "Banbury" in response.text and "Witney" in response.text


def test_dashboard_queries_do_not_grow_with_people(
    client, rollout, make_module, django_assert_max_num_queries
):
    user = _admin_user(GROUP_LD_EDITORS)
    client.force_login(user)
    client.get(reverse("learning_readiness"))
    team = TeamFactory(name="Didcot")
    for _ in range(15):
        StaffProfileFactory(team=team)
    AssignmentFactory(
        programme=rollout["programme"], module=make_module("Foundations of Change"), teams=[team]
    )
    enrolments_sync()
    with django_assert_max_num_queries(18):
        response = client.get(reverse("learning_readiness"))
    assert "Didcot" in response.text


@pytest.mark.parametrize("kind", ["learner", "team_manager", "senior_without_permission"])
def test_people_without_readiness_access_are_refused(client, rollout, kind):
    if kind == "learner":
        user = UserFactory()
    elif kind == "team_manager":
        user = _admin_user(GROUP_TEAM_MANAGERS)
    else:
        user = _admin_user(GROUP_SENIOR_MANAGERS)
    client.force_login(user)
    response = client.get(reverse("learning_readiness"))
    assert response.status_code in {302, 403}
    export = client.get(reverse("learning_readiness_export", args=["matrix", "csv"]))
    assert export.status_code in {302, 403}


def test_leadership_with_the_readiness_permission_can_view_but_not_change_records(client, rollout):
    leader = _admin_user(GROUP_SENIOR_MANAGERS, perms=["view_readiness"])
    client.force_login(leader)
    assert client.get(reverse("learning_readiness")).status_code == 200
    person = rollout["people"][3].user
    url = reverse("learning_person_record", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "offline",
            "module": rollout["module"].pk,
            "completed_on": "01/11/2026",
            "recognition": "Administrative",
            "evidence": "x",
            "step": "confirm",
        },
    )
    assert response.status_code in {302, 403}  # Wagtail's admin turns a refusal into a redirect home
    assert not CompletionChange.objects.exists()


def test_ld_record_offline_training_on_the_person_page_and_it_is_shown(client, rollout):
    ld = _admin_user(GROUP_LD_EDITORS)
    client.force_login(ld)
    person = rollout["people"][3].user
    url = reverse("learning_person_record", args=[person.pk])
    response = client.post(
        url,
        {
            "action": "offline",
            "module": rollout["module"].pk,
            "completed_on": "20/11/2026",
            "recognition": "Equivalent Outside Activity",
            "evidence": "Classroom MI course, signed register",
            "step": "confirm",
        },
    )
    assert response.status_code == 302
    change = CompletionChange.objects.get(learner=person)
    assert change.changed_by == ld
    page = client.get(url)
    assert "Classroom MI course, signed register" in page.text


@pytest.mark.parametrize(
    "data",
    [
        {"action": "offline", "module": "", "completed_on": "20/11/2026", "evidence": "x"},
        {"action": "offline", "module": "999999", "completed_on": "not a date", "evidence": ""},
        {
            "action": "offline",
            "module": "1",
            "completed_on": "01/01/2099",
            "evidence": "<script>alert(1)</script>",
        },
        {"action": "due_date", "enrolment": "abc", "due_date": "31/02/2027", "reason": ""},
    ],
)
def test_bad_input_on_the_person_page_is_answered_on_the_form(client, rollout, data):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    person = rollout["people"][3].user
    response = client.post(reverse("learning_person_record", args=[person.pk]), data)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert not CompletionChange.objects.exists()


def test_ld_extend_a_due_date_with_a_reason(client, rollout):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    person = rollout["people"][3].user
    enrolment = Enrolment.objects.get(user=person)
    response = client.post(
        reverse("learning_person_record", args=[person.pk]),
        {
            "action": "due_date",
            "enrolment": enrolment.pk,
            "due_date": "30/04/2027",
            "reason": "Returning from leave",
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.due_date == date(2027, 4, 30)


def test_person_record_for_unknown_person_is_404(client, rollout):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    assert client.get(reverse("learning_person_record", args=[987654])).status_code == 404


def test_csv_matrix_export_equals_the_database(client, rollout):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    response = client.get(reverse("learning_readiness_export", args=["matrix", "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, body = rows[0], rows[1:]
    assert header[0] == "Name"
    assert len(body) == Enrolment.objects.filter(removed_on__isnull=True).count()
    by_email = {row[1]: row for row in body}
    for enrolment in Enrolment.objects.select_related("user"):
        row = by_email[enrolment.user.email]
        assert row[7] == enrolment.due_date.isoformat()
        assert row[8] == ("Complete" if enrolment.completed_at else "Overdue")


def test_exports_neutralise_spreadsheet_formulas(client, rollout):
    person = rollout["people"][3].user
    person.first_name = '=HYPERLINK("http://evil")'
    person.save()
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    response = client.get(reverse("learning_readiness_export", args=["matrix", "csv"]))
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text


def test_xlsx_exports_are_real_workbooks(client, rollout):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    for kind in ("matrix", "readiness"):
        response = client.get(reverse("learning_readiness_export", args=[kind, "xlsx"]))
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        assert "<row" in sheet


def test_unknown_exports_are_404(client, rollout):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    assert client.get(reverse("learning_readiness_export", args=["everything", "csv"])).status_code == 404
    assert client.get(reverse("learning_readiness_export", args=["matrix", "pdf"])).status_code == 404


def test_readiness_menu_is_shown_only_to_those_who_may_see_it(client, rollout):
    client.force_login(_admin_user(GROUP_LD_EDITORS))
    assert "/admin/readiness/" in client.get("/admin/").text
    client.force_login(_admin_user(GROUP_TEAM_MANAGERS))
    assert "/admin/readiness/" not in client.get("/admin/").text


def test_saving_an_assignment_in_the_admin_enrols_its_audience(client, rollout, make_module):
    ld = _admin_user(GROUP_LD_EDITORS)
    for codename in ("add_assignment", "change_assignment", "view_assignment"):
        ld.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(ld)
    team = TeamFactory(name="Abingdon")
    person = StaffProfileFactory(team=team)
    module = make_module("Children's resilience")
    response = client.post(
        reverse("learning_assignments:add"),
        {
            "programme": rollout["programme"].pk,
            "module": module.pk,
            "required": "on",
            "teams": [team.pk],
            "due_mode": "fixed",
            "due_date": "2027-05-28",
            "late_joiner_days": 28,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    assert response["Location"] == reverse("learning_assignments:index"), response["Location"]
    assert Enrolment.objects.filter(user=person.user, module=module).exists()


@pytest.mark.parametrize(
    ("total", "ticks"),
    [(10, [0, 5, 10]), (1, [0, 1]), (7, [0, 2, 4, 6]), (150000, [0, 50000, 100000, 150000])],
)
def test_burn_up_axis_has_whole_round_ticks(total, ticks):
    from learning.charts import burn_up_chart
    from learning.selectors import BurnUp

    today = date(2026, 12, 1)
    burn = BurnUp(
        start=today - timedelta(days=30),
        go_live=today + timedelta(days=90),
        total=total,
        points=[(today - timedelta(days=1), 1)],
        projected_at_go_live=total,
        pace_per_week=1.0,
    )
    chart = burn_up_chart(burn, today=today)
    assert [value for _y, value in chart.y_ticks] == ticks
    assert [anchor for _x, _label, anchor in chart.x_ticks] == ["start", "middle", "end"]
