"""Celery tasks for training content."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def package_version_extract_task(kind_name: str, version_id: int) -> str:
    """Extract an uploaded package version of that kind ("h5p", "scorm", "xapi") to storage (or
    refuse it with its reason)."""
    from modules.packages.kinds import package_kind_get
    from modules.packages.services import package_version_extract

    return package_version_extract(kind=package_kind_get(kind_name), version_id=version_id).status
