"""Cross-request caches of the page tree: the site of a host, where a path leads, what it holds.

Every signed-in page view used to read the site, walk the tree one query per
level and read the view restrictions of the page and its ancestors (those are answered
from here by cms.core.page_restrictions). The tree
changes rarely next to page views, so those answers are kept in the shared
cache (Redis in production) for FRAME_CACHE_SECONDS under one *tree generation*
that cms.core.signals renews whenever a page, a site or a view restriction is
saved, deleted, published, unpublished or moved (and modules renews when an H5P
package changes). The generation is read once per request, with the branding's and, for a
request with a session cookie, the session's cached data (the cached_db session store's own
first read, made here in the same round trip; a session not in the cache is read by the store
as before), and whatever an earlier middleware asked to have read with them
(``frame_prefetch_ask``: the signed-in person's row, cms.people.middleware).

- ``PageTreeCacheMiddleware``: the Wagtail site of a GET request's host (root page
  included), the sites' root paths (which every page address is built from), and the
  route to pages whose class sets ``route_cache = True`` (pages whose ``route`` depends
  on the path alone). Draft content is never involved: routing
  only ever reaches live pages, and previews do not route.
- ``route_by_url_path`` (the same middleware, once the URL resolves to Wagtail's ``serve``): a
  route the cache does not hold is found with one query for the pages along the path (by
  ``url_path``) and one for the page reached as its own type, where Wagtail walks the tree a
  query or two per level. It takes Wagtail's own steps: a page whose class routes as Wagtail's
  ``Page.route`` does (or says ``routes_children_by_slug``) passes the next component to the
  child with that slug, and the first page that routes otherwise (a routable page) is asked
  to route the rest itself, exactly as its parent would have asked it.
- ``tree_cached`` (a value built once per generation), and under it ``tree_cache_get`` /
  ``tree_cache_get_many`` / ``tree_cache_set`` for callers reading several keys at once: the
  reads keyed by the generation (view restrictions in cms.core.page_restrictions, the outline
  and lessons in modules, the lesson's addresses in learning; and the branding in
  cms.core.selectors, keyed by the branding's own generation, read with the tree's) go
  through the process-local tier (cms.core.local_cache) in front of Redis. A key holding the
  generation never changes while that generation stands, so each worker process keeps what it
  read (at most
  ``LOCAL_TIER_ENTRIES`` keys, least recently used out first) and a request reads only
  the generation itself from Redis. Values are kept pickled and unpickled on every read
  (plain immutable values as they are), so requests never share a mutable object; an
  entry lives no longer than its timeout, nor than the time the Redis entry had left
  when it was read. A key deleted from Redis alone is *not* noticed by other workers:
  only put keys holding the generation here, and invalidate by renewing the
  generation (tree_forget), never by deleting keys.

While Redis is unavailable (cms.core.cache) the generation cannot be confirmed:
``tree_generation`` is then a one-off value (so no key made with it matches anything
cached before), and the local tier is neither read nor filled, so an edit or publish
made meanwhile by another process is never hidden by this one's copies. Every
process renews the generation when Redis answers again (``redis_recovered``), so a
``tree_forget`` lost during the outage is made good at once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from wagtail.models import Page, PageViewRestriction, Site, SiteRootPath
from wagtail.url_routing import RouteResult

from cms.core.local_cache import LocalTier
from cms.core.transactions import renewed_again_after_commit

TREE_GENERATION_KEY = "core:tree:generation"


def frame_cache_seconds() -> int:
    """How long the frame's and the tree's reads are cached (setting FRAME_CACHE_SECONDS; 0 turns
    caching off). cms.core.selectors offers it too, where most callers import it from."""
    return int(getattr(settings, "FRAME_CACHE_SECONDS", 300))


# The branding's own generation (cms.core.selectors keys the branding by it; cms.core.signals
# renews it when branding, a logo or a site changes), read with the tree's in one round trip.
BRANDING_GENERATION_KEY = "core:frame:branding:generation"


# The generations read at the start of a request, so its later cache keys cost no extra round trip.
_request_generation: ContextVar[str | None] = ContextVar("tree_generation", default=None)
_request_branding_generation: ContextVar[str | None] = ContextVar("branding_generation", default=None)


def tree_generation() -> str:
    """The current generation; a fresh one-off value when the shared cache cannot answer."""
    return _request_generation.get() or cache.get_or_set(
        TREE_GENERATION_KEY, lambda: secrets.token_hex(8), None
    )


def branding_generation() -> str:
    """The branding's current generation; a fresh one-off value when the shared cache cannot answer."""
    return _request_branding_generation.get() or cache.get_or_set(
        BRANDING_GENERATION_KEY, lambda: secrets.token_hex(8), None
    )


def branding_forget(*args, **kwargs) -> None:
    """Every cached branding is stale (cms.core.signals calls this)."""
    cache.delete(BRANDING_GENERATION_KEY)


def _tree_forget_now() -> None:
    cache.delete(TREE_GENERATION_KEY)
    _local_tier.clear()


