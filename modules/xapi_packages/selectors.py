"""Reads for xAPI and cmi5 packages: a ready version's structure and where its files are."""

from __future__ import annotations

from typing import Any

from modules.packages.selectors import package_version_ready
from modules.xapi_packages.kind import XAPI_KIND

__all__ = ["xapi_version_ready"]

FIELDS = ("pk", "package_id", "content_prefix", "kind", "course_id", "course_title", "aus", "blocks")


def xapi_version_ready(*, version_id: int) -> dict[str, Any] | None:
    """A ready version's package, kind, course id, AUs and content prefix (one query, or cached)."""
    return package_version_ready(kind=XAPI_KIND, version_id=version_id, fields=FIELDS)
