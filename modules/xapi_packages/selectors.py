"""Reads for xAPI and cmi5 packages: a ready version's structure and where its files are."""

from __future__ import annotations

from typing import Any

from cms.core.page_cache import tree_cache_get, tree_cache_set, tree_generation
from cms.core.selectors import frame_cache_seconds
from modules.xapi_packages.models import XapiPackageVersion, XapiStatus

__all__ = ["xapi_version_ready"]


def xapi_version_ready(*, version_id: int) -> dict[str, Any] | None:
    """A ready version's package, kind, course id, AUs and content prefix (one query, or cached).

    Every served file and every launch asks this, so it is kept until any package or
    version changes (the page tree's generation, renewed by the services).
    """
    seconds = frame_cache_seconds()
    key = f"modules:xapi:version:{tree_generation()}:{version_id}" if seconds else ""
    found: dict[str, Any] | None = tree_cache_get(key, seconds=seconds) if key else None
    if found is None:
        row = (
            XapiPackageVersion.objects.filter(pk=version_id, status=XapiStatus.READY)
            .values(
                "pk", "package_id", "content_prefix", "kind", "course_id", "course_title", "aus", "blocks"
            )
            .first()
        )
        found = dict(row) if row else {}
        if key:
            tree_cache_set(key, found, seconds)
    return found or None
