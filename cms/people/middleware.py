"""Signed-in people without a database read per request.

Django loads the user row on every request from someone signed in. This
middleware (Django's AuthenticationMiddleware otherwise) keeps that row in the
shared cache (Redis in production) for FRAME_CACHE_SECONDS. The cached row is
used only when the session's password hash matches it exactly and the session's
backend would still let the person in (active); in any other case Django's own
``get_user`` decides, which signs the session out when the password changed.

So changing a password or deactivating someone still signs them out at once: the
row is forgotten whenever it is saved or deleted (cms.people.signals, again after
commit) and by services that update people in bulk (``user_cache_forget``), and
the cache entry expires regardless within FRAME_CACHE_SECONDS.

On GET and HEAD the same round trip reads the person's cached frame facts (groups, admin
access: cms.core.selectors), which the page's header needs anyway.

That round trip is the frame's own (cms.core.page_cache: the generations and the session) when
this process has seen the session before: the row's key needs the person's id, which only the
session says, so each process remembers which id each session key it served belonged to
(``SESSION_PEOPLE_ENTRIES`` of them, least recently used out first) and asks the frame's read
for that person's keys too. The remembered id is only a guess of which keys to read: the
session's own id decides, and a row read for another id is never used.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from cms.core.local_cache import LocalTier
from cms.core.page_cache import frame_prefetch_ask, frame_prefetched
from cms.core.selectors import PEOPLE_FACTS_ATTRIBUTE, frame_cache_seconds, people_facts_cache_key

# Session key -> the id of the person it signed in, for the sessions this process served lately.
SESSION_PEOPLE_ENTRIES = 4096
_session_people = LocalTier(SESSION_PEOPLE_ENTRIES, copy=False)


def user_cache_key(user_id) -> str:
    return f"people:user:{user_id}"


def user_cache_forget(*, user_id) -> None:
    """Drop a person's cached row now and again when the current transaction commits."""
    key = user_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _cached_user(request):
    session = request.session
    user_id, backend_path = session.get(SESSION_KEY), session.get(BACKEND_SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    if user_id is None or not session_hash or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    key, facts_key = _person_keys(request, user_id)
    read, user = frame_prefetched(request, key)
    if read:
        facts = frame_prefetched(request, facts_key)[1] if facts_key else None
    elif facts_key:
        found = cache.get_many([key, facts_key])
        user, facts = found.get(key), found.get(facts_key)
    else:
        user, facts = cache.get(key), None
    if not read:
        _session_person_remember(request, user_id)
    if (
        user is not None
        and constant_time_compare(session_hash, user.get_session_auth_hash())
        and load_backend(backend_path).user_can_authenticate(user)
    ):
        if facts is not None:
            setattr(user, PEOPLE_FACTS_ATTRIBUTE, facts)
        return user
    user = auth.get_user(request)
    if user.is_authenticated:
        cache.set(key, user, frame_cache_seconds())
    return user


def _person_keys(request, user_id) -> tuple[str, str | None]:
    """The cache keys of the person's row and, where the request reads them, their frame facts.

    The page's frame reads the facts too (cms.core.selectors), in the same round trip as the row;
    only on GET and HEAD, where nothing is written, so no change made by this request is missed.
    """
    facts_key = people_facts_cache_key(user_id) if request.method in ("GET", "HEAD") else None
    return user_cache_key(user_id), facts_key


def _session_person_remember(request, user_id) -> None:
    session_key = request.session.session_key
    if session_key:
        _session_people.set(session_key, str(user_id), settings.SESSION_COOKIE_AGE)


def _frame_prefetch_person(request) -> None:
    """Ask the frame's round trip for the row (and on GET, the facts) of the person this process
    last saw with this session key, if any (see the module's docstring)."""
    session_key = request.session.session_key
    user_id = _session_people.get(session_key) if session_key else None
    if user_id is None:
        return
    frame_prefetch_ask(request, [key for key in _person_keys(request, user_id) if key])


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _cached_user(request) if frame_cache_seconds() else auth.get_user(request)
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, reading the signed-in person's row from the cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
        if frame_cache_seconds():
            _frame_prefetch_person(request)
