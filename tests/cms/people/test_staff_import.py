"""Staff import from an HR export: the service, `manage.py import_staff`, and hostile files."""

import io
import uuid
from datetime import date

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core.management import CommandError, call_command

from cms.people import conf, roles
from cms.people.models import StaffProfile, User
from cms.people.services import invitation_accept, invitation_send, staff_import
from tests.cms.people.factories import AgencyFactory, TeamFactory, UserFactory, role_ensure, staff_member

pytestmark = pytest.mark.django_db

HEADER = "email,first name,last name,job title,role,team,agency,line manager email,start date\n"


@pytest.fixture
def organisation():
    """The council with two Family Safeguarding teams, and a police agency."""
    council = AgencyFactory(name="Oxfordshire County Council", slug="occ", email_domain="oxfordshire.gov.uk")
    police = AgencyFactory(name="Thames Valley Police", slug="tvp", kind="police")
    for slug in roles.ROLES:
        role_ensure(slug)
    return {
        "council": council,
        "police": police,
        "banbury": TeamFactory(name="FS Banbury", slug="fs-banbury", locality="Banbury", agency=council),
        "witney": TeamFactory(name="FS Witney", slug="fs-witney", locality="Witney", agency=council),
    }


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


GOOD = csv_bytes(
    # The social worker's manager comes later in the file.
    "Ann.Able@Oxfordshire.gov.uk,Ann,Able,Social worker,Social worker,FS Banbury,"
    "Oxfordshire County Council,tm@oxfordshire.gov.uk,01/09/2024",
    "tm@oxfordshire.gov.uk,Tara,Mann,Team manager,team-manager,fs-banbury,occ,,2019-04-01",
    "pc@thamesvalley.police.uk,Pat,Cole,Detective constable,Domestic abuse practitioner,FS Banbury,"
    "Thames Valley Police,tm@oxfordshire.gov.uk,2023-01-16",
)


def errors_of(result) -> list[str]:
    return [str(error) for error in result.errors]


def test_good_file_creates_people_with_managers_roles_and_groups(organisation):
    """L&D import the Banbury team: everyone is created, placed and line-managed, in one go."""
    result = staff_import(data=GOOD)
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    ann = StaffProfile.objects.select_related("user", "line_manager", "role").get(
        user__email="ann.able@oxfordshire.gov.uk"
    )
    assert ann.line_manager.email == "tm@oxfordshire.gov.uk"
    assert ann.start_date == date(2024, 9, 1)
    assert ann.role.slug == roles.SOCIAL_WORKER
    assert ann.team == organisation["banbury"]
    police = StaffProfile.objects.get(user__email="pc@thamesvalley.police.uk")
    assert police.agency == organisation["police"]  # seconded into a council team, still police
    manager = User.objects.get(email="tm@oxfordshire.gov.uk")
    assert set(manager.groups.values_list("name", flat=True)) == {
        roles.GROUP_STAFF,
        roles.GROUP_TEAM_MANAGERS,
    }
    assert not manager.has_usable_password()
    assert EmailAddress.objects.get(user=manager).verified


def test_importing_the_same_file_twice_changes_nothing(organisation):
    """HR's weekly export, run again: nothing is created or updated."""
    staff_import(data=GOOD)
    result = staff_import(data=GOOD)
    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert User.objects.count() == 3


def test_upsert_matches_email_case_insensitively_and_reports_changed_fields(organisation):
    existing = staff_member(
        email="ann.able@oxfordshire.gov.uk", team=organisation["witney"], first_name="Anne"
    )
    result = staff_import(data=GOOD)
    assert result.ok
    change = next(change for change in result.changes if change.email == "ann.able@oxfordshire.gov.uk")
    assert change.action == "update"
    assert {"first name", "team", "line manager"} <= set(change.fields)
    existing.refresh_from_db()
    assert existing.first_name == "Ann"
    assert existing.profile.team == organisation["banbury"]
    assert User.objects.filter(email__iexact="ann.able@oxfordshire.gov.uk").count() == 1


def test_line_manager_already_on_the_platform(organisation):
    manager = staff_member(email="head@oxfordshire.gov.uk", role=roles.SENIOR_MANAGER)
    result = staff_import(
        data=csv_bytes("sw@oxfordshire.gov.uk,Sam,Wells,,Social worker,,occ,HEAD@oxfordshire.gov.uk,")
    )
    assert result.ok, errors_of(result)
    assert StaffProfile.objects.get(user__email="sw@oxfordshire.gov.uk").line_manager == manager


def test_dry_run_reports_changes_and_writes_nothing(organisation):
    result = staff_import(data=GOOD, dry_run=True)
    assert result.ok
    assert result.created == 3
    assert "would be created" in result.summary()
    assert not User.objects.exists()


