"""Celery tasks for training content."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def h5p_version_extract_task(version_id: int) -> str:
    """Extract an uploaded H5P package version to storage (or refuse it with its reason)."""
    from modules.h5p.services import h5p_version_extract

    return h5p_version_extract(version_id=version_id).status


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def scorm_version_extract_task(version_id: int) -> str:
    """Extract an uploaded SCORM package version to storage (or refuse it with its reason)."""
    from modules.scorm.services import scorm_version_extract

    return scorm_version_extract(version_id=version_id).status


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def xapi_version_extract_task(version_id: int) -> str:
    """Extract an uploaded xAPI or cmi5 package version to storage (or refuse it with its reason)."""
    from modules.xapi_packages.services import xapi_version_extract

    return xapi_version_extract(version_id=version_id).status
