"""Cached H5P package reads (lesson blocks, the xAPI endpoint) share the page tree's generation.

Any save or delete of a package or a version (modules.apps), and the services'
bulk updates, renew it, so nothing cached about packages outlives a change.
Packages change rarely; sharing the generation saves a cache round trip per request.
"""

from cms.core.page_cache import tree_forget, tree_generation


def h5p_packages_generation() -> str:
    return tree_generation()


def h5p_packages_forget(*args, **kwargs) -> None:
    """Every cached package read is stale: a package or one of its versions changed."""
    tree_forget()