BAD_ROWS = [
    ("x@oxfordshire.gov.uk,Xi,Ng,,Wizard,,occ,,", "unknown role 'Wizard'"),
    ("x@oxfordshire.gov.uk,Xi,Ng,,Social worker,FS Narnia,occ,,", "unknown team 'FS Narnia'"),
    ("x@oxfordshire.gov.uk,Xi,Ng,,Social worker,,Hogwarts,,", "unknown agency 'Hogwarts'"),
    ("not-an-email,Xi,Ng,,Social worker,,occ,,", "'not-an-email' is not a valid email address"),
    ("x@oxfordshire.gov.uk,Xi,Ng,,Social worker,,occ,,31/02/2024", "start date '31/02/2024' is not a date"),
    ("x@oxfordshire.gov.uk,Xi,Ng,,Social worker,,occ,,2024-13-01", "start date '2024-13-01' is not a date"),
    ("x@oxfordshire.gov.uk,Xi,Ng,,Social worker,,occ,,next week", "start date 'next week' is not a date"),
    ("x@oxfordshire.gov.uk,Xi,Ng,,Social worker,,occ,ghost@oxfordshire.gov.uk,", "line manager 'ghost@"),
    (
        "x@oxfordshire.gov.uk,Xi,Ng,,Social worker,,occ,X@oxfordshire.gov.uk,",
        "cannot be their own line manager",
    ),
    ("x@oxfordshire.gov.uk,Xi,Ng,,Social worker,,occ,manager@@bad,", "line manager email 'manager@@bad'"),
    ("x@oxfordshire.gov.uk,,Ng,,Social worker,,occ,,", "first name is missing"),
    (",Xi,Ng,,Social worker,,occ,,", "email is missing"),
    ("x@oxfordshire.gov.uk,Xi,Ng,,,,occ,,", "role is missing"),
    ("x@oxfordshire.gov.uk,Xi," + "N" * 151 + ",,Social worker,,occ,,", "last name is longer than 150"),
    ('x@oxfordshire.gov.uk,"Xi,Ng', "cannot be read as CSV"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_each_bad_row_is_reported_with_its_line_and_reason(organisation, row, reason):
    """The good first row is not written because line 3 is bad: all or nothing."""
    good = "good@oxfordshire.gov.uk,Gwen,Good,,Social worker,,occ,,"
    result = staff_import(data=csv_bytes(good, row))
    assert not result.ok
    assert any(error.line == 3 and reason in error.message for error in result.errors), errors_of(result)
    assert all(error.line == 3 for error in result.errors)
    assert not User.objects.exists()


def test_duplicate_email_in_file_names_the_first_line(organisation):
    result = staff_import(
        data=csv_bytes(
            "a@oxfordshire.gov.uk,A,One,,Social worker,,occ,,",
            "b@oxfordshire.gov.uk,B,Two,,Social worker,,occ,,",
            "A@OXFORDSHIRE.GOV.UK,A,Again,,Social worker,,occ,,",
        )
    )
    assert errors_of(result) == ["line 4: a@oxfordshire.gov.uk appears again (first on line 2)"]


def test_manager_loop_within_the_file_is_refused_on_each_line_in_it(organisation):
    result = staff_import(
        data=csv_bytes(
            "a@oxfordshire.gov.uk,A,One,,Team manager,,occ,b@oxfordshire.gov.uk,",
            "b@oxfordshire.gov.uk,B,Two,,Team manager,,occ,c@oxfordshire.gov.uk,",
            "c@oxfordshire.gov.uk,C,Three,,Team manager,,occ,a@oxfordshire.gov.uk,",
            "d@oxfordshire.gov.uk,D,Four,,Social worker,,occ,a@oxfordshire.gov.uk,",
        )
    )
    assert [error.line for error in result.errors] == [2, 3, 4]
    assert (
        "line managers form a loop: a@oxfordshire.gov.uk → b@oxfordshire.gov.uk" in result.errors[0].message
    )
    assert not User.objects.exists()


def test_manager_loop_through_someone_already_on_the_platform_is_refused(organisation):
    """Making the head of service report to a team manager who reports to them is a loop."""
    head = staff_member(email="head@oxfordshire.gov.uk", role=roles.SENIOR_MANAGER)
    staff_member(email="tm@oxfordshire.gov.uk", role=roles.TEAM_MANAGER, line_manager=head)
    result = staff_import(
        data=csv_bytes("head@oxfordshire.gov.uk,Hel,Head,,Senior manager,,occ,tm@oxfordshire.gov.uk,")
    )
    assert [str(error) for error in result.errors] == [
        "line 2: line managers form a loop: "
        "head@oxfordshire.gov.uk → tm@oxfordshire.gov.uk → head@oxfordshire.gov.uk"
    ]


def test_every_bad_row_is_reported_not_just_the_first(organisation):
    result = staff_import(
        data=csv_bytes(
            "a@oxfordshire.gov.uk,A,One,,Wizard,,occ,,",
            "b@oxfordshire.gov.uk,B,Two,,Social worker,,occ,,",
            "c@oxfordshire.gov.uk,C,Three,,Social worker,,Nowhere,,99/99/2024",
        )
    )
    assert [error.line for error in result.errors] == [2, 4, 4]


def test_leaver_keeps_their_records_and_people_missing_from_the_file_are_untouched(organisation):
    """Ann leaves (active false): her profile stays, she cannot sign in, and Tom, who is not
    in this partial export, is left exactly as he was."""
    staff_import(data=GOOD)
    tom = staff_member(email="tom@oxfordshire.gov.uk")
    header = HEADER.rstrip("\n") + ",active\n"
    result = staff_import(
        data=csv_bytes(
            "ann.able@oxfordshire.gov.uk,Ann,Able,Social worker,Social worker,FS Banbury,"
            "Oxfordshire County Council,tm@oxfordshire.gov.uk,01/09/2024,false",
            header=header,
        )
    )
    assert result.ok, errors_of(result)
    assert [(change.action, change.fields) for change in result.changes] == [("update", ("active",))]
    ann = User.objects.get(email="ann.able@oxfordshire.gov.uk")
    assert not ann.is_active
    assert not ann.profile.active
    assert ann.groups.count() == 0
    tom.refresh_from_db()
    assert tom.is_active and tom.profile.active


def test_active_column_must_be_true_or_false(organisation):
    header = HEADER.rstrip("\n") + ",active\n"
    result = staff_import(
        data=csv_bytes("a@oxfordshire.gov.uk,A,One,,Social worker,,occ,,,perhaps", header=header)
    )
    assert errors_of(result) == ["line 2: active 'perhaps' must be true or false"]


def test_headers_are_matched_loosely_and_extra_columns_are_ignored(organisation):
    header = (
        "Email Address,First_Name,SURNAME,Job Title,Role,Team,Agency,Line-Manager Email,Start Date,Payroll\n"
    )
    result = staff_import(
        data=csv_bytes("a@oxfordshire.gov.uk,A,One,,Social worker,,occ,,,12345", header=header)
    )
    assert result.ok, errors_of(result)
    assert [str(warning) for warning in result.warnings] == ["line 1: ignored column(s): Payroll"]


def test_missing_headers_are_named(organisation):
    result = staff_import(data=b"email,first name,last name\na@oxfordshire.gov.uk,A,One\n")
    assert len(result.errors) == 1
    message = result.errors[0].message
    assert message.startswith(
        "Line 1: missing column(s): job title, role, team, agency, line manager email, start date"
    )


def test_duplicate_header_is_refused(organisation):
    result = staff_import(data=csv_bytes(header=HEADER.rstrip("\n") + ",Email\n"))
    assert "the column 'email' appears more than once" in result.errors[0].message


def test_team_names_shared_by_two_agencies_are_resolved_by_the_rows_agency(organisation):
    police_team = TeamFactory(name="FS Banbury", slug="tvp-banbury", agency=organisation["police"])
    result = staff_import(
        data=csv_bytes("pc@thamesvalley.police.uk,P,C,,Social worker,FS Banbury,Thames Valley Police,,")
    )
    assert result.ok, errors_of(result)
    assert StaffProfile.objects.get(user__email="pc@thamesvalley.police.uk").team == police_team
    ambiguous = staff_import(data=csv_bytes("x@example.org,X,Y,,Social worker,FS Banbury,,,"))
    assert "team 'FS Banbury' is ambiguous" in ambiguous.errors[0].message


# Hostile and malformed files


def test_utf8_with_byte_order_mark_is_accepted(organisation):
    data = "\ufeff".encode() + csv_bytes("zoe@oxfordshire.gov.uk,Zoë,Ðurić,,Social worker,,occ,,")
    result = staff_import(data=data)
    assert result.ok, errors_of(result)
    assert User.objects.get(email="zoe@oxfordshire.gov.uk").last_name == "Ðurić"


def test_other_encodings_are_refused_clearly(organisation):
    data = csv_bytes("zoe@oxfordshire.gov.uk,Zoë,Smith,,Social worker,,occ,,").decode().encode("latin-1")
    result = staff_import(data=data)
    assert errors_of(result) == [
        "The file is not UTF-8 text (first unreadable byte on line 2). In Excel, save it as "
        "'CSV UTF-8 (comma delimited)' and try again."
    ]
    utf16 = staff_import(
        data=csv_bytes("a@oxfordshire.gov.uk,A,B,,Social worker,,occ,,").decode().encode("utf-16")
    )
    assert not utf16.ok


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"   \n\n", "The file is empty"),
        (HEADER.encode(), "The file has a header line but no people in it."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a CSV text file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "This is not a CSV text file"),
        (b"\n\n" + HEADER.encode(), "The first line must name the columns"),
    ],
)
def test_empty_and_binary_files_are_refused(organisation, data, message):
    result = staff_import(data=data)
    assert not result.ok
    assert result.errors[0].message.startswith(message)


