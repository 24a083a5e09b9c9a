"""H5P packages: storing and extracting uploads, versions, import_h5p, serving, the admin and the block."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.blocks import StructBlockValidationError

from modules.h5p.blocks import H5PActivityBlock
from modules.h5p.csp import H5P_FRAME_BOOTSTRAP, H5P_FRAME_BOOTSTRAP_HASH
from modules.h5p.demo import demo_package_bytes
from modules.h5p.kind import H5P_KIND
from modules.models import H5PPackage, H5PStatus
from modules.packages.services import package_version_add
from tests.cms.people.factories import UserFactory
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons
from tests.modules.h5p.corpus import hostile_cases, package
from tests.modules.packages.kinds import stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

FRAME_BUNDLE = (
    Path(__file__).resolve().parents[3] / "node_modules" / "h5p-standalone" / "dist" / "frame.bundle.js"
)


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


# import_h5p


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
    pending = package_version_add(
        kind=H5P_KIND, package=package_, upload=ContentFile(demo_package_bytes(), name="v2.h5p")
    )
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
