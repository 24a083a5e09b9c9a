"""The people admin (staff, teams, agencies) and the staff import upload: who may use them, and how."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.people import roles
from cms.people.models import StaffProfile, User
from tests.cms.factories import (
    AgencyFactory,
    TeamFactory,
    UserFactory,
    mfa_enrol,
    role_ensure,
    staff_member,
)

pytestmark = pytest.mark.django_db

ADMIN_URLS = [
    "/admin/people/staff/",
    "/admin/people/staff/new/",
    "/admin/people/teams/",
    "/admin/people/teams/new/",
    "/admin/people/agencies/",
    "/admin/people/import/",
]
HEADER = "email,first name,last name,job title,role,team,agency,line manager email,start date\n"


@pytest.fixture
def council():
    return AgencyFactory(name="Oxfordshire County Council", slug="occ")


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [roles.LEARNING_AND_DEVELOPMENT, roles.LEARNING_AND_DEVELOPMENT_LEAD])
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_ld_can_open_every_people_screen(client, role, url):
    """L&D editors and leads manage people, teams and agencies, and import from HR."""
    signed_in(client, staff_member(role=role, mfa=True))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_superuser_can_open_every_people_screen(client, url):
    signed_in(client, mfa_enrol(UserFactory(is_superuser=True)))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_recruitment_has_the_admin_but_not_the_people_screens(client, url):
    """Recruitment reads form submissions in the admin; staff records are not theirs to see."""
    signed_in(client, staff_member(role=roles.RECRUITMENT, mfa=True))
    assert client.get("/admin/").status_code == 200
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"  # Wagtail: "Sorry, you do not have permission"


@pytest.mark.parametrize(
    "role",
    [roles.SOCIAL_WORKER, roles.TEAM_MANAGER, roles.SENIOR_MANAGER, roles.PROBATION_OFFICER],
)
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_staff_without_admin_access_are_turned_away(client, role, url):
    """A team manager sees their team in My team, never the organisation's staff records."""
    signed_in(client, staff_member(role=role, mfa=True))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")  # Wagtail's refusal: no admin access
    assert client.post(url).status_code == 302


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_ld_leaver_loses_access(client):
    user = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, active=False)
    signed_in(client, user)
    assert client.get("/admin/people/staff/").status_code != 200


def test_people_menu_is_shown_to_ld_only(client):
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    assert b"Import staff" in client.get("/admin/").content
    client.logout()
    signed_in(client, staff_member(role=roles.RECRUITMENT, mfa=True))
    assert b"Import staff" not in client.get("/admin/").content


def test_staff_list_shows_people_and_is_searchable_and_filterable(client):
    """L&D find a person by name or email and filter by role, team, agency and whether active."""
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True)
    banbury = TeamFactory(name="Family Safeguarding Team Banbury")
    manager = staff_member(role=roles.TEAM_MANAGER, team=banbury, first_name="Tara", last_name="Mann")
    worker = staff_member(team=banbury, line_manager=manager, email="jess.palmer@oxfordshire.gov.uk")
    leaver = staff_member(team=banbury, active=False, last_name="Gone")
    signed_in(client, ld)

    content = client.get("/admin/people/staff/").content.decode()
    assert "jess.palmer@oxfordshire.gov.uk" in content
    assert "Tara Mann" in content

    found = client.get("/admin/people/staff/", {"q": "palmer"}).content.decode()
    assert "jess.palmer@oxfordshire.gov.uk" in found
    assert manager.email not in found

    managers = client.get(
        "/admin/people/staff/", {"role": role_ensure(roles.TEAM_MANAGER).pk}
    ).content.decode()
    assert manager.email in managers and worker.email not in managers

    inactive = client.get("/admin/people/staff/", {"active": "false"}).content.decode()
    assert leaver.email in inactive and worker.email not in inactive

    by_team = client.get("/admin/people/staff/", {"team": banbury.pk}).content.decode()
    assert worker.email in by_team and ld.email not in by_team


def test_staff_list_query_count_does_not_grow_with_staff(client, django_assert_max_num_queries):
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True)
    team = TeamFactory()
    manager = staff_member(role=roles.TEAM_MANAGER, team=team)
    for _ in range(30):
        staff_member(team=team, line_manager=manager)
    signed_in(client, ld)
    client.get("/admin/people/staff/")  # warm caches (site, permissions)
    with django_assert_max_num_queries(30):
        response = client.get("/admin/people/staff/")
    assert response.status_code == 200


