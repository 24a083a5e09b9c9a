"""Settings for SCORM packages, each overridable from Django settings."""

from django.conf import settings
from django.core.files.storage import Storage, storages

from modules.packages.archive import Limits


def scorm_limits() -> Limits:
    """Package caps (the same defaults as H5P); override any of them with settings.SCORM_LIMITS."""
    return Limits(**getattr(settings, "SCORM_LIMITS", {}))


def scorm_storage() -> Storage:
    """Where uploads and extracted files live: the default storage (S3 when configured)."""
    return storages[getattr(settings, "SCORM_STORAGE_ALIAS", "default")]
