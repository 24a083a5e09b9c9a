"""Settings for H5P packages, each overridable from Django settings."""

from django.conf import settings
from django.core.files.storage import Storage, storages

from modules.packages.archive import Limits


def h5p_limits() -> Limits:
    """Package caps; override any of them with a dict in settings.H5P_LIMITS."""
    return Limits(**getattr(settings, "H5P_LIMITS", {}))


def h5p_storage() -> Storage:
    """Where uploads and extracted files live: the default storage (S3 when configured)."""
    return storages[getattr(settings, "H5P_STORAGE_ALIAS", "default")]


# Some third-party H5P libraries build code from strings; allow eval on lesson pages
# with H5P only if a package you need does that (see docs/h5p.md).
def h5p_allow_eval() -> bool:
    return bool(getattr(settings, "H5P_CSP_ALLOW_UNSAFE_EVAL", False))