def test_names_that_look_like_formulas_are_stored_exactly_as_typed(organisation):
    """A name like =HYPERLINK(...) is kept as HR typed it: exports neutralise it on the way out."""
    result = staff_import(
        data=csv_bytes(
            'evil@oxfordshire.gov.uk,"=HYPERLINK(""http://x"")",+Smith,@SUM(A1),Social worker,,occ,,',
            "dash@oxfordshire.gov.uk,Ann,-Lee,-,Social worker,,occ,,",
        )
    )
    assert result.ok, errors_of(result)
    assert result.warnings == []
    evil = User.objects.get(email="evil@oxfordshire.gov.uk")
    assert (evil.first_name, evil.last_name) == ('=HYPERLINK("http://x")', "+Smith")
    assert evil.profile.job_title == "@SUM(A1)"
    dash = User.objects.get(email="dash@oxfordshire.gov.uk")
    assert (dash.last_name, dash.profile.job_title) == ("-Lee", "-")
    assert (
        staff_import(
            data=csv_bytes(
                'evil@oxfordshire.gov.uk,"=HYPERLINK(""http://x"")",+Smith,@SUM(A1),Social worker,,occ,,',
                "dash@oxfordshire.gov.uk,Ann,-Lee,-,Social worker,,occ,,",
            )
        ).unchanged
        == 2
    )


