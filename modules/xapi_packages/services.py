"""Writes for xAPI and cmi5 packages: accepting uploads, extracting them to storage, refusing them.

The same shape as SCORM's (modules.scorm.services): an upload is validated before
anything is stored; extraction streams each file through the shared byte counters into
storage under a fresh per-version prefix (by Celery, or at once for the import
command); a package refused part-way leaves nothing behind.
"""

from __future__ import annotations

import logging
import secrets
from typing import IO

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cms.core.page_cache import tree_forget
from cms.core.queue import task_queue_after_commit
from modules.packages.archive import PackageRefused
from modules.packages.storage import StorageSink, stored_local_copy
from modules.xapi_packages.conf import xapi_limits, xapi_storage
from modules.xapi_packages.models import XapiPackage, XapiPackageVersion, XapiStatus
from modules.xapi_packages.validation import XapiPackageContents, package_extract, package_validate

__all__ = [
    "xapi_package_check",
    "xapi_package_create",
    "xapi_package_import",
    "xapi_version_add",
    "xapi_version_extract",
    "xapi_version_extract_later",
]

logger = logging.getLogger(__name__)


def xapi_package_check(*, upload: IO[bytes]) -> XapiPackageContents:
    """Validate an upload without storing it. Raises PackageRefused with the reason."""
    return package_validate(upload, limits=xapi_limits())


def _structure_fields(contents: XapiPackageContents) -> dict[str, object]:
    structure = contents.structure
    return {
        "kind": structure.kind,
        "course_id": structure.course_id[:1024],
        "course_title": structure.title[:255],
        "aus": [au.as_dict() for au in structure.aus],
        "blocks": [block.as_dict() for block in structure.blocks],
    }


@transaction.atomic
def xapi_version_add(
    *, package: XapiPackage, upload: File, uploaded_by: AbstractBaseUser | None = None
) -> XapiPackageVersion:
    """Store a validated upload as the package's next version, status "processing"."""
    contents = xapi_package_check(upload=upload)
    XapiPackage.objects.select_for_update().filter(pk=package.pk).first()
    latest = package.versions.aggregate(latest=Max("number"))["latest"]
    version = XapiPackageVersion(
        package=package,
        number=(latest or 0) + 1,
        original_filename=(getattr(upload, "name", "") or "")[-255:],
        uploaded_by_id=uploaded_by.pk if uploaded_by is not None else None,
        **_structure_fields(contents),
    )
    upload.seek(0)
    version.upload.save("package.zip", upload, save=False)
    version.save()
    XapiPackage.objects.filter(pk=package.pk).update(status=XapiStatus.PROCESSING, updated_at=timezone.now())
    tree_forget()
    package.status = XapiStatus.PROCESSING
    return version


@transaction.atomic
def xapi_package_create(
    *, title: str, upload: File, uploaded_by: AbstractBaseUser | None = None
) -> XapiPackageVersion:
    """A new package with its first version; without a title it takes the course structure's."""
    package = XapiPackage.objects.create(title=title.strip()[:200] or "xAPI package")
    version = xapi_version_add(package=package, upload=upload, uploaded_by=uploaded_by)
    if not title.strip():
        package.title = version.course_title[:200] or package.title
        package.save(update_fields=["title"])
    return version


def xapi_version_extract_later(*, version: XapiPackageVersion) -> None:
    """Queue the extraction of a stored version once the current transaction commits."""
    task_queue_after_commit("modules.tasks.xapi_version_extract_task", version_id=version.pk)


def _version_refuse(version: XapiPackageVersion, refused: PackageRefused) -> None:
    if version.upload:
        version.upload.delete(save=False)
    XapiPackageVersion.objects.filter(pk=version.pk).update(
        status=XapiStatus.REFUSED,
        refusal_code=refused.code,
        refusal_reasons=[refused.reason],
        upload="",
        progress=0,
    )
    latest = version.package.versions.aggregate(latest=Max("number"))["latest"]
    if latest == version.number:
        XapiPackage.objects.filter(pk=version.package_id).update(
            status=XapiStatus.REFUSED, updated_at=timezone.now()
        )
    tree_forget()


def xapi_version_extract(*, version_id: int) -> XapiPackageVersion:
    """Validate again and extract a stored version to storage; make it current when ready.

    Idempotent: a version that is no longer processing is left as it is. On refusal the
    version is marked refused with the reason and its files are deleted.
    """
    version = XapiPackageVersion.objects.select_related("package").get(pk=version_id)
    if version.status != XapiStatus.PROCESSING:
        return version
    limits = xapi_limits()
    storage = xapi_storage()
    prefix = f"xapi/content/{version.package_id}/{version.number}-{secrets.token_hex(6)}/"
    sink = StorageSink(storage, prefix)
    try:
        upload_name = version.upload.name if version.upload else None
        if not upload_name:
            raise PackageRefused("missing-upload", "The uploaded file is missing.")
        with stored_local_copy(storage, upload_name, limits.max_upload_bytes) as local:
            contents = package_validate(local, limits=limits)
            extracted = package_extract(local, contents, sink=sink, limits=limits)
    except PackageRefused as refused:
        sink.discard()
        _version_refuse(version, refused)
        logger.info("xAPI package version %s refused: %s", version_id, refused.code)
        version.refresh_from_db()
        return version
    except Exception:
        sink.discard()
        raise
    with transaction.atomic():
        XapiPackageVersion.objects.filter(pk=version_id).update(
            status=XapiStatus.READY,
            progress=100,
            content_prefix=prefix,
            file_count=len(sink.written),
            extracted_bytes=extracted,
            ready_at=timezone.now(),
            **_structure_fields(contents),
        )
        package = XapiPackage.objects.select_for_update().get(pk=version.package_id)
        current = package.current_version
        fields: dict[str, object] = {"updated_at": timezone.now()}
        if version.number >= (current.number if current is not None else 0):
            fields["current_version_id"] = version_id
        if package.versions.aggregate(latest=Max("number"))["latest"] == version.number:
            fields["status"] = XapiStatus.READY
        XapiPackage.objects.filter(pk=package.pk).update(**fields)
    tree_forget()
    version.refresh_from_db()
    return version


def xapi_package_import(
    *, path: str, title: str, uploaded_by: AbstractBaseUser | None = None
) -> XapiPackageVersion:
    """Validate, store and extract a package file now (for the import_xapi command and the seed).

    Raises PackageRefused with the reason; a refused import leaves no package behind.
    """
    with open(path, "rb") as handle:
        upload = File(handle, name=path.rsplit("/", 1)[-1])
        xapi_package_check(upload=upload)
        with transaction.atomic():
            version = xapi_package_create(title=title, upload=upload, uploaded_by=uploaded_by)
    version = xapi_version_extract(version_id=version.pk)
    if version.status == XapiStatus.REFUSED:
        reason = version.refusal_reasons[0] if version.refusal_reasons else "The package was refused."
        code = version.refusal_code
        version.package.delete()
        raise PackageRefused(code, reason)
    return version
