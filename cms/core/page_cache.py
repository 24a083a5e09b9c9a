"""Cross-request caches of the page tree: the site of a host, where a path leads, who may see it.

Every signed-in page view used to read the site, walk the tree one query per
level and read the view restrictions of the page and its ancestors. The tree
changes rarely next to page views, so those answers are kept in the shared
cache (Redis in production) for FRAME_CACHE_SECONDS under one *tree generation*
that cms.core.signals renews whenever a page, a site or a view restriction is
saved, deleted, published, unpublished or moved (and modules renews when an H5P
package changes). The generation is read once per request.

- ``PageTreeCacheMiddleware``: the Wagtail site of a GET request's host (root page
  included), and the route to pages whose class sets ``route_cache = True`` (pages
  whose ``route`` depends on the path alone). Draft content is never involved: routing
  only ever reaches live pages, and previews do not route.
- ``CachedViewRestrictionsMixin``: Wagtail checks view restrictions on every serve; the
  set of restricted paths is cached, so a page under none of them costs no query.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar

from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction, Site

from cms.core.selectors import frame_cache_seconds

TREE_GENERATION_KEY = "core:tree:generation"


# The generation read at the start of a request, so its later cache keys cost no extra round trip.
_request_generation: ContextVar[str | None] = ContextVar("tree_generation", default=None)


def tree_generation() -> str:
    return _request_generation.get() or cache.get_or_set(
        TREE_GENERATION_KEY, lambda: secrets.token_hex(8), None
    )


def tree_forget(*args, **kwargs) -> None:
    """Every cached answer about the page tree is stale (cms.core.signals calls this)."""
    cache.delete(TREE_GENERATION_KEY)


class PageTreeCacheMiddleware:
    """Give GET requests their Wagtail site, and their route where allowed, from the cache.

    Wagtail keeps both on the request (`_wagtail_site`, `_wagtail_route_for_request`) and
    reads them from there when present, so setting them first spares its queries. A
    route is stored after Wagtail has routed the request itself, and only when the page
    reached sets ``route_cache = True`` and takes no route arguments.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = frame_cache_seconds()
        if not seconds:
            return self.get_response(request)
        token = _request_generation.set(tree_generation())
        try:
            if request.method in ("GET", "HEAD"):
                return self._serve_get(request, seconds)
            return self.get_response(request)
        finally:
            _request_generation.reset(token)

    def _serve_get(self, request, seconds: int):
        generation, host = tree_generation(), f"{request._get_raw_host()}:{request.get_port()}"
        site_key = f"core:site:{generation}:{host}"
        route_key = f"core:route:{generation}:{host}:{request.path_info}"
        found = cache.get_many([site_key, route_key])
        site = found.get(site_key)
        if site is None:
            site = Site.find_for_request(request)
            if site is not None:
                cache.set(site_key, site, seconds)
        request._wagtail_site = site
        if site is None:
            return self.get_response(request)
        route = found.get(route_key)
        if route is not None:
            request._wagtail_route_for_request = route
            return self.get_response(request)
        response = self.get_response(request)
        route = getattr(request, "_wagtail_route_for_request", None)
        if route is not None and getattr(route[0], "route_cache", False) and not route[1] and not route[2]:
            cache.set(route_key, route, seconds)
        return response


def _restricted_paths() -> frozenset[str]:
    """Paths of pages under a view restriction, their own or their alias source's (one query)."""
    return frozenset(
        Page.objects.filter(
            Q(id__in=PageViewRestriction.objects.values("page_id"))
            | Q(alias_of__in=PageViewRestriction.objects.values("page_id"))
        ).values_list("path", flat=True)
    )


def page_unrestricted(*, path: str) -> bool:
    """True when the cache knows no view restriction applies to the page at `path` (or its
    ancestors); False when one may, or when caching is off (then ask the database)."""
    seconds = frame_cache_seconds()
    if not seconds:
        return False
    key = f"core:restricted-paths:{tree_generation()}"
    restricted = cache.get(key)
    if restricted is None:
        restricted = _restricted_paths()
        cache.set(key, restricted, seconds)
    steplen = Page.steplen
    return not any(path[:length] in restricted for length in range(steplen, len(path) + 1, steplen))


class CachedViewRestrictionsMixin:
    """A page under no view restriction answers Wagtail's serve-time check without a query."""

    def get_view_restrictions(self):
        if page_unrestricted(path=self.path):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