def test_ld_edit_a_persons_place_and_their_groups_follow(client):
    """Promoting a social worker to team manager in the admin puts them in the managers group."""
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True)
    worker = staff_member(first_name="Sam", last_name="Wells")
    profile = worker.profile
    signed_in(client, ld)
    response = client.post(
        f"/admin/people/staff/edit/{profile.pk}/",
        {
            "email": "ignored@example.org",
            "first_name": "Samuel",
            "last_name": "Wells",
            "job_title": "Team manager",
            "role": role_ensure(roles.TEAM_MANAGER).pk,
            "team": profile.team.pk,
            "agency": profile.agency.pk,
            "line_manager": "",
            "start_date": "2024-09-01",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    worker.refresh_from_db()
    assert worker.first_name == "Samuel"
    assert worker.email != "ignored@example.org"  # the login cannot be changed here
    assert worker.groups.filter(name=roles.GROUP_TEAM_MANAGERS).exists()


def test_edit_refuses_a_management_loop(client):
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True)
    manager = staff_member(role=roles.TEAM_MANAGER)
    report = staff_member(line_manager=manager)
    profile = manager.profile
    signed_in(client, ld)
    response = client.post(
        f"/admin/people/staff/edit/{profile.pk}/",
        {
            "first_name": "A",
            "last_name": "B",
            "role": profile.role.pk,
            "team": profile.team.pk,
            "agency": profile.agency.pk,
            "line_manager": report.pk,
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "would make a loop" in response.content.decode()
    profile.refresh_from_db()
    assert profile.line_manager is None


def test_ld_add_a_person(client, council):
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True)
    signed_in(client, ld)
    response = client.post(
        "/admin/people/staff/new/",
        {
            "email": "New.Starter@Oxfordshire.gov.uk",
            "first_name": "New",
            "last_name": "Starter",
            "job_title": "Social worker",
            "role": role_ensure(roles.SOCIAL_WORKER).pk,
            "agency": council.pk,
            "line_manager": ld.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = StaffProfile.objects.get(user__email="new.starter@oxfordshire.gov.uk")
    assert profile.line_manager == ld
    duplicate = client.post("/admin/people/staff/new/", {"email": "new.starter@oxfordshire.gov.uk"})
    assert "already on the platform" in duplicate.content.decode()


def test_ld_cannot_delete_people(client):
    """Leavers are marked inactive; their records are never deleted by L&D."""
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    profile = staff_member().profile
    url = f"/admin/people/staff/delete/{profile.pk}/"
    assert client.get(url).status_code == 302  # Wagtail: "Sorry, you do not have permission"
    client.post(url)
    assert StaffProfile.objects.filter(pk=profile.pk).exists()


def test_team_list_counts_active_members(client):
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    team = TeamFactory(name="Family Safeguarding Team Didcot", locality="Didcot")
    for _ in range(3):
        staff_member(team=team)
    staff_member(team=team, active=False)
    content = client.get("/admin/people/teams/", {"q": "didcot"}).content.decode()
    assert "Family Safeguarding Team Didcot" in content
    assert ">3<" in content.replace(" ", "").replace("\n", "")


# The import upload


def upload(client, data: bytes, name="staff.csv"):
    return client.post(
        "/admin/people/import/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )


def test_upload_with_bad_lines_shows_each_in_an_error_summary_and_writes_nothing(client, council):
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    users_before = User.objects.count()
    data = (
        HEADER + "a@oxfordshire.gov.uk,A,One,,Wizard,,occ,,\n"
        "b@oxfordshire.gov.uk,B,Two,,Social worker,,occ,,\n"
        "c@oxfordshire.gov.uk,C,Three,,Social worker,,occ,,32/01/2024\n"
    ).encode()
    response = upload(client, data, name="hr-export.csv")
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Line 2: unknown role &#x27;Wizard&#x27;" in content
    assert "Line 4: start date &#x27;32/01/2024&#x27; is not a date" in content
    assert "You uploaded <strong>hr-export.csv</strong>" in content
    assert User.objects.count() == users_before


def test_upload_good_file_is_checked_then_imported_on_confirmation(client, council):
    """L&D see what would change first; nothing is written until they confirm."""
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    data = (HEADER + "new@oxfordshire.gov.uk,Nia,New,,Social worker,,occ,,2025-01-06\n").encode()
    response = upload(client, data)
    content = response.content.decode()
    assert "Check the changes in staff.csv" in content
    assert "New person" in content
    assert not User.objects.filter(email="new@oxfordshire.gov.uk").exists()

    token = response.context["confirm_form"]["token"].value()
    confirmed = client.post("/admin/people/import/", {"token": token}, follow=True)
    assert "Imported staff.csv: 1 row(s): 1 were created" in confirmed.content.decode()
    assert User.objects.filter(email="new@oxfordshire.gov.uk").exists()


def test_confirmation_with_a_tampered_token_imports_nothing(client, council):
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    response = client.post("/admin/people/import/", {"token": "forged:payload"})
    assert "could not be read back" in response.content.decode()


def test_confirmation_is_checked_again(client, council):
    """If the agency disappeared between check and confirm, the import is refused with the reason."""
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    agency = AgencyFactory(name="Short-lived partner", slug="slp")
    data = (HEADER + "new@oxfordshire.gov.uk,Nia,New,,Social worker,,slp,,\n").encode()
    token = upload(client, data).context["confirm_form"]["token"].value()
    agency.delete()
    response = client.post("/admin/people/import/", {"token": token})
    assert "unknown agency" in response.content.decode()
    assert not User.objects.filter(email="new@oxfordshire.gov.uk").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\x00\x01\x02binary", "This is not a CSV text file"),
        ("email\nZoë".encode("latin-1"), "The file is not UTF-8 text"),
    ],
)
def test_upload_of_hostile_files_is_answered_clearly(client, data, message):
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    response = upload(client, data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_upload_without_a_file_asks_for_one(client):
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    response = client.post("/admin/people/import/", {})
    assert "This field is required." in response.content.decode()
