"""Reads for every kind of package: the ready versions lessons and runtimes may use, and the
admin's live status line.

Every served file, statement and commit asks which versions are ready, so those answers are
kept in the shared cache until any package or version changes (the page tree's generation,
renewed by the services and by the signals modules.apps connects for every kind).
"""

from __future__ import annotations

from typing import Any

from cms.core.page_cache import tree_cached
from modules.packages.kinds import PackageKind
from modules.packages.models import PackageStatus

__all__ = [
    "package_ready_versions",
    "package_version_ready",
    "packages_status",
]


def _cached(key: str, load: Any) -> Any:
    return tree_cached(f"modules:{key}", load)


def package_version_ready(
    *, kind: PackageKind[Any, Any], version_id: int, fields: tuple[str, ...]
) -> dict[str, Any] | None:
    """These fields of a ready version (one query, or none: cached), or None if it is not ready."""

    def load() -> dict[str, Any]:
        row = (
            kind.version_model._default_manager.filter(pk=version_id, status=PackageStatus.READY)
            .values(*fields)
            .first()
        )
        return dict(row) if row else {}

    found: dict[str, Any] = _cached(f"{kind.name}:version:{version_id}:{','.join(fields)}", load)
    return found or None


def package_ready_versions(
    *, kind: PackageKind[Any, Any], package_id: int
) -> tuple[frozenset[int], int | None]:
    """(ids of the package's ready versions, its current ready version's id): one query, or none."""

    def load() -> tuple[frozenset[int], int | None]:
        rows = list(
            kind.version_model._default_manager.filter(
                package_id=package_id, status=PackageStatus.READY
            ).values_list("pk", "package__current_version")
        )
        return frozenset(pk for pk, _ in rows), next((pk for pk, current in rows if pk == current), None)

    answer: tuple[frozenset[int], int | None] = _cached(f"{kind.name}:ready:{package_id}", load)
    return answer


def packages_status(*, kind: PackageKind[Any, Any], package_ids: list[int]) -> list[dict[str, object]]:
    """Each package's status for the admin's live status line: one query for the packages and one
    for the progress of their newest uploads."""
    packages = list(
        kind.package_model._default_manager.filter(pk__in=package_ids)
        .order_by("pk")
        .values_list("pk", "title", "status")
    )
    progress: dict[int, int] = {}
    for package_id, percent in (
        kind.version_model._default_manager.filter(package_id__in=[pk for pk, _title, _status in packages])
        .order_by("package_id", "-number")
        .values_list("package_id", "progress")
    ):
        progress.setdefault(package_id, percent)
    labels = dict(PackageStatus.choices)
    return [
        {
            "id": pk,
            "title": title,
            "status": status,
            "label": labels.get(status, status),
            "progress": progress.get(pk, 0),
        }
        for pk, title, status in packages
    ]
