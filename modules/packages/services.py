"""Writes for every kind of package: accepting uploads, extracting them to storage, refusing them.

Each function takes the kind (modules.packages.kinds.PackageKind), which says how to validate
and extract its packages and what a version records from them. Uploads are validated before
anything is stored. Extraction, by Celery after the upload's transaction commits, streams each
file through the shared byte counters into the kind's storage (local disk or S3) under a fresh
per-version prefix; if any entry is refused part-way, everything written for that version is
deleted, so a refused package leaves nothing served. A version becomes the one lessons play only
once it is ready.
"""

from __future__ import annotations

import logging
import secrets
from typing import IO, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cms.core.page_cache import tree_forget
from cms.core.queue import task_queue_after_commit
from modules.packages.archive import PackageRefused
from modules.packages.kinds import PackageKind
from modules.packages.models import PackageBase, PackageStatus, PackageVersionBase
from modules.packages.storage import StorageSink, stored_local_copy

__all__ = [
    "package_check",
    "package_create",
    "package_delete",
    "package_import",
    "package_version_add",
    "package_version_extract",
    "package_version_extract_later",
    "package_version_ready_mark",
    "package_version_refuse",
]

logger = logging.getLogger(__name__)


def package_check(*, kind: PackageKind[Any, Any], upload: IO[bytes]) -> Any:
    """Validate an upload without storing it: the kind's contents. Raises PackageRefused."""
    return kind.validate(upload, limits=kind.limits())


def _latest_number(kind: PackageKind[Any, Any], package_id: int) -> int | None:
    latest: int | None = kind.version_model._default_manager.filter(package_id=package_id).aggregate(
        latest=Max("number")
    )["latest"]
    return latest


def _version_add[VersionT: PackageVersionBase](
    kind: PackageKind[Any, VersionT], package: PackageBase, upload: File, uploaded_by: AbstractBaseUser | None
) -> tuple[VersionT, Any]:
    contents = package_check(kind=kind, upload=upload)
    packages = kind.package_model._default_manager
    packages.select_for_update().filter(pk=package.pk).first()  # numbers versions one at a time
    version = kind.version_model(
        package=package,
        number=(_latest_number(kind, package.pk) or 0) + 1,
        original_filename=(getattr(upload, "name", "") or "")[-255:],
        # By id: the user model is swappable, and this app does not import cms.people.
        uploaded_by_id=uploaded_by.pk if uploaded_by is not None else None,
        **kind.version_fields(contents),
    )
    upload.seek(0)
    version.upload.save(f"package.{kind.upload_extension}", upload, save=False)
    version.save()
    packages.filter(pk=package.pk).update(status=PackageStatus.PROCESSING, updated_at=timezone.now())
    tree_forget()
    package.status = PackageStatus.PROCESSING
    return version, contents


@transaction.atomic
def package_version_add[VersionT: PackageVersionBase](
    *,
    kind: PackageKind[Any, VersionT],
    package: PackageBase,
    upload: File,
    uploaded_by: AbstractBaseUser | None = None,
) -> VersionT:
    """Store a validated upload as the package's next version, status "processing".

    The version becomes the one lessons play only once it has been extracted.
    """
    return _version_add(kind, package, upload, uploaded_by)[0]


@transaction.atomic
def package_create[VersionT: PackageVersionBase](
    *, kind: PackageKind[Any, VersionT], title: str, upload: File, uploaded_by: AbstractBaseUser | None = None
) -> VersionT:
    """A new package with its first version (validated and stored, not yet extracted).

    Without a title, the package takes the one its contents give (the kind says where).
    """
    package = kind.package_model._default_manager.create(title=title.strip()[:200] or kind.default_title)
    version, contents = _version_add(kind, package, upload, uploaded_by)
    if not title.strip():
        package.title = kind.contents_title(contents)[:200] or package.title
        package.save(update_fields=["title"])
    return version


def package_version_extract_later(*, kind: PackageKind[Any, Any], version: PackageVersionBase) -> None:
    """Queue the extraction of a stored version once the current transaction commits."""
    task_queue_after_commit(
        "modules.tasks.package_version_extract_task", kind_name=kind.name, version_id=version.pk
    )