def test_too_many_rows_is_refused(organisation, monkeypatch):
    monkeypatch.setattr(conf, "STAFF_IMPORT_MAX_ROWS", 3)
    rows = [f"p{n}@oxfordshire.gov.uk,P,{n},,Social worker,,occ,," for n in range(4)]
    result = staff_import(data=csv_bytes(*rows))
    assert result.errors[0].message == "The file has more than 3 rows. Split it into smaller files."
    assert not User.objects.exists()


def test_too_many_bytes_is_refused(organisation, monkeypatch):
    monkeypatch.setattr(conf, "STAFF_IMPORT_MAX_BYTES", 100)
    result = staff_import(data=GOOD)
    assert result.errors[0].message.startswith("The file is too large")


def test_import_is_one_transaction(organisation, monkeypatch):
    """A failure while writing (say, the database going away) leaves nobody half-imported."""
    from cms.people.services import staff_import_writes as module

    def failing_sync(*, user_ids):
        raise RuntimeError("database went away")

    monkeypatch.setattr(module, "role_groups_sync_many", failing_sync)
    with pytest.raises(RuntimeError):
        staff_import(data=GOOD)
    assert not User.objects.exists()


# The management command


def write(tmp_path, data: bytes):
    path = tmp_path / "staff.csv"
    path.write_bytes(data)
    return str(path)


def test_command_imports_and_reports(organisation, tmp_path):
    out = io.StringIO()
    call_command("import_staff", write(tmp_path, GOOD), stdout=out)
    assert "3 rows: 3 created, 0 updated, 0 unchanged." in out.getvalue()
    assert "line 2: create ann.able@oxfordshire.gov.uk" in out.getvalue()
    assert User.objects.count() == 3


def test_command_dry_run_writes_nothing(organisation, tmp_path):
    out = io.StringIO()
    call_command("import_staff", write(tmp_path, GOOD), "--dry-run", stdout=out)
    assert "would create ann.able@oxfordshire.gov.uk" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert not User.objects.exists()


def test_command_fails_with_every_bad_line_on_stderr(organisation, tmp_path):
    err = io.StringIO()
    data = csv_bytes(
        "a@oxfordshire.gov.uk,A,One,,Wizard,,occ,,", "b@oxfordshire.gov.uk,B,Two,,Social worker,,x,,"
    )
    path = write(tmp_path, data)
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_staff", path, stderr=err)
    assert f"{path}: line 2: unknown role 'Wizard'" in err.getvalue()
    assert f"{path}: line 3: unknown agency 'x'" in err.getvalue()


def test_command_exit_status_is_non_zero_on_errors(organisation, tmp_path):
    """Run as a real process, as an operator or a cron job would."""
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "import_staff", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "no such file" in result.stderr


def test_command_refuses_a_file_over_the_byte_cap_before_reading_it(organisation, tmp_path, monkeypatch):
    monkeypatch.setattr(conf, "STAFF_IMPORT_MAX_BYTES", 10)
    with pytest.raises(CommandError, match="too large"):
        call_command("import_staff", write(tmp_path, GOOD))


