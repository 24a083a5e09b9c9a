"""Learning exports are safe and whole: the readiness matrix at 5,000 rows in CSV and XLSX
(formula-looking names, people with no team, role or agency), and one person's record."""

from datetime import date

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cms.people.models import Agency, Role, StaffProfile, Team, User
from cms.people.roles import GROUP_LD_EDITORS
from learning.models import Enrolment
from tests.cms.people.factories import StaffProfileFactory, UserFactory
from tests.learning.factories import AssignmentFactory
from tests.spreadsheet_reading import assert_every_cell_neutralised, csv_rows, response_bytes, xlsx_rows

pytestmark = pytest.mark.django_db

ROWS = 5000


def _ld_user():
    user = UserFactory(groups=[GROUP_LD_EDITORS])
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_readiness_matrix_is_whole_and_neutralised_at_5000_rows(
    client, make_module, fmt, django_assert_max_num_queries
):
    """L&D export 5,000 people's assignments; names, team, role, agency and module look like
    formulas, half the people have no team, role or agency: every row arrives, every cell is safe."""
    agency = Agency.objects.create(name="=Agency", slug="formula-agency")
    team = Team.objects.create(name="+Team", slug="formula-team", agency=agency)
    role = Role.objects.create(name="@Role", slug="formula-role")
    module = make_module("-Module")
    assignment = AssignmentFactory(module=module, due_date=date(2027, 3, 31))
    users = User.objects.bulk_create(
        User(email=f"=m{n}@example.org", first_name='=HYPERLINK("http://x")', last_name="\t", password="!")
        for n in range(ROWS)
    )
    StaffProfile.objects.bulk_create(
        StaffProfile(
            user=user,
            team=team if n % 2 else None,
            role=role if n % 2 else None,
            agency=agency if n % 2 else None,
        )
        for n, user in enumerate(users)
    )
    today = timezone.localdate()
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user, assignment=assignment, module=module, enrolled_on=today, due_date=date(2027, 3, 31)
        )
        for user in users
    )
    client.force_login(_ld_user())
    with django_assert_max_num_queries(20):
        response = client.get(reverse("learning_readiness_export", args=["matrix", fmt]))
        assert response.status_code == 200
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response_bytes(response))
    assert len(rows) == ROWS + 1
    assert_every_cell_neutralised(rows)
    empty = "" if fmt == "csv" else None
    teams = [row[2] for row in rows[1:]]
    assert teams.count("'+Team") == ROWS // 2
    assert teams.count(empty) == ROWS // 2
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][5] == "'-Module"


def test_a_persons_record_csv_neutralises_their_own_details(client, make_module):
    """A subject access export of someone who signed up as '=HYPERLINK(...)' opens safely."""
    profile = StaffProfileFactory(
        user__first_name='=HYPERLINK("http://x")', user__last_name="-1+1", job_title="@Job"
    )
    client.force_login(_ld_user())
    response = client.get(reverse("learning_person_export", args=[profile.user.pk, "csv"]))
    rows = csv_rows(response)
    assert ["person 1", "first_name", '\'=HYPERLINK("http://x")'] in rows
    assert ["person 1", "last_name", "'-1+1"] in rows
    assert_every_cell_neutralised(rows)
    profile.user.refresh_from_db()
    assert profile.user.first_name == '=HYPERLINK("http://x")', "stored as typed"


def test_the_readiness_exports_are_refused_to_learners(client):
    """A social worker cannot download the readiness matrix."""
    client.force_login(UserFactory())
    response = client.get(reverse("learning_readiness_export", args=["matrix", "xlsx"]))
    assert response.status_code in {302, 403}
    assert not response_bytes(response).startswith(b"PK")
