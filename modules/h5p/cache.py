"""The generation stamp of cached H5P package reads (lesson blocks, the xAPI endpoint).

Any save or delete of a package or a version (modules.apps), and the services'
bulk updates, renew it, so nothing cached about packages outlives a change.
"""

import secrets

from django.core.cache import cache

PACKAGES_GENERATION_KEY = "modules:h5p:packages:generation"


def h5p_packages_generation() -> str:
    return cache.get_or_set(PACKAGES_GENERATION_KEY, lambda: secrets.token_hex(8), None)


def h5p_packages_forget(*args, **kwargs) -> None:
    """Every cached package read is stale: a package or one of its versions changed."""
    cache.delete(PACKAGES_GENERATION_KEY)