def test_superuser_imported_as_leaver_keeps_sign_in(organisation):
    """The HR export cannot lock out the platform's administrator."""
    admin = UserFactory(email="admin@oxfordshire.gov.uk", is_superuser=True)
    header = HEADER.rstrip("\n") + ",active\n"
    staff_import(data=csv_bytes("admin@oxfordshire.gov.uk,Ad,Min,,Social worker,,occ,,,no", header=header))
    admin.refresh_from_db()
    assert admin.is_active


# Who the import may adopt

SIGNUP_PASSWORD = "an-attacker-chose-this-77"
TARA = (
    "tm@oxfordshire.gov.uk,Tara,Mann,Team manager,Team manager,FS Banbury,occ,,2019-04-01",
    "sw@oxfordshire.gov.uk,Sam,Wells,Social worker,Social worker,FS Banbury,occ,tm@oxfordshire.gov.uk,",
)


def self_sign_up(client, email: str) -> User:
    """Sign up through the public form, as anyone can with an allowed domain (not confirmed)."""
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Mallory",
            "last_name": "Prereg",
            "email": email,
            "password1": SIGNUP_PASSWORD,
            "password2": SIGNUP_PASSWORD,
        },
        REMOTE_ADDR=f"10.12.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}",  # rate limits of its own
    )
    assert response.status_code == 302
    return User.objects.get(email=email)


def test_unconfirmed_self_sign_up_is_taken_over_and_the_pre_registrant_gains_nothing(
    client, home_page, organisation, mailoutbox
):
    """Someone pre-registers a team manager's address before HR's import: the import gives the
    account to the person HR names; the password, confirmation link and session they hold are dead."""
    squatter = self_sign_up(client, "tm@oxfordshire.gov.uk")
    old_address = EmailAddress.objects.get(user=squatter)
    confirm_link = f"/accounts/confirm-email/{EmailConfirmationHMAC(old_address).key}/"
    assert client.session.get("account_login")  # part-way through signing in

    check = staff_import(data=csv_bytes(*TARA), dry_run=True)
    assert check.ok, errors_of(check)
    takeover = check.changes[0]
    assert takeover.action == "update"
    assert "sign-in (unconfirmed sign-up taken over)" in takeover.fields
    assert any("never confirmed the address" in str(warning) for warning in check.warnings)

    result = staff_import(data=csv_bytes(*TARA))
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.taken_over) == (1, 1, 1)
    tara = User.objects.get(pk=squatter.pk)
    assert (tara.first_name, tara.last_name) == ("Tara", "Mann")
    assert not tara.has_usable_password()
    assert tara.profile.role.slug == roles.TEAM_MANAGER
    assert tara.profile.team == organisation["banbury"]
    assert User.objects.get(email="sw@oxfordshire.gov.uk").profile.line_manager == tara
    address = EmailAddress.objects.get(user=tara)
    assert address.verified and address.primary and address.pk != old_address.pk

    # The pre-registrant: their session was ended, their password and their link do nothing.
    assert "account_login" not in client.session
    client.post(confirm_link)
    assert "_auth_user_id" not in client.session
    assert EmailAddress.objects.get(user=tara).pk == address.pk
    client.post("/accounts/login/", {"login": "tm@oxfordshire.gov.uk", "password": SIGNUP_PASSWORD})
    assert "_auth_user_id" not in client.session
    # Tara herself gets in the way every imported person does: by resetting the password.
    client.post("/accounts/password/reset/", {"email": "tm@oxfordshire.gov.uk"})
    assert "/accounts/password/reset/key/" in mailoutbox[-1].body


def test_confirmed_self_sign_up_is_updated_and_keeps_their_password(client, home_page, organisation):
    """A team manager who signed up and confirmed their address is HR's person: placed, password kept."""
    user = self_sign_up(client, "tm@oxfordshire.gov.uk")
    EmailAddress.objects.filter(user=user).update(verified=True)
    result = staff_import(data=csv_bytes(*TARA))
    assert result.ok, errors_of(result)
    assert result.taken_over == 0
    user.refresh_from_db()
    assert user.check_password(SIGNUP_PASSWORD)
    assert user.profile.role.slug == roles.TEAM_MANAGER
    assert result.warnings == []


def _joined_by_invitation(email: str, *, confirmed: bool) -> User:
    """Kim was invited at that address and made an account from the link (confirmed or not)."""
    sent = invitation_send(email=email, invited_by=None)
    kim = UserFactory(email=email)
    EmailAddress.objects.create(user=kim, email=kim.email, verified=confirmed, primary=True)
    invitation_accept(invitation=sent.invitation, user=kim)
    return kim


