"""Admin uploads of every kind of package are unpacked by a real Celery worker, and the uploader
sees the result."""

import pytest
from django.core.files.base import ContentFile

from modules.packages.models import PackageStatus
from tests.cms.people.factories import ld_editor_create
from tests.conftest import wait_for
from tests.modules.packages.kinds import every_kind


@pytest.fixture
def ld_editor(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ld_editor_create()


def _upload_and_wait(client, kind, data: bytes, status: str):
    response = client.post(
        f"{kind.admin}add/", {"title": "", "upload": ContentFile(data, name=kind.filename)}
    )
    assert response.status_code == 302
    packages = kind.kind.package_model.objects
    package = packages.get()
    wait_for(lambda: packages.get(pk=package.pk).status == status, timeout=30)
    package.refresh_from_db()
    return package, client.get(f"{kind.admin}edit/{package.pk}/").content.decode()


@every_kind
def test_an_admin_upload_is_extracted_by_the_worker_and_shown_ready(kind, client, ld_editor, celery_worker):
    """An L&D editor uploads a package; the worker unpacks it; the package page says it is ready."""
    client.force_login(ld_editor)
    package, page = _upload_and_wait(client, kind, kind.worker_demo(), PackageStatus.READY)
    assert package.current_version.progress == 100
    for text in kind.ready_texts:
        assert text in page


@every_kind
def test_a_lie_found_by_the_worker_refuses_the_upload_with_its_reason(kind, client, ld_editor, celery_worker):
    """Headers that pass the first look are caught by the worker while unpacking."""
    client.force_login(ld_editor)
    package, page = _upload_and_wait(client, kind, kind.lie(), PackageStatus.REFUSED)
    assert package.current_version is None
    assert "Refused" in page
    assert kind.lie_reason in page
