"""Reads for SCORM packages: serving their files and what the runtime needs to know."""

from __future__ import annotations

from typing import Any

from modules.packages.selectors import package_ready_versions, package_version_ready
from modules.scorm.kind import SCORM_KIND
from modules.scorm.validation import scorm_asset_path_valid

__all__ = ["scorm_asset_path_valid", "scorm_package_ready_versions", "scorm_version_ready"]

READY_FIELDS = ("pk", "package_id", "content_prefix", "scorm_version", "scos", "package__current_version")


def scorm_version_ready(*, version_id: int) -> dict[str, Any] | None:
    """A ready version's package, prefix, SCORM version and items (one query, or none: cached).

    Every served file and every commit asks this, so it is kept until any package or
    version changes (the page tree's generation, renewed by the services and signals).
    """
    return package_version_ready(kind=SCORM_KIND, version_id=version_id, fields=READY_FIELDS)


def scorm_package_ready_versions(*, package_id: int) -> tuple[frozenset[int], int | None]:
    """(ids of the package's ready versions, its current ready version's id): cached like the above."""
    return package_ready_versions(kind=SCORM_KIND, package_id=package_id)