def package_version_refuse(
    *, kind: PackageKind[Any, Any], version: PackageVersionBase, refused: PackageRefused
) -> None:
    """Mark a version refused with its reason and delete its upload; the package says so if it
    was the newest upload."""
    if version.upload:
        version.upload.delete(save=False)
    kind.version_model._default_manager.filter(pk=version.pk).update(
        status=PackageStatus.REFUSED,
        refusal_code=refused.code,
        refusal_reasons=[refused.reason],
        upload="",
        progress=0,
    )
    if _latest_number(kind, version.package_id) == version.number:
        kind.package_model._default_manager.filter(pk=version.package_id).update(
            status=PackageStatus.REFUSED, updated_at=timezone.now()
        )
    tree_forget()


@transaction.atomic
def package_version_ready_mark(
    *, kind: PackageKind[Any, Any], version: PackageVersionBase, contents: Any, fields: dict[str, object]
) -> None:
    """An extracted version is ready; it becomes current unless a newer version already is, and
    the package is ready if this is its newest upload."""
    kind.version_model._default_manager.filter(pk=version.pk).update(
        status=PackageStatus.READY,
        progress=100,
        ready_at=timezone.now(),
        **kind.version_fields(contents),
        **kind.ready_fields(contents),
        **fields,
    )
    package = kind.package_model._default_manager.select_for_update().get(pk=version.package_id)
    current = package.current_version  # no query when there is none yet
    package_fields: dict[str, object] = {"updated_at": timezone.now()}
    if version.number >= (current.number if current is not None else 0):
        package_fields |= {"current_version_id": version.pk, **kind.current_fields(contents)}
    if _latest_number(kind, package.pk) == version.number:
        package_fields["status"] = PackageStatus.READY
    kind.package_model._default_manager.filter(pk=package.pk).update(**package_fields)


def package_version_extract[VersionT: PackageVersionBase](
    *, kind: PackageKind[Any, VersionT], version_id: int
) -> VersionT:
    """Validate again and extract a stored version to storage; make it current when ready.

    Idempotent: a version that is no longer processing is left as it is. On refusal the version
    is marked refused with the reason, and its files (extracted and uploaded) are deleted.
    Raises nothing for a refused package.
    """
    versions = kind.version_model._default_manager
    version = versions.select_related("package").get(pk=version_id)
    if version.status != PackageStatus.PROCESSING:
        return version
    limits = kind.limits()
    storage = kind.storage()
    prefix = f"{kind.name}/content/{version.package_id}/{version.number}-{secrets.token_hex(6)}/"
    sink = StorageSink(storage, prefix)
    last_reported = [0]

    def report(done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent - last_reported[0] >= 5 or done == total:
            last_reported[0] = percent
            versions.filter(pk=version_id).update(progress=min(percent, 99))

    try:
        upload_name = version.upload.name if version.upload else None
        if not upload_name:
            raise PackageRefused("missing-upload", "The uploaded file is missing.")
        with stored_local_copy(storage, upload_name, limits.max_upload_bytes) as local:
            contents = kind.validate(local, limits=limits)
            extracted = kind.extract(local, contents, sink=sink, limits=limits, progress=report)
    except PackageRefused as refused:
        sink.discard()
        package_version_refuse(kind=kind, version=version, refused=refused)
        logger.info("%s version %s refused: %s", kind.label, version_id, refused.code)
        version.refresh_from_db()
        return version
    except Exception:
        sink.discard()
        raise
    package_version_ready_mark(
        kind=kind,
        version=version,
        contents=contents,
        fields={"content_prefix": prefix, "file_count": len(sink.written), "extracted_bytes": extracted},
    )
    tree_forget()
    version.refresh_from_db()
    return version


def package_delete[PackageT: PackageBase](*, kind: PackageKind[PackageT, Any], package: PackageT) -> None:
    """Delete a package with its versions (lessons choosing it then show it as unavailable)."""
    package.delete()
    tree_forget()


def package_import[VersionT: PackageVersionBase](
    *, kind: PackageKind[Any, VersionT], path: str, title: str, uploaded_by: AbstractBaseUser | None = None
) -> VersionT:
    """Validate, store and extract a package file now (for the import commands and the seeds).

    Raises PackageRefused with the reason; a refused import leaves no package behind.
    """
    with open(path, "rb") as handle:
        upload = File(handle, name=path.rsplit("/", 1)[-1])
        package_check(kind=kind, upload=upload)  # refuse before writing anything
        with transaction.atomic():
            version = package_create(kind=kind, title=title, upload=upload, uploaded_by=uploaded_by)
    version = package_version_extract(kind=kind, version_id=version.pk)
    if version.status == PackageStatus.REFUSED:
        reason = version.refusal_reasons[0] if version.refusal_reasons else "The package was refused."
        code = version.refusal_code
        package_delete(kind=kind, package=version.package)
        raise PackageRefused(code, reason)
    return version