def test_invited_account_outside_the_domains_is_updated_and_keeps_their_password(organisation):
    """A charity worker who joined by invitation is placed by the import; their sign-in is untouched."""
    kim = _joined_by_invitation("kim@charity.org.uk", confirmed=True)
    result = staff_import(data=csv_bytes("kim@charity.org.uk,Kim,Lee,,Social worker,FS Banbury,occ,,"))
    assert result.ok, errors_of(result)
    assert [change.action for change in result.changes] == ["update"]
    kim.refresh_from_db()
    assert kim.check_password("correct-horse-battery-staple")
    assert kim.profile.team == organisation["banbury"]


def test_an_invited_account_that_never_confirmed_is_not_taken_over(organisation):
    """An invitation proves the address, so an account made from one is HR's person even unconfirmed."""
    kim = _joined_by_invitation("kim@oxfordshire.gov.uk", confirmed=False)
    result = staff_import(data=csv_bytes("kim@oxfordshire.gov.uk,Kim,Lee,,Social worker,,occ,,"))
    assert result.ok and result.taken_over == 0
    kim.refresh_from_db()
    assert kim.has_usable_password()


def test_someone_imported_before_is_updated_not_taken_over(organisation):
    """Last week's import made Ann; this week's moves her team and nothing about her sign-in."""
    staff_import(data=GOOD)
    ann = User.objects.get(email="ann.able@oxfordshire.gov.uk")
    ann.set_password("her-own-password-123")
    ann.save()
    moved = GOOD.decode().replace(
        "Social worker,FS Banbury,Oxfordshire County Council",
        "Social worker,FS Witney,Oxfordshire County Council",
    )
    result = staff_import(data=moved.encode())
    assert result.ok, errors_of(result)
    assert (result.updated, result.taken_over) == (1, 0)
    ann.refresh_from_db()
    assert ann.check_password("her-own-password-123")
    assert ann.profile.team == organisation["witney"]


def test_an_unconfirmed_sign_up_cannot_become_a_line_manager_from_outside_the_file(
    client, home_page, organisation
):
    """A pre-registered manager's address named only as line manager is refused, not trusted."""
    squatter = self_sign_up(client, "tm@oxfordshire.gov.uk")
    result = staff_import(data=csv_bytes(TARA[1]))
    assert errors_of(result) == [
        "line 2: line manager 'tm@oxfordshire.gov.uk' signed up but never confirmed the address, so "
        "may not be the person HR means; add them to this file and the import takes the account over"
    ]
    assert not User.objects.filter(email="sw@oxfordshire.gov.uk").exists()
    squatter.refresh_from_db()
    assert squatter.check_password(SIGNUP_PASSWORD)


# Which addresses the import accepts


def test_new_people_outside_the_sign_up_domains_are_refused(organisation):
    """HR cannot create an account the sign-up rules would not: partners outside them are invited."""
    result = staff_import(
        data=csv_bytes(
            "ok@oxfordshire.gov.uk,O,K,,Social worker,,occ,,",
            "kim@charity.org.uk,Kim,Lee,,Social worker,,occ,,",
            "x@oxfordshire.gov.uk.evil.com,X,Y,,Social worker,,occ,,",
        )
    )
    assert [(error.line, error.message.split(" is not")[0]) for error in result.errors] == [
        (3, "'charity.org.uk'"),
        (4, "'oxfordshire.gov.uk.evil.com'"),
    ]
    assert "ALLOWED_SIGNUP_DOMAINS" in result.errors[0].message
    assert not User.objects.exists()


def test_sign_up_domains_are_the_settings_the_adapter_reads(organisation, settings):
    """One rule: adding a partner's domain to ALLOWED_SIGNUP_DOMAINS lets the import create them too."""
    settings.ALLOWED_SIGNUP_DOMAINS = [*settings.ALLOWED_SIGNUP_DOMAINS, "charity.org.uk"]
    result = staff_import(data=csv_bytes("kim@charity.org.uk,Kim,Lee,,Social worker,,occ,,"))
    assert result.ok, errors_of(result)


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("=1+1@oxfordshire.gov.uk", "it starts with =, which a spreadsheet would run as a formula"),
        ("+cmd@oxfordshire.gov.uk", "it starts with +"),
        ("-2+3@oxfordshire.gov.uk", "it starts with -"),
        ('"a b"@oxfordshire.gov.uk', "before the @ it may only have letters, digits"),
        ("a<script>@oxfordshire.gov.uk", "before the @ it may only have letters, digits"),
        ("a|calc@oxfordshire.gov.uk", "before the @ it may only have letters, digits"),
        ("ann@oxfordshire", "'oxfordshire' is not an email domain"),
        ("ann@-oxfordshire.gov.uk", "'-oxfordshire.gov.uk' is not an email domain"),
        ("ann@[127.0.0.1]", "'[127.0.0.1]' is not an email domain"),
        ("ann@@oxfordshire.gov.uk", "it has more than one @"),
        ("@oxfordshire.gov.uk", "it needs a name, an @ and a domain"),
        (".ann@oxfordshire.gov.uk", "a dot cannot start or end the name before the @"),
        ("ann.@oxfordshire.gov.uk", "a dot cannot start or end the name before the @"),
        (
            "ann..lee@oxfordshire.gov.uk",
            "a dot cannot start or end the name before the @, or follow another dot",
        ),
    ],
)
def test_hostile_and_odd_email_addresses_are_refused_with_the_reason(organisation, email, reason):
    """An HR export naming `=1+1@...` or similar is refused on its line; nothing is written."""
    result = staff_import(
        data=csv_bytes(f'"{email.replace(chr(34), chr(34) * 2)}",X,Y,,Social worker,,occ,,')
    )
    assert [error.line for error in result.errors] == [2]
    assert "is not a valid email address: " + reason in result.errors[0].message, errors_of(result)
    assert not User.objects.exists()