def tree_forget(*args, **kwargs) -> None:
    """Every cached answer about the page tree is stale (cms.core.signals calls this).

    Renewed at once (a request keeps the generation it read at its start; a task or command that
    writes and then reads the tree reads under a new one), and again after commit (once, however
    many writes ask): a request that read the tree while the write was uncommitted may have kept
    the old answer under the generation made meanwhile.
    """
    _tree_forget_now()
    renewed_again_after_commit(_tree_forget_now)


# --- the process-local tier ----------------------------------------------------------

LOCAL_TIER_ENTRIES = 512
_local_tier = LocalTier(LOCAL_TIER_ENTRIES)


def shared_cache_answering() -> bool:
    """Whether the cache is one every process shares and says how long its values have left (our
    Redis backend), and answers now. The process tier sits only in front of such a cache (it
    cannot confirm the generation otherwise); My team keeps its lists only in one."""
    return hasattr(cache, "get_many_with_ttl") and not getattr(cache, "unavailable", False)


def tree_cache_get_many(keys: list[str], *, seconds: int) -> dict:
    """The values found for keys that hold the tree generation: this process's copy, or Redis's
    (kept here for at most `seconds`, and no longer than Redis keeps it)."""
    if not shared_cache_answering():
        return cache.get_many(keys)
    now = time.monotonic()
    found, missing = {}, {}
    for key in keys:
        local_key = cache.make_key(key)
        value = _local_tier.get(local_key, now)
        if value is None:
            missing[key] = local_key
        else:
            found[key] = value
    if missing:
        for key, (value, left) in cache.get_many_with_ttl(list(missing)).items():
            found[key] = value
            _local_tier.set(missing[key], value, seconds if left is None else min(seconds, left), now)
    return found


def tree_cache_get(key: str, *, seconds: int):
    """One value, as ``tree_cache_get_many`` (None when missing)."""
    return tree_cache_get_many([key], seconds=seconds).get(key)


def tree_cache_set_many(values: dict, seconds: int) -> None:
    """Store in Redis for `seconds` (one round trip), and in this process's tier."""
    if getattr(cache, "unavailable", False):
        return
    cache.set_many(values, seconds)
    if shared_cache_answering():
        now = time.monotonic()
        for key, value in values.items():
            _local_tier.set(cache.make_key(key), value, seconds, now)


def tree_cache_set(key: str, value, seconds: int) -> None:
    """Store in Redis for `seconds`, and in this process's tier."""
    tree_cache_set_many({key: value}, seconds)


def tree_cached[T](key: str, build: Callable[[], T]) -> T:
    """``build()``'s answer, kept for FRAME_CACHE_SECONDS in Redis and this process's tier under
    the page tree's generation, so any page, site, restriction or package change renews it.

    `key` names the answer without the generation (namespace, a version, then whatever picks
    it: "modules:outline:v2:12"). With caching off every call builds. None is never kept (it
    means "not cached"): a builder with nothing to return answers False, so that is kept too.
    """
    seconds = frame_cache_seconds()
    if not seconds:
        return build()
    key = f"{key}:{tree_generation()}"
    found = tree_cache_get(key, seconds=seconds)
    if found is None:
        found = build()
        if found is not None:
            tree_cache_set(key, found, seconds)
    return found


# Keys an earlier middleware asks to have read in the frame's round trip (``frame_prefetch_ask``),
# and what that read found for each (``frame_prefetched``): the signed-in person's row, whose key
# needs their id, which only the session says (cms.people.middleware).
FRAME_PREFETCH_ASKED = "_core_frame_prefetch_asked"
FRAME_PREFETCHED = "_core_frame_prefetched"


def frame_prefetch_ask(request, keys: list[str]) -> None:
    """Read `keys` from the shared cache in the same round trip as the frame's generations and the
    session (PageTreeCacheMiddleware, which runs later), rather than in one of their own."""
    setattr(request, FRAME_PREFETCH_ASKED, (*getattr(request, FRAME_PREFETCH_ASKED, ()), *keys))


def frame_prefetched(request, key: str) -> tuple[bool, object]:
    """(whether the frame's round trip read `key`, what it found: None when missing). False when it
    was not read (the caches off, or no PageTreeCacheMiddleware): the caller reads it itself."""
    prefetched = getattr(request, FRAME_PREFETCHED, None)
    if prefetched is None or key not in prefetched:
        return False, None
    return True, prefetched[key]


