"""Reads for SCORM packages: serving their files and what the runtime needs to know."""

from __future__ import annotations

from typing import Any

from cms.core.page_cache import tree_cache_get, tree_cache_set, tree_generation
from cms.core.selectors import frame_cache_seconds
from modules.scorm.models import ScormPackageVersion, ScormStatus

__all__ = ["scorm_asset_path_valid", "scorm_package_ready_versions", "scorm_version_ready"]


def scorm_asset_path_valid(*, path: str) -> bool:
    """Whether a requested path could be a file we extracted (checked before touching storage)."""
    if not path or len(path) > 512 or "\\" in path or "\x00" in path or path.startswith("/"):
        return False
    segments = path.split("/")
    if segments[0] == "__MACOSX":
        return False
    return not any(not segment or segment in {".", ".."} or segment.startswith(".") for segment in segments)


def scorm_version_ready(*, version_id: int) -> dict[str, Any] | None:
    """A ready version's package, prefix, SCORM version and items (one query, or none: cached).

    Every served file and every commit asks this, so it is kept until any package or
    version changes (the page tree's generation, renewed by the services and signals).
    """
    seconds = frame_cache_seconds()
    key = f"modules:scorm:version:{tree_generation()}:{version_id}" if seconds else ""
    found: dict[str, Any] | None = tree_cache_get(key, seconds=seconds) if key else None
    if found is None:
        row = (
            ScormPackageVersion.objects.filter(pk=version_id, status=ScormStatus.READY)
            .values("pk", "package_id", "content_prefix", "scorm_version", "scos", "package__current_version")
            .first()
        )
        found = dict(row) if row else {}
        if key:
            tree_cache_set(key, found, seconds)
    return found or None


def scorm_package_ready_versions(*, package_id: int) -> tuple[frozenset[int], int | None]:
    """(ids of the package's ready versions, its current ready version's id): cached like the above."""
    seconds = frame_cache_seconds()
    key = f"modules:scorm:ready:{tree_generation()}:{package_id}" if seconds else ""
    answer = tree_cache_get(key, seconds=seconds) if key else None
    if answer is None:
        rows = list(
            ScormPackageVersion.objects.filter(package_id=package_id, status=ScormStatus.READY).values_list(
                "pk", "package__current_version"
            )
        )
        answer = (frozenset(pk for pk, _ in rows), next((pk for pk, current in rows if pk == current), None))
        if key:
            tree_cache_set(key, answer, seconds)
    return answer
