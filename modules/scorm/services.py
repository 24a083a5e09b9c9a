"""Writes for SCORM packages: accepting uploads, extracting them to storage, refusing them.

The same shape as H5P's (modules.h5p.services): uploads are validated before anything
is stored; extraction streams each file through the shared byte counters into storage
under a fresh per-version prefix, by Celery; a package refused part-way leaves nothing.
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
from modules.scorm.conf import scorm_limits, scorm_storage
from modules.scorm.models import ScormPackage, ScormPackageVersion, ScormStatus
from modules.scorm.validation import ScormPackageContents, package_extract, package_validate

__all__ = [
    "scorm_package_check",
    "scorm_package_create",
    "scorm_package_import",
    "scorm_version_add",
    "scorm_version_extract",
    "scorm_version_extract_later",
]

logger = logging.getLogger(__name__)


def scorm_package_check(*, upload: IO[bytes]) -> ScormPackageContents:
    """Validate an upload without storing it. Raises PackageRefused with the reason."""
    return package_validate(upload, limits=scorm_limits())


def _manifest_fields(contents: ScormPackageContents) -> dict[str, object]:
    manifest = contents.manifest
    return {
        "scorm_version": manifest.version,
        "manifest_title": manifest.title[:255],
        "organisation": manifest.organisation[:255],
        "notes": list(manifest.notes),
        "scos": [item.as_dict() for item in manifest.items],
    }


@transaction.atomic
def scorm_version_add(
    *, package: ScormPackage, upload: File, uploaded_by: AbstractBaseUser | None = None
) -> ScormPackageVersion:
    """Store a validated upload as the package's next version, status "processing"."""
    contents = scorm_package_check(upload=upload)
    ScormPackage.objects.select_for_update().filter(pk=package.pk).first()
    latest = package.versions.aggregate(latest=Max("number"))["latest"]
    version = ScormPackageVersion(
        package=package,
        number=(latest or 0) + 1,
        original_filename=(getattr(upload, "name", "") or "")[-255:],
        uploaded_by_id=uploaded_by.pk if uploaded_by is not None else None,
        **_manifest_fields(contents),
    )
    upload.seek(0)
    version.upload.save("package.zip", upload, save=False)
    version.save()
    ScormPackage.objects.filter(pk=package.pk).update(
        status=ScormStatus.PROCESSING, updated_at=timezone.now()
    )
    tree_forget()
    package.status = ScormStatus.PROCESSING
    return version


@transaction.atomic
def scorm_package_create(
    *, title: str, upload: File, uploaded_by: AbstractBaseUser | None = None
) -> ScormPackageVersion:
    """A new package with its first version; without a title it takes the manifest's."""
    package = ScormPackage.objects.create(title=title.strip()[:200] or "SCORM package")
    version = scorm_version_add(package=package, upload=upload, uploaded_by=uploaded_by)
    if not title.strip():
        package.title = version.manifest_title[:200] or version.organisation[:200] or package.title
        package.save(update_fields=["title"])
    return version


def scorm_version_extract_later(*, version: ScormPackageVersion) -> None:
    """Queue the extraction of a stored version once the current transaction commits."""
    task_queue_after_commit("modules.tasks.scorm_version_extract_task", version_id=version.pk)


def _version_refuse(version: ScormPackageVersion, refused: PackageRefused) -> None:
    if version.upload:
        version.upload.delete(save=False)
    ScormPackageVersion.objects.filter(pk=version.pk).update(
        status=ScormStatus.REFUSED,
        refusal_code=refused.code,
        refusal_reasons=[refused.reason],
        upload="",
        progress=0,
    )
    latest = version.package.versions.aggregate(latest=Max("number"))["latest"]
    if latest == version.number:
        ScormPackage.objects.filter(pk=version.package_id).update(
            status=ScormStatus.REFUSED, updated_at=timezone.now()
        )
    tree_forget()


def scorm_version_extract(*, version_id: int) -> ScormPackageVersion:
    """Validate again and extract a stored version to storage; make it current when ready.

    Idempotent: a version that is no longer processing is left as it is. On refusal the
    version is marked refused with the reason and its files are deleted.
    """
    version = ScormPackageVersion.objects.select_related("package").get(pk=version_id)
    if version.status != ScormStatus.PROCESSING:
        return version
    limits = scorm_limits()
    storage = scorm_storage()
    prefix = f"scorm/content/{version.package_id}/{version.number}-{secrets.token_hex(6)}/"
    sink = StorageSink(storage, prefix)
    last_reported = [0]

    def report(done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent - last_reported[0] >= 5 or done == total:
            last_reported[0] = percent
            ScormPackageVersion.objects.filter(pk=version_id).update(progress=min(percent, 99))

    try:
        upload_name = version.upload.name if version.upload else None
        if not upload_name:
            raise PackageRefused("missing-upload", "The uploaded file is missing.")
        with stored_local_copy(storage, upload_name, limits.max_upload_bytes) as local:
            contents = package_validate(local, limits=limits)
            extracted = package_extract(local, contents, sink=sink, limits=limits, progress=report)
    except PackageRefused as refused:
        sink.discard()
        _version_refuse(version, refused)
        logger.info("SCORM version %s refused: %s", version_id, refused.code)
        version.refresh_from_db()
        return version
    except Exception:
        sink.discard()
        raise

    with transaction.atomic():
        ScormPackageVersion.objects.filter(pk=version_id).update(
            status=ScormStatus.READY,
            progress=100,
            content_prefix=prefix,
            file_count=len(sink.written),
            extracted_bytes=extracted,
            ready_at=timezone.now(),
            **_manifest_fields(contents),
        )
        package = ScormPackage.objects.select_for_update().get(pk=version.package_id)
        current = package.current_version
        fields: dict[str, object] = {"updated_at": timezone.now()}
        if version.number >= (current.number if current is not None else 0):
            fields["current_version_id"] = version_id
        if package.versions.aggregate(latest=Max("number"))["latest"] == version.number:
            fields["status"] = ScormStatus.READY
        ScormPackage.objects.filter(pk=package.pk).update(**fields)
    tree_forget()
    version.refresh_from_db()
    return version


def scorm_package_import(
    *, path: str, title: str, uploaded_by: AbstractBaseUser | None = None
) -> ScormPackageVersion:
    """Validate, store and extract a package file now (for the import_scorm command and the seed).

    Raises PackageRefused with the reason; a refused import leaves no package behind.
    """
    with open(path, "rb") as handle:
        upload = File(handle, name=path.rsplit("/", 1)[-1])
        scorm_package_check(upload=upload)  # refuse before writing anything
        with transaction.atomic():
            version = scorm_package_create(title=title, upload=upload, uploaded_by=uploaded_by)
    version = scorm_version_extract(version_id=version.pk)
    if version.status == ScormStatus.REFUSED:
        reason = version.refusal_reasons[0] if version.refusal_reasons else "The package was refused."
        code = version.refusal_code
        version.package.delete()
        raise PackageRefused(code, reason)
    return version
