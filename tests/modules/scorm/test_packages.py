"""SCORM packages: storing and extracting uploads, versions, import_scorm, serving, admin, block."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.blocks import StructBlockValidationError
from wagtail.models import PageViewRestriction

from modules.models import ScormPackage, ScormStatus
from modules.packages.archive import PackageRefused
from modules.scorm.blocks import ScormActivityBlock
from modules.scorm.demo import DEMO_2004, demo_package_bytes
from modules.scorm.services import scorm_package_create, scorm_version_add, scorm_version_extract
from tests.cms.people.factories import UserFactory, mfa_enrol
from tests.modules.factories import module_with_lessons, scorm_activity_block, scorm_package_ready
from tests.modules.scorm.corpus import hostile_cases, package_12

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_an_accepted_package_is_extracted_to_storage_with_what_its_manifest_says(media):
    package = scorm_package_ready(data=demo_package_bytes(DEMO_2004), title="")
    version = package.current_version

    assert package.status == ScormStatus.READY
    assert package.title == "Working with the whole family"
    assert version.scorm_version == "2004-4"
    assert version.sco_identifiers == ["families-part1", "families-part2"]
    assert version.content_prefix.startswith(f"scorm/content/{package.pk}/1-")
    assert (media / version.content_prefix / "part1" / "index.html").is_file()
    assert (media / version.content_prefix / "shared" / "sco.js").is_file()
    assert version.progress == 100
    assert not version.upload or (media / version.upload.name).is_file()


def test_a_reupload_is_a_new_version_and_lessons_keep_the_ready_one_until_it_is_ready():
    package = scorm_package_ready()
    first = package.current_version
    second = scorm_version_add(package=package, upload=ContentFile(demo_package_bytes(), name="v2.zip"))
    package.refresh_from_db()
    assert (second.number, package.current_version_id, package.status) == (
        2,
        first.pk,
        ScormStatus.PROCESSING,
    )
    scorm_version_extract(version_id=second.pk)
    package.refresh_from_db()
    assert (package.current_version_id, package.status) == (second.pk, ScormStatus.READY)


def test_a_package_refused_while_extracting_leaves_nothing_behind(media):
    lie = next(case for case in hostile_cases() if case.at_extraction)
    package = scorm_package_ready()
    kept = set(stored_files(media))
    # A lie only extraction can see: the upload passes the first look.
    version = scorm_version_add(package=package, upload=ContentFile(lie.data, name="lie.zip"))
    version = scorm_version_extract(version_id=version.pk)
    assert version.status == ScormStatus.REFUSED
    assert version.refusal_code == "size-mismatch"
    assert set(stored_files(media)) == kept
    package.refresh_from_db()
    assert package.status == ScormStatus.REFUSED


def test_an_upload_refused_at_once_writes_nothing(media):
    with pytest.raises(PackageRefused):
        scorm_package_create(title="Bad", upload=ContentFile(b"PK not really", name="bad.zip"))
    assert stored_files(media) == []
    assert not ScormPackage.objects.exists()


def test_extraction_is_idempotent():
    package = scorm_package_ready()
    again = scorm_version_extract(version_id=package.current_version_id)
    assert again.status == ScormStatus.READY
    assert again.content_prefix == package.current_version.content_prefix


# import_scorm


def test_import_scorm_prints_the_package_id_and_extracts_before_returning(tmp_path, capsys):
    path = tmp_path / "course.zip"
    path.write_bytes(demo_package_bytes())
    call_command("import_scorm", str(path), "--title", "Recording")
    package = ScormPackage.objects.get()
    assert capsys.readouterr().out.strip() == str(package.pk)
    assert (package.title, package.status) == ("Recording", ScormStatus.READY)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a zip", "not a valid SCORM package"),
        (package_12({"imsmanifest.xml": None, "course.au": b"x"}), "AICC package"),
        (package_12({"index.html": None}), "not in the package"),
    ],
)
def test_import_scorm_refuses_with_a_plain_reason_and_keeps_nothing(tmp_path, media, data, reason):
    path = tmp_path / "course.zip"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=reason):
        call_command("import_scorm", str(path), "--title", "X")
    assert not ScormPackage.objects.exists()
    assert [name for name in stored_files(media) if not name.startswith("course.zip")] == []


def test_import_scorm_exits_non_zero_through_the_command_line(tmp_path):
    path = tmp_path / "course.zip"
    path.write_bytes(b"nope")
    result = subprocess.run(  # noqa: S603 - our own manage.py with a path we made
        [sys.executable, "manage.py", "import_scorm", str(path), "--title", "X"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 1
    assert "Refused: The file is not a valid SCORM package" in result.stderr


def test_import_scorm_refuses_a_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_scorm", "/nonexistent/course.zip", "--title", "X")


# Serving


@pytest.fixture
def scorm_lesson(home_page):
    package = scorm_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[scorm_activity_block(package=package, id="scorm-1")]]
    )
    return lesson, package.current_version


def _url(lesson, version, path="index.html", block="scorm-1"):
    return f"/scorm/{lesson.pk}/{block}/{version.pk}/{path}"


def test_package_files_are_served_to_people_who_may_view_the_lesson(client, scorm_lesson):
    lesson, version = scorm_lesson
    client.force_login(UserFactory())
    response = client.get(_url(lesson, version))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp
    assert "'unsafe-eval'" in csp.split("script-src")[1].split(";")[0]
    assert "connect-src 'self'" in csp
    assert b"Recording what families tell us" in b"".join(response.streaming_content)
    assert client.get(_url(lesson, version, "sco.js"))["Content-Type"] == "text/javascript; charset=utf-8"


def test_anonymous_visitors_are_refused(client, scorm_lesson):
    lesson, version = scorm_lesson
    assert client.get(_url(lesson, version)).status_code == 403


def test_people_who_may_not_view_the_lesson_get_a_404(client, scorm_lesson):
    """A lesson restricted to a group: its course files are hidden from everyone else."""
    lesson, version = scorm_lesson
    group = Group.objects.create(name="Pilot team")
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(_url(lesson, version)).status_code == 404
    insider = UserFactory()
    insider.groups.add(group)
    client.force_login(insider)
    assert client.get(_url(lesson, version)).status_code == 200


def test_a_version_of_another_package_or_block_is_not_served(client, scorm_lesson, home_page):
    lesson, version = scorm_lesson
    other = scorm_package_ready(title="Other").current_version
    client.force_login(UserFactory())
    assert client.get(_url(lesson, other)).status_code == 404
    assert client.get(_url(lesson, version, block="no-such-block")).status_code == 404
    pending = scorm_version_add(
        package=version.package, upload=ContentFile(demo_package_bytes(), name="v.zip")
    )
    assert client.get(_url(lesson, pending)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "%2e%2e/%2e%2e/x.html",
        "..%2F..%2Fx.html",
        "images\\x.png",
        ".hidden",
        "__MACOSX/x.html",
        "index.html%00.js",
        "nothing-here.html",
        "imsmanifest.xml/..",
    ],
)
def test_path_tricks_get_a_404(client, scorm_lesson, path):
    lesson, version = scorm_lesson
    client.force_login(UserFactory())
    assert client.get(_url(lesson, version, path)).status_code == 404


# The block and the lesson page


def test_a_lesson_with_a_scorm_course_renders_the_player_and_keeps_the_site_csp(client, scorm_lesson):
    lesson, version = scorm_lesson
    client.force_login(UserFactory())
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-scorm-block-id="scorm-1"' in html
    assert f'data-scorm-base="/scorm/{lesson.pk}/scorm-1/{version.pk}/"' in html
    assert 'data-scorm-commit-endpoint="/learning/scorm/commit/"' in html
    assert "js/scorm-player.js" in html
    csp = response["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-src 'self'" in csp


def test_a_multi_sco_course_lists_its_parts(client, home_page):
    package = scorm_package_ready(data=demo_package_bytes(DEMO_2004))
    _module, (lesson,) = module_with_lessons(home_page, bodies=[[scorm_activity_block(package=package)]])
    client.force_login(UserFactory())
    html = client.get(lesson.url).content.decode()
    assert 'data-scorm-item="families-part1"' in html
    assert 'data-scorm-item="families-part2"' in html


def test_the_block_refuses_a_pass_mark_with_the_completed_rule_and_a_package_not_ready():
    block = ScormActivityBlock()
    package = scorm_package_ready()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"package": package.pk, "completion_rule": "completed", "pass_mark": 80}))
    value = block.clean(
        block.to_python({"package": package.pk, "completion_rule": "passed", "pass_mark": 80})
    )
    assert value["pass_mark"] == 80
    pending = ScormPackage.objects.create(title="Pending")
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"package": pending.pk, "completion_rule": "completed"}))
    assert block.meta.icon and block.meta.help_text and block.meta.label


# The admin: L&D only


@pytest.fixture
def ld_editor():
    from cms.people.services import groups_ensure

    groups_ensure()
    user = UserFactory()
    user.groups.add(Group.objects.get(name="L&D editors"))
    return mfa_enrol(user)


def test_ld_editors_upload_a_package_and_see_it_processing(
    client, ld_editor, django_capture_on_commit_callbacks
):
    client.force_login(ld_editor)
    assert client.get("/admin/snippets/modules/scormpackage/add/").status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/admin/snippets/modules/scormpackage/add/",
            {"title": "", "upload": ContentFile(demo_package_bytes(), name="course.zip")},
        )
    assert response.status_code == 302
    package = ScormPackage.objects.get()
    assert package.title == "Recording what families tell us"
    assert package.status == ScormStatus.PROCESSING
    assert len(callbacks) == 1
    edit = client.get(f"/admin/snippets/modules/scormpackage/edit/{package.pk}/")
    assert b"Processing" in edit.content and b"<progress" in edit.content


def test_a_refused_upload_shows_its_reason_in_the_form(client, ld_editor, media):
    client.force_login(ld_editor)
    response = client.post(
        "/admin/snippets/modules/scormpackage/add/",
        {
            "title": "Bad",
            "upload": ContentFile(package_12({"imsmanifest.xml": None, "tincan.xml": b"<t/>"}), name="x.zip"),
        },
    )
    assert response.status_code == 200
    assert "xAPI (Tin Can) package" in response.content.decode()
    assert not ScormPackage.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("role_group", [None, "Team managers", "Staff"])
def test_learners_and_managers_cannot_upload(client, role_group):
    user = UserFactory()
    if role_group:
        user.groups.add(Group.objects.get_or_create(name=role_group)[0])
    client.force_login(mfa_enrol(user))
    response = client.post(
        "/admin/snippets/modules/scormpackage/add/",
        {"title": "Sneaky", "upload": ContentFile(demo_package_bytes(), name="course.zip")},
    )
    assert response.status_code in {302, 403}
    assert not ScormPackage.objects.exists()


def test_admin_users_without_the_scorm_permission_cannot_upload(client):
    """Recruitment can reach the admin but not SCORM packages."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    group, _ = Group.objects.get_or_create(name="Recruitment")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(mfa_enrol(user))
    response = client.get("/admin/snippets/modules/scormpackage/add/")
    assert response.status_code == 302
    assert not ScormPackage.objects.exists()


def test_ld_groups_are_given_the_scorm_permissions():
    from cms.people.services import groups_ensure

    groups_ensure()
    for name in ("L&D editors", "L&D leads"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_scormpackage", "change_scormpackage", "view_scormpackage"} <= codenames
