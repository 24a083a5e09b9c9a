"""Staff import from an HR export: the service, `manage.py import_staff`, and hostile files."""

import io
from datetime import date

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from cms.people import conf, roles
from cms.people.models import StaffProfile, User
from cms.people.staff_import import staff_import
from tests.cms.factories import AgencyFactory, TeamFactory, UserFactory, role_ensure, staff_member

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


def test_spreadsheet_formulas_in_names_are_stored_as_text(organisation):
    """A name like =HYPERLINK(...) must never run when someone opens an export in Excel."""
    result = staff_import(
        data=csv_bytes(
            'evil@oxfordshire.gov.uk,"=HYPERLINK(""http://x"")",+Smith,@SUM(A1),Social worker,,occ,,',
            "dash@oxfordshire.gov.uk,Ann,-Lee,-,Social worker,,occ,,",
        )
    )
    assert result.ok, errors_of(result)
    evil = User.objects.get(email="evil@oxfordshire.gov.uk")
    assert evil.first_name == '\'=HYPERLINK("http://x")'
    assert evil.last_name == "'+Smith"
    assert evil.profile.job_title == "'@SUM(A1)"
    assert any("formula character" in str(warning) for warning in result.warnings)


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
    from cms.people import staff_import as module

    calls = {"n": 0}
    real_sync = module.role_groups_sync

    def failing_sync(*, user):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        real_sync(user=user)

    monkeypatch.setattr(module, "role_groups_sync", failing_sync)
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
    assert "3 row(s): 3 were created, 0 were updated, 0 unchanged." in out.getvalue()
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
