"""xAPI and cmi5 packages: what is recorded from an accepted package, the L&D permissions and the block.
Versions, refusals, the import command and the admin (L&D only) are the shared package tests
(tests/modules/packages/), which run for this kind too."""

import pytest
from django.contrib.auth.models import Group
from wagtail.blocks import StructBlockValidationError

from modules.models import XapiPackage, XapiStatus
from modules.xapi_packages.blocks import XapiActivityBlock
from tests.modules.factories import xapi_package_ready

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


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