def test_hostile_line_manager_email_is_refused_too(organisation):
    result = staff_import(
        data=csv_bytes("a@oxfordshire.gov.uk,A,B,,Social worker,,occ,=1+1@oxfordshire.gov.uk,")
    )
    assert errors_of(result) == [
        "line 2: line manager email '=1+1@oxfordshire.gov.uk' is not a valid email address: it starts "
        "with =, which a spreadsheet would run as a formula"
    ]


def test_plain_addresses_with_apostrophes_plus_and_percent_are_accepted(organisation):
    """Real addresses: O'Brien, sub-addressing and the odd percent sign."""
    result = staff_import(
        data=csv_bytes(
            "sean.o'brien@oxfordshire.gov.uk,Seán,O'Brien,,Social worker,,occ,,",
            "ann+hr@oxfordshire.gov.uk,Ann,Lee,,Social worker,,occ,,",
            "bo_b%x-y@nhs.net,Bo,B,,Social worker,,occ,,",
        )
    )
    assert result.ok, errors_of(result)
    assert result.created == 3


# Speed: a constant number of queries


def big_file(count: int, *, team: str = "FS Banbury") -> bytes:
    """`count` people: a team manager every ten, managing the next nine (later lines)."""
    rows = []
    for n in range(count):
        manager = "" if n % 10 == 0 else f"p{n - n % 10:04d}@oxfordshire.gov.uk"
        role = "Team manager" if n % 10 == 0 else "Social worker"
        rows.append(f"p{n:04d}@oxfordshire.gov.uk,P,{n:04d},,{role},{team},occ,{manager},2024-09-01")
    return csv_bytes(*rows)


@pytest.mark.parametrize("count", [50, 500])
def test_import_uses_the_same_few_queries_for_50_or_500_people(
    organisation, count, django_assert_max_num_queries
):
    """Importing a locality or the whole county costs the same number of queries: create, then move."""
    with django_assert_max_num_queries(16):
        created = staff_import(data=big_file(count))
    assert created.created == count, errors_of(created)
    with django_assert_max_num_queries(16):
        moved = staff_import(data=big_file(count, team="FS Witney"))
    assert moved.updated == count
    with django_assert_max_num_queries(7):
        again = staff_import(data=big_file(count, team="FS Witney"))
    assert again.unchanged == count
    assert User.objects.get(email="p0011@oxfordshire.gov.uk").profile.line_manager.email == (
        "p0010@oxfordshire.gov.uk"
    )
    assert User.objects.get(email="p0010@oxfordshire.gov.uk").groups.count() == 2


def test_progress_is_reported_while_checking_and_at_the_end(organisation, monkeypatch):
    """A long import says how far it has got: every PROGRESS_EVERY rows checked, then done."""
    from importlib import import_module

    # The module, not the function of the same name that cms.people.services exports.
    module = import_module("cms.people.services.staff_import")
    monkeypatch.setattr(module, "PROGRESS_EVERY", 20)
    seen = []
    staff_import(data=big_file(50), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(20, 50), (40, 50), (50, 50)]


# Records follow people


def test_people_changed_is_sent_after_commit_with_everyone_created_or_changed(
    organisation, django_capture_on_commit_callbacks
):
    """Learning refreshes enrolments for the people the import created or changed, not the unchanged."""
    from cms.people.signals import people_changed

    staff_import(data=GOOD)
    received = []

    def receiver(sender, user_ids, **kwargs):
        received.append(sorted(user_ids))

    people_changed.connect(receiver)
    try:
        header = HEADER.rstrip("\n") + ",active\n"
        with django_capture_on_commit_callbacks(execute=True):
            staff_import(
                data=csv_bytes(
                    "ann.able@oxfordshire.gov.uk,Ann,Able,Social worker,Social worker,FS Banbury,"
                    "Oxfordshire County Council,tm@oxfordshire.gov.uk,01/09/2024,false",
                    "tm@oxfordshire.gov.uk,Tara,Mann,Team manager,team-manager,fs-banbury,occ,,"
                    "2019-04-01,true",
                    "new@oxfordshire.gov.uk,Nia,New,,Social worker,,occ,,,true",
                    header=header,
                )
            )
        with django_capture_on_commit_callbacks(execute=True):
            staff_import(data=GOOD, dry_run=True)
    finally:
        people_changed.disconnect(receiver)
    ann = User.objects.get(email="ann.able@oxfordshire.gov.uk")
    new = User.objects.get(email="new@oxfordshire.gov.uk")
    assert received == [sorted([ann.pk, new.pk])]


