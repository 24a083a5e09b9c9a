"""Settings for xAPI and cmi5 packages, each overridable from Django settings."""

from django.conf import settings
from django.core.files.storage import Storage, storages

from modules.packages.archive import Limits


def xapi_limits() -> Limits:
    """Package caps (the same defaults as H5P and SCORM); override any with settings.XAPI_PACKAGE_LIMITS."""
    return Limits(**getattr(settings, "XAPI_PACKAGE_LIMITS", {}))


def xapi_storage() -> Storage:
    """Where uploads and extracted files live: the default storage (S3 when configured)."""
    return storages[getattr(settings, "XAPI_PACKAGE_STORAGE_ALIAS", "default")]
