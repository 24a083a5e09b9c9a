"""What every kind of package does alike (the generic layer in modules/packages), for each kind:
versions, refusals that leave nothing behind, idempotent extraction, the import command, and the
admin screens that only L&D may use. What a kind does of its own is tested beside it
(tests/modules/h5p/, tests/modules/scorm/, tests/modules/xapi_packages/)."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from modules.packages.archive import PackageRefused
from modules.packages.models import PackageStatus
from modules.packages.services import package_create, package_version_add, package_version_extract
from tests.cms.people.factories import UserFactory, group_member, ld_editor_create, mfa_enrol
from tests.modules.factories import package_ready
from tests.modules.packages.kinds import every_kind, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PROJECT = Path(__file__).resolve().parents[3]


@every_kind
def test_a_reupload_makes_a_new_version_and_lessons_keep_the_ready_one_until_it_is_ready(kind):
    """L&D re-uploads a fixed package: learners keep playing version 1 until version 2 is ready."""
    package = package_ready(kind=kind.name)
    first = package.current_version
    upload = ContentFile(kind.demo(), name=kind.filename)
    second = package_version_add(kind=kind.kind, package=package, upload=upload)
    package.refresh_from_db()
    assert (second.number, package.current_version_id, package.status) == (
        2,
        first.pk,
        PackageStatus.PROCESSING,
    )

    package_version_extract(kind=kind.kind, version_id=second.pk)
    package.refresh_from_db()
    assert (package.current_version_id, package.status) == (second.pk, PackageStatus.READY)


@every_kind
def test_a_package_refused_while_extracting_leaves_nothing_behind(kind, media):
    """A header that lies is caught while unpacking: the version is refused with its reason and
    every file written for it (extracted and uploaded) is deleted."""
    package = package_ready(kind=kind.name)
    before = stored_files(media)
    bad = package_version_add(
        kind=kind.kind, package=package, upload=ContentFile(kind.lie(), name=kind.filename)
    )
    bad = package_version_extract(kind=kind.kind, version_id=bad.pk)
    package.refresh_from_db()

    assert bad.status == PackageStatus.REFUSED
    assert bad.refusal_code == "size-mismatch"
    assert kind.lie_reason in bad.refusal_reasons[0]
    assert stored_files(media) == before
    assert package.status == PackageStatus.REFUSED
    assert package.current_version.number == 1


@every_kind
def test_an_upload_refused_at_once_writes_nothing(kind, media):
    with pytest.raises(PackageRefused):
        package_create(kind=kind.kind, title="Bad", upload=ContentFile(kind.broken(), name=kind.filename))
    assert not kind.kind.package_model.objects.exists()
    assert stored_files(media) == []


@every_kind
def test_extraction_is_idempotent(kind):
    package = package_ready(kind=kind.name)
    again = package_version_extract(kind=kind.kind, version_id=package.current_version_id)
    assert again.status == PackageStatus.READY
    assert again.content_prefix == package.current_version.content_prefix
    assert kind.kind.version_model.objects.count() == 1


# The import command (import_h5p, import_scorm)


@every_kind
def test_import_prints_the_package_id_and_extracts_before_returning(kind, tmp_path):
    path = tmp_path / kind.filename
    path.write_bytes(kind.demo())
    out = io.StringIO()
    call_command(f"import_{kind.name}", str(path), "--title", "Imported", stdout=out)

    package = kind.kind.package_model.objects.get()
    assert out.getvalue().strip() == str(package.pk)
    assert (package.title, package.status) == ("Imported", PackageStatus.READY)


@every_kind
def test_import_takes_the_title_from_the_file_when_none_is_given(kind, tmp_path):
    path = tmp_path / kind.filename
    path.write_bytes(kind.demo())
    call_command(f"import_{kind.name}", str(path), stdout=io.StringIO())
    assert kind.kind.package_model.objects.get().title == kind.demo_title


@every_kind
def test_import_exits_non_zero_through_the_command_line(kind, tmp_path):
    """Scripts rely on the exit status: a refused package exits 1 with the reason on stderr
    (refused before the database is touched, so this runs against an empty one)."""
    path = tmp_path / kind.filename
    path.write_bytes(b"not a zip")
    result = subprocess.run(  # noqa: S603 - our own manage.py with a path we made
        [sys.executable, "manage.py", f"import_{kind.name}", str(path), "--title", "Bad", "--skip-checks"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "PATH": "/usr/bin:/bin",
            "VAR_DIR": str(tmp_path),
        },
        check=False,
    )
    assert result.returncode == 1
    assert f"Refused: {kind.not_a_zip_reason}" in result.stderr


@every_kind
def test_import_refuses_a_missing_file(kind):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(f"import_{kind.name}", f"/no/such/{kind.filename}", "--title", "x")


# The admin: L&D only


@pytest.fixture
def ld_editor():
    return ld_editor_create()


@every_kind
def test_ld_editors_upload_a_package_and_see_it_processing(
    kind, client, ld_editor, django_capture_on_commit_callbacks
):
    client.force_login(ld_editor)
    assert client.get(f"{kind.admin}add/").status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            f"{kind.admin}add/", {"title": "", "upload": ContentFile(kind.demo(), name=kind.filename)}
        )
    assert response.status_code == 302
    package = kind.kind.package_model.objects.get()
    assert package.title == kind.demo_title
    assert package.status == PackageStatus.PROCESSING
    assert package.versions.get().uploaded_by == ld_editor
    # The extraction task is queued after commit, once, beside the page tree's renewal.
    queued = [c for c in callbacks if c.__qualname__.startswith("task_queue_after_commit")]
    assert len(queued) == 1
    assert len(callbacks) == 2

    edit = client.get(f"{kind.admin}edit/{package.pk}/")
    assert b"Processing" in edit.content
    assert b"<progress" in edit.content


@every_kind
def test_an_obviously_broken_upload_is_refused_in_the_form_with_its_reason(kind, client, ld_editor, media):
    client.force_login(ld_editor)
    response = client.post(
        f"{kind.admin}add/",
        {"title": "Bad", "upload": ContentFile(kind.refused_in_form(), name=kind.filename)},
    )
    assert response.status_code == 200
    assert "This package was refused" in response.content.decode()
    assert kind.refused_in_form_reason in response.content.decode()
    assert not kind.kind.package_model.objects.exists()
    assert stored_files(media) == []


@every_kind
def test_an_upload_with_the_wrong_file_name_is_refused_in_the_form(kind, client, ld_editor, media):
    client.force_login(ld_editor)
    response = client.post(
        f"{kind.admin}add/", {"title": "Renamed", "upload": ContentFile(kind.demo(), name="package.txt")}
    )
    assert response.status_code == 200
    assert kind.kind.upload_wrong_extension in response.content.decode()
    assert not kind.kind.package_model.objects.exists()
    assert stored_files(media) == []


@every_kind
@pytest.mark.parametrize("role_group", [None, "Team managers", "Staff"])
def test_learners_and_managers_cannot_upload(kind, client, role_group):
    client.force_login(group_member(role_group))
    response = client.post(
        f"{kind.admin}add/", {"title": "Sneaky", "upload": ContentFile(kind.demo(), name=kind.filename)}
    )
    assert response.status_code in {302, 403}
    assert not kind.kind.package_model.objects.exists()


@every_kind
def test_admin_users_without_the_package_permission_cannot_upload(kind, client):
    """Recruitment can reach the admin but not the packages."""
    user = UserFactory()
    group, _ = Group.objects.get_or_create(name="Recruitment")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(mfa_enrol(user))
    response = client.get(f"{kind.admin}add/")
    assert response.status_code == 302
    assert not kind.kind.package_model.objects.exists()
