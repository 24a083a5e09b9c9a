"""xAPI and cmi5 packages: storing and extracting uploads, versions, the admin (L&D only), the block."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.blocks import StructBlockValidationError

from modules.models import XapiPackage, XapiStatus
from modules.packages.services import package_version_add, package_version_extract
from modules.xapi_packages.blocks import XapiActivityBlock
from modules.xapi_packages.demo import cmi5_demo_package_bytes
from modules.xapi_packages.kind import XAPI_KIND
from tests.cms.people.factories import group_member, ld_editor_create
from tests.modules.factories import xapi_package_ready
from tests.modules.h5p.corpus import zip_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
ADD = "/admin/snippets/modules/xapipackage/add/"


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_an_accepted_package_is_extracted_with_what_its_course_structure_says(media):
    package = xapi_package_ready(title="")
    version = package.current_version
    assert (package.status, package.title) == (
        XapiStatus.READY,
        "The Family Safeguarding Model: a short quiz",
    )
    assert (version.kind, version.course_id) == ("cmi5", "https://learning.example.org/courses/fsm-quiz")
    assert [au["move_on"] for au in version.aus] == ["Completed", "Passed"]
    assert (media / version.content_prefix / "quiz.html").is_file()


def test_a_reupload_is_a_new_version_and_lessons_keep_the_ready_one_until_it_is_ready():
    package = xapi_package_ready()
    first = package.current_version
    second = package_version_add(
        kind=XAPI_KIND, package=package, upload=ContentFile(cmi5_demo_package_bytes(), name="v2.zip")
    )
    package.refresh_from_db()
    assert (second.number, package.current_version_id, package.status) == (2, first.pk, XapiStatus.PROCESSING)
    package_version_extract(kind=XAPI_KIND, version_id=second.pk)
    package.refresh_from_db()
    assert (package.current_version_id, package.status) == (second.pk, XapiStatus.READY)


@pytest.fixture
def ld_editor():
    return ld_editor_create()


def test_ld_editors_upload_a_package_and_it_is_extracted_after_commit(
    client, ld_editor, django_capture_on_commit_callbacks
):
    client.force_login(ld_editor)
    assert client.get(ADD).status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            ADD, {"title": "", "upload": ContentFile(cmi5_demo_package_bytes(), name="q.zip")}
        )
    assert response.status_code == 302
    package = XapiPackage.objects.get()
    assert (package.title, package.status, len(callbacks)) == (
        "The Family Safeguarding Model: a short quiz",
        XapiStatus.PROCESSING,
        1,
    )


def test_a_refused_upload_shows_its_reason_in_the_form_and_keeps_nothing(client, ld_editor, media):
    client.force_login(ld_editor)
    bad = zip_bytes({"imsmanifest.xml": b"<manifest/>", "index.html": b"x"})
    response = client.post(ADD, {"title": "Bad", "upload": ContentFile(bad, name="x.zip")})
    assert response.status_code == 200
    assert "This is a SCORM package" in response.content.decode()
    assert not XapiPackage.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("role_group", [None, "Team managers", "Staff"])
def test_learners_and_managers_cannot_upload(client, role_group):
    client.force_login(group_member(role_group))
    response = client.post(
        ADD, {"title": "Sneaky", "upload": ContentFile(cmi5_demo_package_bytes(), name="c.zip")}
    )
    assert response.status_code in {302, 403}
    assert not XapiPackage.objects.exists()


def test_ld_groups_are_given_the_package_permissions():
    from cms.people.services import groups_ensure

    groups_ensure()
    for name in ("L&D editors", "L&D leads"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_xapipackage", "change_xapipackage", "view_xapipackage"} <= codenames


def test_the_block_refuses_a_package_with_no_ready_version():
    package = XapiPackage.objects.create(title="Not yet")
    with pytest.raises(StructBlockValidationError):
        XapiActivityBlock().clean(
            {"package": package, "heading": "", "completion_rule": "completed", "required": True}
        )