def test_a_leaver_imported_is_signed_out_of_the_cached_sign_in_at_once(
    organisation, site_caches, django_capture_on_commit_callbacks
):
    """The sign-in cache forgets people the import deactivates (bulk writes send no post_save)."""
    from django.core.cache import cache

    from cms.people.middleware import user_cache_key

    staff_import(data=GOOD)
    ann = User.objects.get(email="ann.able@oxfordshire.gov.uk")
    cache.set(user_cache_key(ann.pk), ann, 300)
    header = HEADER.rstrip("\n") + ",active\n"
    with django_capture_on_commit_callbacks(execute=True):
        staff_import(
            data=csv_bytes(
                "ann.able@oxfordshire.gov.uk,Ann,Able,Social worker,Social worker,FS Banbury,"
                "Oxfordshire County Council,tm@oxfordshire.gov.uk,01/09/2024,false",
                header=header,
            )
        )
    assert cache.get(user_cache_key(ann.pk)) is None


# Big imports run as Celery jobs


def test_a_confirmed_import_runs_in_the_celery_worker_and_keeps_its_outcome(organisation, celery_worker):
    """L&D confirm a 500-person export: a worker imports it, counting rows, and the outcome is kept."""
    from cms.people.models import StaffImportJob
    from cms.people.services import staff_import_job_create
    from tests.conftest import wait_for

    ld = staff_member(role=roles.LEARNING_AND_DEVELOPMENT)
    job = staff_import_job_create(data=big_file(500), file_name="county.csv", created_by=ld)
    finished = wait_for(
        lambda: StaffImportJob.objects.filter(pk=job.pk, status="succeeded").first(), timeout=60
    )
    assert (finished.rows_done, finished.rows_total) == (500, 500)
    assert finished.summary == "500 rows: 500 created, 0 updated, 0 unchanged."
    assert finished.outcome["created"] == 500
    assert finished.started_at <= finished.finished_at
    assert bytes(finished.data) == b""
    assert StaffProfile.objects.filter(user__email__startswith="p0").count() == 500


def test_a_bad_file_through_the_worker_ends_as_not_imported_with_every_line(organisation, celery_worker):
    """A file the worker refuses is kept as an outcome naming each bad line; nothing is written."""
    from cms.people.models import StaffImportJob
    from cms.people.services import staff_import_job_create
    from tests.conftest import wait_for

    data = csv_bytes(
        "a@oxfordshire.gov.uk,A,One,,Wizard,,occ,,", "=1+1@oxfordshire.gov.uk,B,Two,,Social worker,,occ,,"
    )
    job = staff_import_job_create(data=data, file_name="bad.csv", created_by=None)
    failed = wait_for(lambda: StaffImportJob.objects.filter(pk=job.pk, status="failed").first(), timeout=60)
    assert failed.summary == "2 problems found; nothing was imported."
    assert [line for line, _ in failed.outcome["errors"]] == [2, 3]
    assert not User.objects.filter(email="a@oxfordshire.gov.uk").exists()


def test_big_imports_read_whole_tables_and_touch_only_the_people_in_the_file(organisation, monkeypatch):
    """Above a size the import reads everyone at once instead of listing addresses: people outside
    the file keep their groups and profile exactly."""
    from cms.people.services import roles as role_services
    from cms.people.services import staff_import_people

    monkeypatch.setattr(staff_import_people, "WHOLE_TABLE_FROM", 1)
    monkeypatch.setattr(role_services, "BULK_READ_ALL_FROM", 1)
    bystander = staff_member(
        email="tom@oxfordshire.gov.uk", role=roles.TEAM_MANAGER, team=organisation["witney"]
    )
    before = set(bystander.groups.values_list("name", flat=True))
    result = staff_import(data=GOOD)
    assert result.ok, errors_of(result)
    assert set(User.objects.get(email="tm@oxfordshire.gov.uk").groups.values_list("name", flat=True)) == {
        roles.GROUP_STAFF,
        roles.GROUP_TEAM_MANAGERS,
    }
    assert set(bystander.groups.values_list("name", flat=True)) == before
    bystander.profile.refresh_from_db()
    assert bystander.profile.team == organisation["witney"]
    assert staff_import(data=GOOD).unchanged == 3
