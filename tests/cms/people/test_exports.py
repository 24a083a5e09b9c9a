"""The staff export is safe, whole and cheap (5,000 rows, CSV and XLSX, formula-looking text in
every text column, relations missing), L&D's only; names typed at sign-up are stored as typed."""

from datetime import date

import pytest

from cms.people import roles
from cms.people.models import Agency, Role, StaffProfile, Team, User
from tests.cms.people.factories import UserFactory, staff_member
from tests.spreadsheet_reading import FORMATS, assert_every_cell_neutralised, export_rows, response_bytes

pytestmark = pytest.mark.django_db

ROWS = 5000
FORMULA_NAME = '=HYPERLINK("http://evil.example")'


@pytest.fixture
def ld_client(client):
    client.force_login(staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    return client


def _staff_in_bulk(count: int) -> None:
    """`count` people, every text formula-looking; every other one with no role, team, agency,
    line manager or start date."""
    agency = Agency.objects.create(name="=Agency", slug="formula-agency")
    team = Team.objects.create(name="+Team", slug="formula-team", agency=agency)
    role = Role.objects.create(name="@Role", slug="formula-role")
    manager = UserFactory(email="-manager@example.org")
    users = User.objects.bulk_create(
        User(
            email=f"=person{n}@example.org",
            first_name='=HYPERLINK("http://x")',
            last_name="-1+1",
            password="!",
        )
        for n in range(count)
    )
    StaffProfile.objects.bulk_create(
        StaffProfile(
            user=user,
            job_title="\t=cmd",
            role=role if n % 2 else None,
            team=team if n % 2 else None,
            agency=agency if n % 2 else None,
            line_manager=manager if n % 2 else None,
            start_date=date(2026, 9, 1) if n % 2 else None,
        )
        for n, user in enumerate(users)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_staff_export_is_whole_and_neutralised_with_people_missing_relations(
    ld_client, fmt, django_assert_max_num_queries
):
    """L&D export 5,000 staff, half with no line manager, team, agency or start date: every row
    arrives, every formula-looking cell is text, and the export does not query per row."""
    _staff_in_bulk(ROWS)
    with django_assert_max_num_queries(25):
        rows = export_rows(ld_client, "/admin/people/staff/", fmt)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["First name", "Last name", "Email"]
    assert len(body) == StaffProfile.objects.count()
    assert_every_cell_neutralised(rows)
    ours = [row for row in body if row[2].startswith("'=person")]
    assert len(ours) == ROWS
    empty = "" if fmt == "csv" else None
    without = [row for row in ours if row[5] in ("", None)]
    assert len(without) == ROWS // 2
    assert all(row[4:9] == [empty] * 5 for row in without)
    with_all = [row for row in ours if row[5] not in ("", None)]
    assert with_all[0][:9] == [
        '\'=HYPERLINK("http://x")',
        "'-1+1",
        with_all[0][2],
        "'\t=cmd",
        "'@Role",
        "'+Team",
        "'=Agency",
        "'-manager@example.org",
        "2026-09-01" if fmt == "csv" else 46266.0,
    ]


def test_the_staff_export_is_refused_to_people_outside_l_and_d(client):
    """A team manager cannot download the staff list."""
    client.force_login(staff_member(role=roles.TEAM_MANAGER, mfa=True))
    response = client.get("/admin/people/staff/?export=csv")
    assert response.status_code == 403  # the admin's no-access page
    assert b"@example" not in response_bytes(response)


def test_a_name_typed_on_the_sign_up_form_is_stored_as_typed(client, home_page):
    """Someone signs up as '=HYPERLINK(...)': their name is kept exactly, not altered on the way in."""
    password = "a-long-pass-phrase-77"
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": FORMULA_NAME,
            "last_name": "-Lovelace",
            "email": "typed.name@oxfordshire.gov.uk",
            "password1": password,
            "password2": password,
        },
        REMOTE_ADDR="10.12.34.56",
    )
    assert response.status_code == 302
    user = User.objects.get(email="typed.name@oxfordshire.gov.uk")
    assert (user.first_name, user.last_name) == (FORMULA_NAME, "-Lovelace")
