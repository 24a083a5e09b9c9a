"""SCORM packages: storing and extracting uploads, versions, import_scorm, serving, admin, block."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.blocks import StructBlockValidationError
from wagtail.models import PageViewRestriction

from modules.models import ScormPackage, ScormStatus
from modules.packages.services import package_version_add
from modules.scorm.blocks import ScormActivityBlock
from modules.scorm.demo import DEMO_2004, demo_package_bytes
from modules.scorm.kind import SCORM_KIND
from tests.cms.people.factories import UserFactory
from tests.modules.factories import module_with_lessons, scorm_activity_block, scorm_package_ready
from tests.modules.packages.kinds import stored_files
from tests.modules.scorm.corpus import package_12

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


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


# import_scorm


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
    pending = package_version_add(
        kind=SCORM_KIND, package=version.package, upload=ContentFile(demo_package_bytes(), name="v.zip")
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


def test_ld_groups_are_given_the_scorm_permissions():
    from cms.people.services import groups_ensure

    groups_ensure()
    for name in ("L&D editors", "L&D leads"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_scormpackage", "change_scormpackage", "view_scormpackage"} <= codenames
