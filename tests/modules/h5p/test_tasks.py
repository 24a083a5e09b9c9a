"""Admin uploads are unpacked by a real Celery worker, and the uploader sees the result."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from cms.people.services import groups_ensure
from modules.h5p.demo import demo_package_bytes
from modules.models import H5PPackage, H5PStatus
from tests.cms.people.factories import UserFactory, mfa_enrol
from tests.conftest import wait_for
from tests.modules.h5p.corpus import hostile_cases


@pytest.fixture
def ld_editor(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Group.objects.get_or_create(name="L&D editors")
    groups_ensure()
    user = UserFactory()
    user.groups.add(Group.objects.get(name="L&D editors"))
    return mfa_enrol(user)


def upload(client, data: bytes, title: str = "From the admin"):
    return client.post(
        "/admin/snippets/modules/h5ppackage/add/",
        {"title": title, "upload": ContentFile(data, name="package.h5p")},
    )


def test_an_admin_upload_is_extracted_by_the_worker_and_shown_ready(client, ld_editor, celery_worker):
    """An L&D editor uploads a package; the worker unpacks it; the package page says it is ready."""
    client.force_login(ld_editor)
    assert upload(client, demo_package_bytes()).status_code == 302
    package = H5PPackage.objects.get()

    wait_for(lambda: H5PPackage.objects.get(pk=package.pk).status == H5PStatus.READY, timeout=30)
    package.refresh_from_db()
    assert package.current_version.progress == 100
    page = client.get(f"/admin/snippets/modules/h5ppackage/edit/{package.pk}/").content.decode()
    assert "Ready" in page
    assert "(played in lessons)" in page


def test_a_lie_found_by_the_worker_refuses_the_upload_with_its_reason(client, ld_editor, celery_worker):
    """Headers that pass the first look are caught by the worker while unpacking."""
    lie = next(case.data for case in hostile_cases() if case.name == "declared-size lie: overstated")
    client.force_login(ld_editor)
    assert upload(client, lie).status_code == 302
    package = H5PPackage.objects.get()

    wait_for(lambda: H5PPackage.objects.get(pk=package.pk).status == H5PStatus.REFUSED, timeout=30)
    page = client.get(f"/admin/snippets/modules/h5ppackage/edit/{package.pk}/").content.decode()
    assert "Refused" in page
    assert "does not hold the amount of data its header declares" in page
