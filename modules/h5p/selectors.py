"""Reads for H5P packages: the generic package reads (modules.packages.selectors) for H5P."""

from modules.h5p.kind import H5P_KIND
from modules.h5p.validation import h5p_asset_path_valid
from modules.packages.selectors import package_ready_versions, package_version_ready, packages_status

__all__ = [
    "h5p_asset_path_valid",
    "h5p_package_ready_versions",
    "h5p_packages_status",
    "h5p_version_ready_prefix",
]


def h5p_version_ready_prefix(*, version_id: int) -> str | None:
    """The storage prefix of a ready version's extracted files, or None."""
    found = package_version_ready(kind=H5P_KIND, version_id=version_id, fields=("content_prefix",))
    return str(found["content_prefix"]) if found else None


def h5p_package_ready_versions(*, package_id: int) -> tuple[frozenset[int], int | None]:
    """(ids of the package's ready versions, its current ready version's id): one query, or none.

    Every xAPI statement asks this, so it is cached until any package or version changes.
    """
    return package_ready_versions(kind=H5P_KIND, package_id=package_id)


def h5p_packages_status(*, package_ids: list[int]) -> list[dict[str, object]]:
    """Each package's status for the admin's live status line (two queries)."""
    return packages_status(kind=H5P_KIND, package_ids=package_ids)
