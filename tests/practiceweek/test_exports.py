"""Practice-week exports (bookings, slots) are safe, whole and cheap at 5,000 rows, in CSV and
XLSX, with formula-looking text in every text column and relations missing."""

import datetime as dt

import pytest
from django.utils import timezone

from cms.people.models import Agency, Team, User
from practiceweek.models import Booking, Slot
from tests.practiceweek.factories import PracticeWeekFactory, ld_user, senior_manager, slot_at
from tests.spreadsheet_reading import FORMATS, assert_every_cell_neutralised, export_rows, response_bytes

pytestmark = pytest.mark.django_db

ROWS = 5000


@pytest.fixture
def ld_client(client, home_page):
    client.force_login(ld_user())
    return client


def _bookings_in_bulk(week) -> None:
    """5,000 confirmed bookings on one slot of the week, by people whose names look like
    formulas, every other one with no agency recorded."""
    agency = Agency.objects.create(name="=Agency", slug="formula-agency")
    team = Team.objects.create(name="+Team", slug="formula-team", agency=agency, locality="-Banbury")
    slot = slot_at(week, host_team=team, capacity=ROWS, locality="-Banbury")
    users = User.objects.bulk_create(
        User(email=f"=b{n}@example.org", first_name='=HYPERLINK("http://x")', last_name="", password="!")
        for n in range(ROWS)
    )
    now = timezone.now()
    Booking.objects.bulk_create(
        Booking(
            slot=slot,
            user=user,
            agency=agency if n % 2 else None,
            status=Booking.Status.CONFIRMED,
            queued_at=now,
        )
        for n, user in enumerate(users)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_bookings_export_is_whole_and_neutralised_with_bookings_missing_an_agency(
    ld_client, fmt, django_assert_max_num_queries
):
    """L&D export 5,000 bookings by people whose names look like formulas, half with no agency
    recorded: every row arrives, every cell is text-safe, no query per row."""
    week = PracticeWeekFactory(name="@Week")
    _bookings_in_bulk(week)
    with django_assert_max_num_queries(25):
        rows = export_rows(ld_client, f"/admin/practice-week/bookings/?slot__week={week.pk}", fmt)
    assert len(rows) == ROWS + 1
    assert_every_cell_neutralised(rows)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Name", "Email", "Agency", "Week"]
    assert {row[2] for row in body} == {"'=Agency", "" if fmt == "csv" else None}
    assert sum(1 for row in body if row[2] == "'=Agency") == ROWS // 2
    assert body[0][0] == '\'=HYPERLINK("http://x")'
    assert body[0][3:7] == ["'@Week", "Home visit", "'+Team", "'-Banbury"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_slots_export_is_whole_and_neutralised(ld_client, fmt, django_assert_max_num_queries):
    """L&D export 5,000 slots whose week, team and locality look like formulas."""
    agency = Agency.objects.create(name="=Agency", slug="formula-agency")
    team = Team.objects.create(name="+Team", slug="formula-team", agency=agency)
    week = PracticeWeekFactory(name="@Week")
    first = slot_at(week, host_team=team, locality="-Banbury")
    Slot.objects.bulk_create(
        Slot(
            week=week,
            host_team=team,
            activity=first.activity,
            locality="\r-Banbury",
            starts_at=first.starts_at + dt.timedelta(minutes=n),
            ends_at=first.ends_at + dt.timedelta(minutes=n),
            meeting_point="=Reception",
        )
        for n in range(1, ROWS)
    )
    with django_assert_max_num_queries(25):
        rows = export_rows(ld_client, f"/admin/practice-week/slots/?week={week.pk}", fmt)
    assert len(rows) == ROWS + 1
    assert_every_cell_neutralised(rows)
    assert rows[1][:4] == ["'@Week", "Home visit", "'+Team", "'-Banbury"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_attendance_export_is_whole_and_neutralised(ld_client, fmt, django_assert_max_num_queries):
    """After a practice week, L&D export attendance for 5,000 visits, half with no agency."""
    today = timezone.localdate()
    week = PracticeWeekFactory(
        name="@Week",
        starts_on=today - dt.timedelta(days=7),
        signup_opens_at=timezone.now() - dt.timedelta(days=30),
    )
    _bookings_in_bulk(week)
    with django_assert_max_num_queries(25):
        rows = export_rows(ld_client, f"/admin/practice-week/manage/attendance/?week={week.pk}", fmt)
    assert len(rows) == ROWS + 1
    assert_every_cell_neutralised(rows)
    assert rows[0][:3] == ["Name", "Email", "Agency"]
    assert sum(1 for row in rows[1:] if row[2] == "'=Agency") == ROWS // 2
    assert rows[1][4] == "'+Team"


def test_exports_are_refused_to_senior_managers(client, home_page):
    """A senior manager books slots but cannot download anyone's bookings."""
    client.force_login(senior_manager(mfa=True))
    for url in (
        "/admin/practice-week/bookings/?export=csv",
        "/admin/practice-week/slots/?export=xlsx",
        "/admin/practice-week/manage/attendance/?export=csv",
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}
        assert b"@example" not in response_bytes(response)
