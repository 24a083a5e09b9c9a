"""The people admin (staff, teams, agencies) and the staff import upload: who may use them, and how."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.people import roles
from cms.people.models import StaffImportJob, StaffProfile, User
from cms.people.services import staff_import_job_run
from tests.cms.people.factories import (
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
    # Told they have no access (not sent to sign in again, which looped back to the admin).
    assert response.status_code == 403
    assert "You do not have access to the admin" in response.content.decode()
    assert client.post(url).status_code == 403


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


def test_upload_good_file_is_checked_then_queued_as_a_job_on_confirmation(client, council):
    """L&D see what would change first; nothing is written until they confirm, then a job runs it."""
    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True)
    signed_in(client, ld)
    data = (HEADER + "new@oxfordshire.gov.uk,Nia,New,,Social worker,,occ,,2025-01-06\n").encode()
    response = upload(client, data)
    content = response.content.decode()
    assert "Check the changes in staff.csv" in content
    assert "New person" in content
    assert not User.objects.filter(email="new@oxfordshire.gov.uk").exists()

    token = response.context["confirm_form"]["token"].value()
    confirmed = client.post("/admin/people/import/", {"token": token})
    job = StaffImportJob.objects.get()
    assert confirmed["Location"] == f"/admin/people/import/jobs/{job.pk}/"
    assert (job.file_name, job.created_by, job.status) == ("staff.csv", ld, "queued")
    assert bytes(job.data) == data
    assert not User.objects.filter(email="new@oxfordshire.gov.uk").exists()  # the worker writes

    page = client.get(confirmed["Location"]).content.decode()
    assert "Waiting for a worker to start the import." in page
    assert "Refresh to see the latest progress" in page
    staff_import_job_run(job_id=job.pk)
    page = client.get(confirmed["Location"]).content.decode()
    assert "1 row: 1 created" in page
    assert User.objects.filter(email="new@oxfordshire.gov.uk").exists()
    job.refresh_from_db()
    assert bytes(job.data) == b""  # the HR file is not kept once imported


def test_check_lists_only_the_lines_that_change(client, council):
    """A weekly export where most people are unchanged shows the changes, and counts the rest."""
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    data = (HEADER + "same@oxfordshire.gov.uk,Sam,Same,,Social worker,,occ,,\n").encode()
    staff_import_job_run(job_id=StaffImportJob.objects.create(file_name="a.csv", data=data).pk)
    data += b"new@oxfordshire.gov.uk,Nia,New,,Social worker,,occ,,\n"
    response = upload(client, data)
    assert [change.email for change in response.context["changes_shown"]] == ["new@oxfordshire.gov.uk"]
    assert "1 line already up to date is not listed." in response.content.decode()


def test_confirmation_with_a_tampered_token_imports_nothing(client, council):
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    response = client.post("/admin/people/import/", {"token": "forged:payload"})
    assert "could not be read back" in response.content.decode()
    assert not StaffImportJob.objects.exists()


def test_confirmation_is_checked_again_by_the_job(client, council):
    """If the agency disappeared between check and confirm, the job refuses with the reason."""
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    agency = AgencyFactory(name="Short-lived partner", slug="slp")
    data = (HEADER + "new@oxfordshire.gov.uk,Nia,New,,Social worker,,slp,,\n").encode()
    token = upload(client, data).context["confirm_form"]["token"].value()
    agency.delete()
    location = client.post("/admin/people/import/", {"token": token})["Location"]
    job = StaffImportJob.objects.get()
    assert staff_import_job_run(job_id=job.pk) == "failed"
    page = client.get(location)
    assert page.status_code == 200
    assert "Not imported" in page.content.decode()
    assert "Line 2: unknown agency &#x27;slp&#x27;" in page.content.decode()
    assert not User.objects.filter(email="new@oxfordshire.gov.uk").exists()


def test_a_job_the_worker_cannot_run_ends_as_an_outcome_not_an_error_page(client, council):
    """A file kept in a job that is no import at all (say, corrupted) is reported, never a 500."""
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    job = StaffImportJob.objects.create(file_name="broken.csv", data=b"\x00\x01 not a csv")
    assert staff_import_job_run(job_id=job.pk) == "failed"
    page = client.get(f"/admin/people/import/jobs/{job.pk}/")
    assert page.status_code == 200
    assert "This is not a CSV text file" in page.content.decode()
    assert staff_import_job_run(job_id=job.pk) == "failed"  # a redelivered task changes nothing


def test_a_job_with_no_progress_for_a_long_time_says_the_worker_may_have_stopped(client, council):
    """A worker that died mid-import leaves the job running: the page says so and how to recover."""
    from datetime import timedelta

    from django.utils import timezone

    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    job = StaffImportJob.objects.create(file_name="hr.csv", data=b"x", status="running", rows_total=10)
    StaffImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=20))
    state = client.get(f"/admin/people/import/jobs/{job.pk}/progress/").json()
    assert state["stalled"] is True
    assert "the worker may have stopped" in state["message"]


def test_progress_endpoint_gives_rows_done_of_total(client, council):
    """The job page's script reads how far the import has got."""
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    job = StaffImportJob.objects.create(
        file_name="hr.csv", data=b"x", status="running", rows_done=500, rows_total=5000
    )
    response = client.get(f"/admin/people/import/jobs/{job.pk}/progress/")
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "status": "running",
        "status_label": "Running",
        "finished": False,
        "stalled": False,
        "rows_done": 500,
        "rows_total": 5000,
        "message": "Checked 500 of 5,000 rows.",
    }
    assert client.get("/admin/people/import/jobs/999999/progress/").status_code == 404


def test_every_importer_sees_every_import_job_in_the_recent_list(client, council):
    """The L&D team share the tool: a lead sees the job an editor confirmed, and its outcome."""
    editor = staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, first_name="Eddie", last_name="Tor")
    job = StaffImportJob.objects.create(file_name="weekly.csv", data=b"", created_by=editor)
    signed_in(client, staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD, mfa=True))
    content = client.get("/admin/people/import/").content.decode()
    assert f'href="/admin/people/import/jobs/{job.pk}/">weekly.csv</a>' in content
    assert "Eddie Tor" in content
    assert client.get(f"/admin/people/import/jobs/{job.pk}/").status_code == 200


@pytest.mark.parametrize("role", [roles.RECRUITMENT, roles.TEAM_MANAGER, roles.SOCIAL_WORKER])
def test_other_roles_cannot_see_import_jobs_or_their_progress(client, council, role):
    """Import jobs hold HR data: nobody outside L&D sees a job, its outcome or its progress."""
    job = StaffImportJob.objects.create(file_name="hr.csv", data=b"", summary="secret summary")
    signed_in(client, staff_member(role=role, mfa=True))
    for url in (f"/admin/people/import/jobs/{job.pk}/", f"/admin/people/import/jobs/{job.pk}/progress/"):
        response = client.get(url)
        # Without admin access: the no-access page; recruitment (in the admin): Wagtail's redirect.
        assert response.status_code in {302, 403}
        assert "secret summary" not in response.content.decode()
        ajax = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
        assert ajax.status_code in {302, 403}
        assert b"secret summary" not in ajax.content


def test_signed_out_visitors_are_sent_to_sign_in_from_import_jobs(client, council):
    job = StaffImportJob.objects.create(file_name="hr.csv", data=b"")
    response = client.get(f"/admin/people/import/jobs/{job.pk}/progress/")
    assert response.status_code == 302
    assert "login" in response["Location"]


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
