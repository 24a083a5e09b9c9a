"""Writes for H5P packages: the generic package services (modules.packages.services) for H5P.

Uploads are validated before anything is stored; extraction streams each file through the
validator's byte counters into storage under a fresh per-version prefix, and a package refused
part-way leaves nothing served. Each name here is the generic service with the H5P kind given.
"""

from functools import partial

from modules.h5p.kind import H5P_KIND
from modules.packages.services import (
    package_check,
    package_create,
    package_import,
    package_version_add,
    package_version_extract,
    package_version_extract_later,
)

__all__ = [
    "h5p_package_check",
    "h5p_package_create",
    "h5p_package_import",
    "h5p_version_add",
    "h5p_version_extract",
    "h5p_version_extract_later",
]

h5p_package_check = partial(package_check, kind=H5P_KIND)
h5p_version_add = partial(package_version_add, kind=H5P_KIND)
h5p_package_create = partial(package_create, kind=H5P_KIND)
h5p_version_extract_later = partial(package_version_extract_later, kind=H5P_KIND)
h5p_version_extract = partial(package_version_extract, kind=H5P_KIND)
h5p_package_import = partial(package_import, kind=H5P_KIND)