def _session_cache_key(request) -> str | None:
    """The shared cache's key for the request's session, when its store reads the session from that
    cache first (the cached_db and cache engines) and has not read it yet; else None."""
    session = getattr(request, "session", None)
    if (
        not isinstance(session, (CachedDbSessionStore, CacheSessionStore))
        or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS
        or hasattr(session, "_session_cache")
    ):
        return None
    session_key = session.session_key
    # Django's keys are letters and digits: any other cookie is left to the store's own read,
    # which answers a key the cache refuses as no session.
    return session.cache_key_prefix + session_key if session_key and session_key.isalnum() else None


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
        session_key = _session_cache_key(request)
        keys = [TREE_GENERATION_KEY, BRANDING_GENERATION_KEY]
        if session_key:
            keys.append(session_key)
        asked = getattr(request, FRAME_PREFETCH_ASKED, ())
        found = cache.get_many([*keys, *asked])
        if asked:
            setattr(request, FRAME_PREFETCHED, {key: found.get(key) for key in asked})
        if session_key and (session_data := found.get(session_key)) is not None:
            # What the session's own first read would answer (SessionStore.load finds it cached).
            request.session._session_cache = session_data
        token = _request_generation.set(found.get(TREE_GENERATION_KEY) or tree_generation())
        branding_token = _request_branding_generation.set(
            found.get(BRANDING_GENERATION_KEY) or branding_generation()
        )
        try:
            if request.method in ("GET", "HEAD"):
                return self._serve_get(request, seconds)
            return self.get_response(request)
        finally:
            _request_generation.reset(token)
            _request_branding_generation.reset(branding_token)

    def _serve_get(self, request, seconds: int):
        generation, host = tree_generation(), f"{request._get_raw_host()}:{request.get_port()}"
        site_key = f"core:site:{generation}:{host}"
        route_key = f"core:route:{generation}:{host}:{request.path_info}"
        root_paths_key = f"core:site-root-paths:{generation}"
        found = tree_cache_get_many([site_key, route_key, root_paths_key], seconds=seconds)
        root_paths = found.get(root_paths_key)
        if root_paths is None:
            # Plain tuples: the process's tier keeps them as they are, with nothing to unpickle.
            root_paths = tuple(tuple(root_path) for root_path in Site.get_site_root_paths())
            tree_cache_set(root_paths_key, root_paths, seconds)
        # Where Wagtail looks for them before asking its own cache (Page._get_site_root_paths).
        request._wagtail_cached_site_root_paths = [SiteRootPath(*root_path) for root_path in root_paths]
        site = found.get(site_key)
        if site is None:
            site = Site.find_for_request(request)
            if site is not None:
                tree_cache_set(site_key, site, seconds)
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
            tree_cache_set(route_key, route, seconds)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Route a Wagtail page request the cache did not answer in two queries (route_by_url_path)."""
        from wagtail.views import serve as wagtail_serve  # it loads models: not importable with this module

        if view_func is not wagtail_serve or hasattr(request, "_wagtail_route_for_request"):
            return None
        path = view_kwargs.get("path", view_args[0] if view_args else None)
        if not isinstance(path, str) or getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return None
        site = Site.find_for_request(request)
        if site is None:
            return None
        try:
            request._wagtail_route_for_request = route_by_url_path(request=request, site=site, path=path)
        except Http404:
            request._wagtail_route_for_request = None
        return None


def _routes_children_by_slug(page_class: type | None) -> bool:
    """Whether pages of this class route as Wagtail's ``Page.route`` does: the next path
    component to the child with that slug, and no components to the page itself if live."""
    if page_class is None:
        return False
    return page_class.route is Page.route or bool(getattr(page_class, "routes_children_by_slug", False))


def route_by_url_path(*, request, site: Site, path: str) -> RouteResult:
    """Wagtail's route for `path` under the site's root page, in two queries however deep.

    Raises Http404 where Wagtail's routing would; a page along the way whose class routes in
    its own way is handed the rest of the path, as Wagtail would hand it. The first query also
    says whether any page from the tree's root to the page reached is under a view restriction
    (its own or its alias source's): when none is, the page answers Wagtail's serve-time check
    without a query (``CachedViewRestrictionsMixin``).
    """
    components = [component for component in path.split("/") if component]
    root = site.root_page
    prefixes = [f"{root.url_path}{'/'.join(components[:size])}/" for size in range(1, len(components) + 1)]
    steplen = Page.steplen
    above = [root.path[:size] for size in range(steplen, len(root.path) + 1, steplen)]
    restrictions = PageViewRestriction.objects.all()
    pages = list(
        Page.objects.filter(
            Q(url_path__in=prefixes, path__startswith=root.path) | Q(path__in=above)
        ).annotate(
            restricted=Exists(restrictions.filter(page_id=OuterRef("pk")))
            | Exists(restrictions.filter(page_id=OuterRef("alias_of_id")))
        )
    )
    by_url_path = {page.url_path: page for page in pages if page.depth > root.depth}
    restricted = {page.path for page in pages if page.restricted}
    node = root
    for index, url_path in enumerate(prefixes):
        if not _routes_children_by_slug(node.specific_class):
            return node.specific.route(request, components[index:])
        child = by_url_path.get(url_path)
        if child is None or child.depth != node.depth + 1 or not child.path.startswith(node.path):
            raise Http404
        child._cached_parent_obj = node
        node = child
    if not _routes_children_by_slug(node.specific_class):
        return node.specific.route(request, [])
    if not node.live:
        raise Http404
    parent = getattr(node, "_cached_parent_obj", None)
    page = node.specific
    if parent is not None:
        page._cached_parent_obj = parent
    # Every page from the tree's root to this one was read above: none under a restriction?
    page._view_restrictions_none = len(pages) == len(above) + len(prefixes) and not restricted
    return RouteResult(page)
