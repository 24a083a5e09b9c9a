"""The public page cache's store: the shared cache (Redis) with a small copy in each process.

Entries live in the shared cache so every web process can answer from them, stamped
with the *generation* current when they were rendered; a purge writes a new random
generation there. Each process also keeps the entries it has served in memory (at
most `PUBLIC_CACHE_LOCAL_ENTRIES`) and re-reads the shared generation at most every
`PUBLIC_CACHE_LOCAL_SECONDS` (one second), so a hit costs no network round trip and
a purge made by another process is seen within that second (at once in the process
that purged). Entries carry their absolute expiry, honoured by both levels.

The same store keeps fragments of public pages (see "fragments" below).

Use through cms.pages.selectors (lookups, fragments) and cms.pages.services (store, purge).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import BaseCache, caches

from cms.core.local_cache import LocalTier
from cms.pages.conf import setting

GENERATION_KEY = "pages:public-cache:generation"
# (generation, expires_at (epoch seconds), status, headers, content: a response's bytes or a fragment)
Entry = tuple[str, float, int, list[tuple[str, str]], Any]

_lock = threading.Lock()
# Entries are served as stored (no copy per read): the response is built from them, never changed.
_local = LocalTier(lambda: int(setting("PUBLIC_CACHE_LOCAL_ENTRIES")), copy=False)
_state: dict[str, Any] = {"generation": None, "checked_at": 0.0}


def shared() -> BaseCache:
    return caches[setting("PUBLIC_CACHE_ALIAS")]


def _remember_generation(generation: str) -> None:
    with _lock:
        if generation != _state["generation"]:
            _local.clear()
        _state["generation"] = generation
        _state["checked_at"] = time.monotonic()


def generation_current() -> str | None:
    """The generation entries must carry to be served (created in the shared cache if missing).

    None when the shared cache does not answer (Redis unavailable): then nothing is
    served from either level nor stored, so a purge by another process is never hidden.
    """
    fresh_for = float(setting("PUBLIC_CACHE_LOCAL_SECONDS"))
    generation = _state["generation"]
    if generation is not None and time.monotonic() - _state["checked_at"] < fresh_for:
        return generation
    cache = shared()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        return None
    _remember_generation(generation)
    return generation


def entry_get(*, key: str, generation: str | None) -> Entry | None:
    if generation is None:
        return None
    now = time.time()
    entry = _local.get(key)
    if entry is not None and entry[0] == generation and entry[1] > now:
        return entry
    entry = shared().get(key)
    if entry is None or entry[0] != generation or entry[1] <= now:
        return None
    _local_put(key, entry)
    return entry


def _local_put(key: str, entry: Entry) -> None:
    _local.set(key, entry, entry[1] - time.time())


def entry_set(
    *,
    key: str,
    generation: str | None,
    status: int,
    headers: list[tuple[str, str]],
    content: Any,
    timeout: int,
) -> None:
    if generation is None:
        return
    entry: Entry = (generation, time.time() + timeout, status, headers, content)
    shared().set(key, entry, timeout=timeout)
    if generation == _state["generation"]:
        _local_put(key, entry)


def purge() -> str:
    generation = secrets.token_hex(8)
    shared().set(GENERATION_KEY, generation, timeout=None)
    _remember_generation(generation)
    return generation


# --- fragments ----------------------------------------------------------------------------
#
# Parts of a public page that are the same for every anonymous visitor (a page's hero and
# body, its JobPosting data) are kept here too, under the same generation: they live as
# long as the whole response would, end when any purge does (a publish, an edit of a page,
# a vacancy, an image or the branding), and are never read or kept while the shared cache
# does not answer. A page rendered because its whole response is not cached then costs only
# the frame around these parts.

FRAGMENT_KEY_PREFIX = "pages:public-cache:fragment:"


def fragment_key(*, name: str, vary: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(repr((name, vary)).encode()).hexdigest()[:40]
    return f"{FRAGMENT_KEY_PREFIX}{digest}"


def fragment_get_or_build[T](*, name: str, vary: tuple[Any, ...], build: Callable[[], T], timeout: int) -> T:
    """The value kept for (name, vary) under the current generation, or `build()` (kept when it can be).

    The value must be immutable (a string, or a tuple of strings): it is served to every later
    request as it is.
    """
    generation = generation_current()
    if generation is None:
        return build()
    key = fragment_key(name=name, vary=vary)
    entry = entry_get(key=key, generation=generation)
    if entry is not None:
        fragment: T = entry[4]
        return fragment
    value = build()
    entry_set(key=key, generation=generation, status=200, headers=[], content=value, timeout=timeout)
    return value


def local_clear() -> None:
    """Forget this process's copies and generation, as a restart does (benchmarks, tests)."""
    with _lock:
        _local.clear()
        _state["generation"] = None
        _state["checked_at"] = 0.0
