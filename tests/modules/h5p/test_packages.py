"""H5P packages: storing and extracting uploads, versions, import_h5p, serving, the admin and the block."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.blocks import StructBlockValidationError

from modules.h5p.blocks import H5PActivityBlock
from modules.h5p.csp import H5P_FRAME_BOOTSTRAP, H5P_FRAME_BOOTSTRAP_HASH
from modules.h5p.demo import demo_package_bytes
from modules.h5p.services import h5p_package_create, h5p_version_add, h5p_version_extract
from modules.models import H5PPackage, H5PPackageVersion, H5PStatus
from modules.packages.archive import PackageRefused
from tests.cms.people.factories import UserFactory, mfa_enrol
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons
from tests.modules.h5p.corpus import hostile_cases, package

pytestmark = pytest.mark.django_db

FRAME_BUNDLE = (
    Path(__file__).resolve().parents[3] / "node_modules" / "h5p-standalone" / "dist" / "frame.bundle.js"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def lie_package() -> bytes:
    """Passes the first look (headers) but is refused while extracting."""
    return next(case.data for case in hostile_cases() if case.name == "declared-size lie: overstated")


def test_an_accepted_package_is_extracted_to_storage_under_its_own_prefix(media):
    package_ = h5p_package_ready(title="Demo")
    version = package_.current_version

    assert package_.status == H5PStatus.READY
    assert version.main_library == "H5P.FSMStatementCheck 1.0"
    assert version.content_prefix.startswith(f"h5p/content/{package_.pk}/1-")
    assert (media / version.content_prefix / "h5p.json").is_file()
    assert (media / version.content_prefix / "H5P.FSMStatementCheck-1.0" / "statement-check.js").is_file()
    assert version.file_count == 6
    assert version.progress == 100


def test_a_reupload_makes_a_new_version_and_lessons_keep_the_ready_one_until_it_is_ready(media):
    """L&D re-uploads a fixed package: learners keep playing version 1 until version 2 is ready."""
    package_ = h5p_package_ready()
    first = package_.current_version
    second = h5p_version_add(package=package_, upload=ContentFile(demo_package_bytes(), name="v2.h5p"))
    package_.refresh_from_db()

    assert second.number == 2
    assert package_.status == H5PStatus.PROCESSING
    assert package_.current_version == first

    h5p_version_extract(version_id=second.pk)
    package_.refresh_from_db()
    assert package_.current_version_id == second.pk
    assert package_.status == H5PStatus.READY


def test_a_package_refused_while_extracting_leaves_nothing_behind(media):
    """A header that lies is caught while unpacking: the version is refused with its reason and
    every file written for it (extracted and uploaded) is deleted."""
    package_ = h5p_package_ready()
    before = stored_files(media)
    bad = h5p_version_add(package=package_, upload=ContentFile(lie_package(), name="bad.h5p"))
    bad = h5p_version_extract(version_id=bad.pk)
    package_.refresh_from_db()

    assert bad.status == H5PStatus.REFUSED
    assert bad.refusal_code == "size-mismatch"
    assert "header declares" in bad.refusal_reasons[0]
    assert stored_files(media) == before
    assert package_.status == H5PStatus.REFUSED
    assert package_.current_version.number == 1


def test_an_upload_refused_at_once_writes_nothing(media):
    with pytest.raises(PackageRefused):
        h5p_package_create(title="Bad", upload=ContentFile(package({"h5p.json": None}), name="bad.h5p"))
    assert not H5PPackage.objects.exists()
    assert stored_files(media) == []


def test_extraction_is_idempotent():
    package_ = h5p_package_ready()
    version = h5p_version_extract(version_id=package_.current_version_id)
    assert version.status == H5PStatus.READY
    assert H5PPackageVersion.objects.count() == 1


# import_h5p


def test_import_h5p_prints_the_package_id_and_extracts_before_returning(tmp_path):
    path = tmp_path / "demo.h5p"
    path.write_bytes(demo_package_bytes())
    out = io.StringIO()
    call_command("import_h5p", str(path), "--title", "Imported", stdout=out)

    package_ = H5PPackage.objects.get()
    assert out.getvalue().strip() == str(package_.pk)
    assert package_.title == "Imported"
    assert package_.status == H5PStatus.READY


def test_import_h5p_takes_the_title_from_the_file_when_none_is_given(tmp_path):
    path = tmp_path / "demo.h5p"
    path.write_bytes(demo_package_bytes())
    call_command("import_h5p", str(path), stdout=io.StringIO())
    assert H5PPackage.objects.get().title == "Family Safeguarding and MI: check your understanding"


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"not a zip", "not a valid .h5p package"),
        (package({"content/page.html": b"<script></script>"}), "not allowed in content"),
        (lie_package(), "header declares"),
    ],
)
def test_import_h5p_refuses_with_a_plain_reason_and_keeps_nothing(tmp_path, media, data, reason):
    path = tmp_path / "bad.h5p"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=reason) as refused:
        call_command("import_h5p", str(path), "--title", "Bad")
    assert str(refused.value).startswith("Refused: ")
    assert not H5PPackage.objects.exists()
    assert [name for name in stored_files(media) if name.startswith("h5p/")] == []


def test_import_h5p_exits_non_zero_through_the_command_line(tmp_path):
    """Scripts rely on the exit status: a refused package exits 1 with the reason on stderr
    (refused before the database is touched, so this runs against an empty one)."""
    import subprocess
    import sys

    path = tmp_path / "bad.h5p"
    path.write_bytes(b"not a zip")
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "import_h5p", str(path), "--title", "Bad", "--skip-checks"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "PATH": "/usr/bin:/bin",
            "VAR_DIR": str(tmp_path),
        },
        check=False,
    )
    assert result.returncode == 1
    assert "Refused: The file is not a valid .h5p package" in result.stderr


def test_import_h5p_refuses_a_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_h5p", "/no/such/file.h5p", "--title", "x")


# Serving


@pytest.fixture
def ready_version():
    return h5p_package_ready().current_version


def test_extracted_files_are_served_to_signed_in_people_with_safe_headers(client, ready_version):
    client.force_login(UserFactory())
    response = client.get(f"/h5p/{ready_version.pk}/H5P.FSMStatementCheck-1.0/statement-check.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp
    assert b"H5P.FSMStatementCheck" in b"".join(response.streaming_content)

    json_response = client.get(f"/h5p/{ready_version.pk}/content/content.json")
    assert json_response["Content-Type"] == "application/json"


def test_anonymous_visitors_are_refused(client, ready_version):
    response = client.get(f"/h5p/{ready_version.pk}/h5p.json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "content/../../secret.json",
        "content/%2e%2e/%2e%2e/x.json",
        "content/..%2F..%2Fx.json",
        "content\\content.json",
        ".h5p.json",
        "content/.hidden.json",
        "__MACOSX/x.json",
        "content/content.json%00.js",
        "loose.txt",
        "content/nothing-here.json",
        "H5P.FSMStatementCheck-1.0/statement-check.php",
    ],
)
def test_path_tricks_get_a_404(client, ready_version, path):
    client.force_login(UserFactory())
    assert client.get(f"/h5p/{ready_version.pk}/{path}").status_code == 404


def test_versions_that_are_not_ready_are_not_served(client, media):
    client.force_login(UserFactory())
    package_ = h5p_package_ready()
    pending = h5p_version_add(package=package_, upload=ContentFile(demo_package_bytes(), name="v2.h5p"))
    assert client.get(f"/h5p/{pending.pk}/h5p.json").status_code == 404
    assert client.get("/h5p/999999/h5p.json").status_code == 404


def test_the_lesson_csp_allows_exactly_h5ps_frame_bootstrap():
    """The hash in the lesson CSP must match what h5p-standalone writes into its frames."""
    assert f"<script>{H5P_FRAME_BOOTSTRAP}<\\/script>" in FRAME_BUNDLE.read_text()
    assert H5P_FRAME_BOOTSTRAP_HASH.startswith("'sha256-")


# The block and the lesson page


def test_a_lesson_with_an_h5p_activity_renders_the_player_with_its_narrow_csp(client, home_page):
    package_ = h5p_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package_, id="h5p-1", heading="Check it")]]
    )
    client.force_login(UserFactory())
    response = client.get(lesson.url)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'data-h5p-block-id="h5p-1"' in html
    assert f'data-h5p-version-id="{package_.current_version_id}"' in html
    assert f'data-h5p-content-url="/h5p/{package_.current_version_id}"' in html
    assert 'data-xapi-endpoint="/learning/xapi/statements/"' in html
    assert "js/h5p-player.js" in html
    csp = response["Content-Security-Policy"]
    assert H5P_FRAME_BOOTSTRAP_HASH in csp
    assert "style-src-attr 'unsafe-inline'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in csp


def test_lessons_without_h5p_keep_the_strict_site_csp(client, home_page):
    _module, (lesson,) = module_with_lessons(home_page, bodies=[[]])
    client.force_login(UserFactory())
    csp = client.get(lesson.url)["Content-Security-Policy"]
    assert H5P_FRAME_BOOTSTRAP_HASH not in csp
    assert "style-src-attr" not in csp


def test_the_block_refuses_a_pass_mark_with_the_any_progress_rule():
    block = H5PActivityBlock()
    package_ = h5p_package_ready()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(
            block.to_python(
                {"package": package_.pk, "completion_rule": "any_progress", "pass_mark": 80, "required": True}
            )
        )
    assert "pass_mark" in error.value.block_errors


def test_the_block_refuses_a_package_with_no_ready_version():
    block = H5PActivityBlock()
    pending = H5PPackage.objects.create(title="Still processing")
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"package": pending.pk, "completion_rule": "default", "required": True}))
    assert "no ready version" in str(error.value.non_block_errors)


def test_the_block_accepts_a_ready_package_and_renders_its_preview():
    package_ = h5p_package_ready()
    block = H5PActivityBlock()
    value = block.clean(
        block.to_python({"package": package_.pk, "completion_rule": "passed", "pass_mark": 60})
    )
    assert value["pass_mark"] == 60
    preview = block.render(block.get_preview_value())
    assert "data-h5p-player" in preview
    assert block.meta.icon and block.meta.help_text and block.meta.label


# The admin: L&D only


@pytest.fixture
def ld_editor():
    user = UserFactory()
    group, _ = Group.objects.get_or_create(name="L&D editors")
    from cms.people.services import groups_ensure

    groups_ensure()
    user.groups.add(group)
    return mfa_enrol(user)


def test_ld_editors_upload_a_package_and_see_it_processing(
    client, ld_editor, django_capture_on_commit_callbacks
):
    client.force_login(ld_editor)
    assert client.get("/admin/snippets/modules/h5ppackage/add/").status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/admin/snippets/modules/h5ppackage/add/",
            {"title": "", "upload": ContentFile(demo_package_bytes(), name="demo.h5p")},
        )
    assert response.status_code == 302
    package_ = H5PPackage.objects.get()
    assert package_.title == "Family Safeguarding and MI: check your understanding"
    assert package_.status == H5PStatus.PROCESSING
    assert package_.versions.get().uploaded_by == ld_editor
    assert len(callbacks) == 1  # the extraction task is queued after commit

    edit = client.get(f"/admin/snippets/modules/h5ppackage/edit/{package_.pk}/")
    assert b"Processing" in edit.content
    assert b"<progress" in edit.content


def test_an_obviously_broken_upload_is_refused_in_the_form_with_its_reason(client, ld_editor, media):
    client.force_login(ld_editor)
    response = client.post(
        "/admin/snippets/modules/h5ppackage/add/",
        {"title": "Bad", "upload": ContentFile(package({"content/run.js": b"alert(1)"}), name="bad.h5p")},
    )
    assert response.status_code == 200
    assert "This package was refused" in response.content.decode()
    assert "not allowed in content" in response.content.decode()
    assert not H5PPackage.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("role_group", [None, "Team managers", "Staff"])
def test_learners_and_managers_cannot_upload(client, role_group):
    user = UserFactory()
    if role_group:
        user.groups.add(Group.objects.get_or_create(name=role_group)[0])
    mfa_enrol(user)
    client.force_login(user)
    response = client.post(
        "/admin/snippets/modules/h5ppackage/add/",
        {"title": "Sneaky", "upload": ContentFile(demo_package_bytes(), name="demo.h5p")},
    )
    assert response.status_code in {302, 403}
    assert not H5PPackage.objects.exists()


def test_admin_users_without_the_h5p_permission_cannot_upload(client):
    """Recruitment can reach the admin but not H5P packages."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    group, _ = Group.objects.get_or_create(name="Recruitment")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    mfa_enrol(user)
    client.force_login(user)
    response = client.get("/admin/snippets/modules/h5ppackage/add/")
    assert response.status_code == 302
    assert not H5PPackage.objects.exists()
