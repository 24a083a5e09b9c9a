"""An L&D officer imports the HR export in the admin: a bad file shows each bad line; a good one is
queued as a job, whose page follows the worker's progress and then shows the kept outcome."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cms.people import roles
from cms.people.models import User
from tests.cms.people.factories import AgencyFactory, TeamFactory, role_ensure, staff_member
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/shots/h2"))  # noqa: S108 - review screenshots, outside the repo
HEADER = "email,first name,last name,job title,role,team,agency,line manager email,start date\n"
BAD_FILE = (
    HEADER + "jess.palmer@oxfordshire.gov.uk,Jess,Palmer,Social worker,Social worker,FS Banbury,occ,"
    "tm.banbury@oxfordshire.gov.uk,01/09/2024\n"
    "tm.banbury@oxfordshire.gov.uk,Tara,Mann,Team manager,Team manager,FS Banbury,occ,,2019-04-01\n"
    "sam@oxfordshire.gov.uk,Sam,Wells,Social worker,Wizard,FS Banbury,occ,,2024-01-01\n"
    "JESS.PALMER@oxfordshire.gov.uk,Jess,Again,Social worker,Social worker,FS Banbury,occ,,2024-01-01\n"
    "kim@oxfordshire.gov.uk,Kim,Lee,Social worker,Social worker,FS Banbury,occ,,31/02/2024\n"
    "ali@oxfordshire.gov.uk,Ali,Khan,Social worker,Social worker,FS Banbury,occ,ghost@oxfordshire.gov.uk,\n"
)
GOOD_FILE = (
    HEADER + "jess.palmer@oxfordshire.gov.uk,Jess,Palmer,Social worker,Social worker,FS Banbury,occ,"
    "tm.banbury@oxfordshire.gov.uk,01/09/2024\n"
    "tm.banbury@oxfordshire.gov.uk,Tara,Mann,Team manager,Team manager,FS Banbury,occ,,2019-04-01\n"
)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def ld_officer(transactional_db):
    """An L&D editor enrolled in MFA, and the council's Banbury team to import into."""
    council = AgencyFactory(name="Oxfordshire County Council", slug="occ")
    TeamFactory(name="FS Banbury", slug="fs-banbury", agency=council)
    for slug in (roles.SOCIAL_WORKER, roles.TEAM_MANAGER):
        role_ensure(slug)
    return staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, email="ld@oxfordshire.gov.uk")


def test_ld_officer_uploads_a_bad_file_sees_every_bad_line_then_imports_a_good_one(
    live_server, page, sign_in, ld_officer, tmp_path, celery_worker
):
    sign_in(ld_officer)
    page.goto(live_server.url + "/admin/people/import/")
    expect(page.get_by_role("heading", name="Import staff", level=1)).to_be_visible()
    shot(page, "01-import-form")
    assert_accessible(page)

    bad = tmp_path / "hr-export.csv"
    bad.write_text(BAD_FILE, encoding="utf-8")
    page.get_by_label("HR export (CSV file)").set_input_files(str(bad))
    page.get_by_role("button", name="Check file").focus()
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    for line in (
        "Line 4: unknown role 'Wizard'",
        "Line 5: jess.palmer@oxfordshire.gov.uk appears again (first on line 2)",
        "Line 6: start date '31/02/2024' is not a date; use YYYY-MM-DD or DD/MM/YYYY",
        "Line 7: line manager 'ghost@oxfordshire.gov.uk' is not in this file or on the platform",
    ):
        expect(summary.get_by_role("link", name=line)).to_be_visible()
    expect(page.get_by_text("You uploaded hr-export.csv.")).to_be_visible()
    shot(page, "02-bad-file-errors")
    assert_accessible(page)
    assert not User.objects.filter(email="jess.palmer@oxfordshire.gov.uk").exists()

    # Following an error link takes the keyboard user to the file field to choose the corrected file.
    summary.get_by_role("link", name="Line 4: unknown role 'Wizard'").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("HR export (CSV file)")).to_be_focused()

    good = tmp_path / "hr-export-fixed.csv"
    good.write_text(GOOD_FILE, encoding="utf-8")
    page.get_by_label("HR export (CSV file)").set_input_files(str(good))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("heading", name="Check the changes in hr-export-fixed.csv")).to_be_visible()
    expect(page.get_by_role("table", name="Changes by line of the file")).to_contain_text("New person")
    shot(page, "03-check-changes")
    assert_accessible(page)

    page.get_by_role("button", name="Import 2 changes").click()
    # The job page polls the worker's progress and, once the job ends, shows its outcome.
    expect(page.get_by_role("heading", name="Imported", level=2)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("2 rows: 2 created, 0 updated, 0 unchanged.")).to_be_visible()
    shot(page, "04-imported")
    assert_accessible(page)

    # The outcome is kept: the import page lists it among the recent imports.
    page.get_by_role("link", name="Import another file").click()
    recent = page.get_by_role("table", name="Recent imports")
    expect(recent.get_by_role("row").filter(has_text="hr-export-fixed.csv")).to_contain_text("Imported")
    assert_accessible(page)
    recent.get_by_role("link", name="hr-export-fixed.csv").click()
    expect(page.get_by_role("heading", name="Imported", level=2)).to_be_visible()
    jess = User.objects.get(email="jess.palmer@oxfordshire.gov.uk")
    assert jess.profile.line_manager.email == "tm.banbury@oxfordshire.gov.uk"

    page.get_by_role("link", name="View the staff list").click()
    row = page.get_by_role("row").filter(has_text="jess.palmer@oxfordshire.gov.uk")
    expect(row).to_contain_text("Tara Mann")  # her line manager, imported from a later line
    expect(row).to_contain_text("FS Banbury")
    shot(page, "05-staff-list")
    assert_accessible(page)
