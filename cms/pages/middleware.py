"""Whole-response cache for anonymous visitors to public pages.

Sits just inside WhiteNoise, before sessions, CSRF and the CSP middleware: a hit
is answered without touching the database, and the stored response keeps the
headers it was rendered with (its CSP nonce matches the nonce in its HTML). Only
responses that Wagtail page serving marked as public (see wagtail_hooks) are
stored, and only if they carry nothing personal: no cookies set, no CSRF token
used, no private Cache-Control. Publishing anything purges the cache (signals).
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse

from cms.pages.conf import setting
from cms.pages.selectors import public_cache_key, public_cache_lookup, public_cache_timeout
from cms.pages.services import public_cache_store_response

CACHE_STATUS_HEADER = "X-Public-Cache"
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")


def _personal_cookie_names() -> set[str]:
    return {settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages")}


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._request_may_use_cache(request):
            return self.get_response(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            host = None
        if host is None:  # Django answers 400 further in; nothing to cache
            return self.get_response(request)
        key = public_cache_key(host=host, path=request.path)
        generation, entry = public_cache_lookup(key=key)
        if entry is not None:
            return self._replay(entry)
        request.public_cache_candidate = True
        response = self.get_response(request)
        if request.method == "GET" and self._response_may_be_stored(request, response):
            response[CACHE_STATUS_HEADER] = "miss"
            public_cache_store_response(
                key=key,
                generation=generation,
                status=response.status_code,
                headers=list(response.items()),
                content=response.content,
                timeout=public_cache_timeout(longest=int(setting("PUBLIC_CACHE_SECONDS"))),
            )
        return response

    @staticmethod
    def _request_may_use_cache(request) -> bool:
        if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return False
        if "HTTP_AUTHORIZATION" in request.META:
            return False
        return not (_personal_cookie_names() & request.COOKIES.keys())

    @staticmethod
    def _response_may_be_stored(request, response) -> bool:
        if not getattr(request, "public_page_cacheable", False):
            return False
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False
        cache_control = response.get("Cache-Control", "")
        if any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES):
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    @staticmethod
    def _replay(entry) -> HttpResponse:
        _generation, _expires_at, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[CACHE_STATUS_HEADER] = "hit"
        return response
