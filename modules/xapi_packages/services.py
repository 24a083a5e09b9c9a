"""Writes for xAPI and cmi5 packages: the generic package services (modules.packages.services)
with the xAPI kind given. Uploads are validated before anything is stored; extraction, by
Celery (or at once for import_xapi and the seed), streams each file into storage under a fresh
per-version prefix; a package refused part-way leaves nothing.
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
from modules.xapi_packages.kind import XAPI_KIND

__all__ = [
    "xapi_package_check",
    "xapi_package_create",
    "xapi_package_import",
    "xapi_version_add",
    "xapi_version_extract",
    "xapi_version_extract_later",
]

xapi_package_check = partial(package_check, kind=XAPI_KIND)
xapi_version_add = partial(package_version_add, kind=XAPI_KIND)
xapi_package_create = partial(package_create, kind=XAPI_KIND)
xapi_version_extract_later = partial(package_version_extract_later, kind=XAPI_KIND)
xapi_version_extract = partial(package_version_extract, kind=XAPI_KIND)
xapi_package_import = partial(package_import, kind=XAPI_KIND)
