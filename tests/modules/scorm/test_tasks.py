"""Admin uploads of SCORM packages are unpacked by a real Celery worker, and the uploader sees the result."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from cms.people.services import groups_ensure
from modules.models import ScormPackage, ScormStatus
from modules.scorm.demo import DEMO_2004, demo_package_bytes
from tests.cms.people.factories import UserFactory, mfa_enrol
from tests.conftest import wait_for


@pytest.fixture
def ld_editor(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    groups_ensure()
    user = UserFactory()
    user.groups.add(Group.objects.get(name="L&D editors"))
    return mfa_enrol(user)


def test_an_admin_upload_is_extracted_by_the_worker_and_shown_ready(client, ld_editor, celery_worker):
    """An L&D editor uploads a SCORM 2004 course; the worker unpacks it; the page shows it ready."""
    client.force_login(ld_editor)
    response = client.post(
        "/admin/snippets/modules/scormpackage/add/",
        {"title": "", "upload": ContentFile(demo_package_bytes(DEMO_2004), name="course.zip")},
    )
    assert response.status_code == 302
    package = ScormPackage.objects.get()
    wait_for(lambda: ScormPackage.objects.get(pk=package.pk).status == ScormStatus.READY, timeout=30)
    package.refresh_from_db()
    assert package.current_version.progress == 100
    page = client.get(f"/admin/snippets/modules/scormpackage/edit/{package.pk}/").content.decode()
    assert "SCORM 2004 4th edition" in page
    assert "2 items" in page
