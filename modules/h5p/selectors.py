"""Reads for H5P packages."""

from cms.core.page_cache import tree_cache_get, tree_cache_set
from cms.core.selectors import frame_cache_seconds
from modules.h5p.cache import h5p_packages_generation
from modules.h5p.metadata import CONTENT_EXTENSIONS, LIBRARY_EXTENSIONS
from modules.h5p.models import H5PPackage, H5PPackageVersion, H5PStatus


def h5p_asset_path_valid(*, path: str) -> bool:
    """Whether a requested path could be a file we extracted (checked before touching storage)."""
    if not path or len(path) > 512 or "\\" in path or "\x00" in path or path.startswith("/"):
        return False
    segments = path.split("/")
    if any(not segment or segment in {".", ".."} or segment[0] in "._" for segment in segments):
        return False
    extension = path.rsplit(".", 1)[-1].lower() if "." in segments[-1] else ""
    if len(segments) == 1:
        return path == "h5p.json"
    allowed = CONTENT_EXTENSIONS if segments[0] == "content" else LIBRARY_EXTENSIONS
    return extension in allowed


def h5p_version_ready_prefix(*, version_id: int) -> str | None:
    """The storage prefix of a ready version's extracted files, or None."""
    return (
        H5PPackageVersion.objects.filter(pk=version_id, status=H5PStatus.READY)
        .values_list("content_prefix", flat=True)
        .first()
    )


def h5p_package_ready_versions(*, package_id: int) -> tuple[frozenset[int], int | None]:
    """(ids of the package's ready versions, its current ready version's id): one query, or none.

    Every xAPI statement asks this, so it is cached until any package or version changes.
    """
    seconds = frame_cache_seconds()
    key = f"modules:h5p:ready:{h5p_packages_generation()}:{package_id}" if seconds else ""
    answer = tree_cache_get(key, seconds=seconds) if key else None
    if answer is None:
        rows = list(
            H5PPackageVersion.objects.filter(package_id=package_id, status=H5PStatus.READY).values_list(
                "pk", "package__current_version"
            )
        )
        ready = frozenset(pk for pk, _current in rows)
        current = next((pk for pk, current in rows if pk == current), None)
        answer = (ready, current)
        if key:
            tree_cache_set(key, answer, seconds)
    return answer


def h5p_packages_status(*, package_ids: list[int]) -> list[dict[str, object]]:
    """Each package's status for the admin's live status line: one query for the packages and
    one for the progress of their newest uploads."""
    packages = list(
        H5PPackage.objects.filter(pk__in=package_ids).order_by("pk").values_list("pk", "title", "status")
    )
    progress: dict[int, int] = {}
    for package_id, percent in (
        H5PPackageVersion.objects.filter(package_id__in=[pk for pk, _title, _status in packages])
        .order_by("package_id", "-number")
        .values_list("package_id", "progress")
    ):
        progress.setdefault(package_id, percent)
    labels = dict(H5PStatus.choices)
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
