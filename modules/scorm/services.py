"""Writes for SCORM packages: the generic package services (modules.packages.services) for SCORM.

Uploads are validated before anything is stored; extraction, by Celery, streams each file
through the shared byte counters into storage under a fresh per-version prefix; a package
refused part-way leaves nothing. Each name here is the generic service with the SCORM kind given.
"""

from functools import partial

from modules.packages.services import (
    package_check,
    package_create,
    package_import,
    package_version_add,
    package_version_extract,
    package_version_extract_later,
)
from modules.scorm.kind import SCORM_KIND

__all__ = [
    "scorm_package_check",
    "scorm_package_create",
    "scorm_package_import",
    "scorm_version_add",
    "scorm_version_extract",
    "scorm_version_extract_later",
]

scorm_package_check = partial(package_check, kind=SCORM_KIND)
scorm_version_add = partial(package_version_add, kind=SCORM_KIND)
scorm_package_create = partial(package_create, kind=SCORM_KIND)
scorm_version_extract_later = partial(package_version_extract_later, kind=SCORM_KIND)
scorm_version_extract = partial(package_version_extract, kind=SCORM_KIND)
scorm_package_import = partial(package_import, kind=SCORM_KIND)
