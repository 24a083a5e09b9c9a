"""Writes for H5P packages: accepting uploads, extracting them to storage, refusing them.

Uploads are validated before anything is stored. Extraction streams each file
through the validator's byte counters into the storage backend (local disk or S3)
under a fresh per-version prefix; if any entry is refused part-way, everything
written for that version is deleted, so a refused package leaves nothing served.
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

from cms.core.queue import task_queue_after_commit
from modules.h5p.cache import h5p_packages_forget
from modules.h5p.conf import h5p_limits, h5p_storage
from modules.h5p.models import H5PPackage, H5PPackageVersion, H5PStatus
from modules.h5p.validation import Manifest, package_extract, package_validate
from modules.packages.archive import PackageRefused
from modules.packages.storage import StorageSink, stored_local_copy

logger = logging.getLogger(__name__)


def h5p_package_check(*, upload: IO[bytes]) -> Manifest:
    """Validate an upload without storing it. Raises PackageRefused with the reason."""
    return package_validate(upload, limits=h5p_limits())


def _version_next_number(package: H5PPackage) -> int:
    H5PPackage.objects.select_for_update().filter(pk=package.pk).first()
    latest = package.versions.aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


@transaction.atomic
def h5p_version_add(
    *, package: H5PPackage, upload: File, uploaded_by: AbstractBaseUser | None = None
) -> H5PPackageVersion:
    """Store a validated upload as the package's next version, status "processing".

    The version becomes the one lessons play only once it has been extracted.
    """
    manifest = h5p_package_check(upload=upload)
    version = H5PPackageVersion(
        package=package,
        number=_version_next_number(package),
        original_filename=(getattr(upload, "name", "") or "")[-255:],
        # By id: the user model is swappable, and this app does not import cms.people.
        uploaded_by_id=uploaded_by.pk if uploaded_by is not None else None,
        h5p_title=manifest.title[:255],
        language=manifest.language[:20],
        main_library=str(manifest.main_library),
    )
    upload.seek(0)
    version.upload.save("package.h5p", upload, save=False)
    version.save()
    H5PPackage.objects.filter(pk=package.pk).update(status=H5PStatus.PROCESSING, updated_at=timezone.now())
    h5p_packages_forget()
    package.status = H5PStatus.PROCESSING
    return version


@transaction.atomic
def h5p_package_create(
    *, title: str, upload: File, uploaded_by: AbstractBaseUser | None = None
) -> H5PPackageVersion:
    """A new package with its first version (validated and stored, not yet extracted).

    Without a title, the package takes the title written in its h5p.json.
    """
    package = H5PPackage.objects.create(title=title.strip()[:200] or "H5P package")
    version = h5p_version_add(package=package, upload=upload, uploaded_by=uploaded_by)
    if not title.strip():
        package.title = version.h5p_title[:200] or package.title
        package.save(update_fields=["title"])
    return version


def h5p_version_extract_later(*, version: H5PPackageVersion) -> None:
    """Queue the extraction of a stored version once the current transaction commits."""
    task_queue_after_commit("modules.tasks.h5p_version_extract_task", version_id=version.pk)


def _version_refuse(version: H5PPackageVersion, refused: PackageRefused) -> None:
    if version.upload:
        version.upload.delete(save=False)
    H5PPackageVersion.objects.filter(pk=version.pk).update(
        status=H5PStatus.REFUSED,
        refusal_code=refused.code,
        refusal_reasons=[refused.reason],
        upload="",
        progress=0,
    )
    latest = version.package.versions.aggregate(latest=Max("number"))["latest"]
    if latest == version.number:
        H5PPackage.objects.filter(pk=version.package_id).update(
            status=H5PStatus.REFUSED, updated_at=timezone.now()
        )
    h5p_packages_forget()


def h5p_version_extract(*, version_id: int) -> H5PPackageVersion:
    """Validate again and extract a stored version to storage; make it current when ready.

    Idempotent: a version that is no longer processing is left as it is. On refusal
    the version is marked refused with the reason, and its files (extracted and
    uploaded) are deleted. Raises nothing for a refused package.
    """
    version = H5PPackageVersion.objects.select_related("package").get(pk=version_id)
    if version.status != H5PStatus.PROCESSING:
        return version
    limits = h5p_limits()
    prefix = f"h5p/content/{version.package_id}/{version.number}-{secrets.token_hex(6)}/"
    sink = StorageSink(h5p_storage(), prefix)
    last_reported = [0]

    def report(done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent - last_reported[0] >= 5 or done == total:
            last_reported[0] = percent
            H5PPackageVersion.objects.filter(pk=version_id).update(progress=min(percent, 99))

    try:
        upload_name = version.upload.name if version.upload else None
        if not upload_name:
            raise PackageRefused("missing-upload", "The uploaded file is missing.")
        with stored_local_copy(h5p_storage(), upload_name, limits.max_upload_bytes) as local:
            manifest = package_validate(local, limits=limits)
            extracted = package_extract(local, manifest, sink=sink, limits=limits, progress=report)
    except PackageRefused as refused:
        sink.discard()
        _version_refuse(version, refused)
        logger.info("H5P version %s refused: %s", version_id, refused.code)
        version.refresh_from_db()
        return version
    except Exception:
        sink.discard()
        raise

    with transaction.atomic():
        H5PPackageVersion.objects.filter(pk=version_id).update(
            status=H5PStatus.READY,
            progress=100,
            content_prefix=prefix,
            file_count=len(sink.written),
            extracted_bytes=extracted,
            h5p_title=manifest.title[:255],
            language=manifest.language[:20],
            main_library=str(manifest.main_library),
            embed_type="iframe" if "iframe" in manifest.embed_types else manifest.embed_types[0],
            ready_at=timezone.now(),
        )
        package = H5PPackage.objects.select_for_update().get(pk=version.package_id)
        current = package.current_version  # no query when there is none yet
        current_number = current.number if current is not None else 0
        fields: dict[str, object] = {"updated_at": timezone.now()}
        if version.number >= current_number:
            fields |= {"current_version_id": version_id, "main_library": str(manifest.main_library)}
        latest = package.versions.aggregate(latest=Max("number"))["latest"]
        if latest == version.number:
            fields["status"] = H5PStatus.READY
        H5PPackage.objects.filter(pk=package.pk).update(**fields)
    h5p_packages_forget()
    version.refresh_from_db()
    return version


def h5p_package_import(
    *, path: str, title: str, uploaded_by: AbstractBaseUser | None = None
) -> H5PPackageVersion:
    """Validate, store and extract a package file now (for the import_h5p command).

    Raises PackageRefused with the reason; a refused import leaves no package behind.
    """
    with open(path, "rb") as handle:
        upload = File(handle, name=path.rsplit("/", 1)[-1])
        h5p_package_check(upload=upload)  # refuse before writing anything
        with transaction.atomic():
            version = h5p_package_create(title=title, upload=upload, uploaded_by=uploaded_by)
    version = h5p_version_extract(version_id=version.pk)
    if version.status == H5PStatus.REFUSED:
        reason = version.refusal_reasons[0] if version.refusal_reasons else "The package was refused."
        code = version.refusal_code
        version.package.delete()
        raise PackageRefused(code, reason)
    return version
