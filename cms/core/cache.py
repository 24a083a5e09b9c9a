"""Django's Redis cache backend: one Redis client per connection pool, and no single point of failure.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every
cache call. Building one sets up its response callbacks afresh, which costs
about 0.2 ms: a lesson page or an xAPI statement reads the cache several
times, so this was a measurable share of each request (see bench/lessons.py).
A `redis.Redis` is safe to share between threads (each command checks a
connection out of the pool), so one per pool is enough.

It also answers `get_many_with_ttl`: values with the seconds each has left, in one
round trip, for the process-local tier of the page tree's caches
(cms.core.page_cache), which must not keep a value longer than Redis would.

When Redis does not answer (docs/accounts-and-security.md, "When Redis is unavailable"):

- Connection errors and timeouts become misses (reads), False (`add`, `touch`,
  `has_key`), ValueError (`incr` of a key it cannot see) and no-ops (writes). Connect
  and socket timeouts are short, and one failure opens a *circuit* for this process:
  for `CIRCUIT_OPEN_SECONDS` every call is answered that way without trying Redis, so a
  dead Redis costs no timeout per call. Then one call tries again; the first that
  succeeds closes the circuit. The outage is logged once when it starts and once when
  it ends.
- Keys under `LOCAL_FALLBACK_PREFIXES` (rate-limit counters and their locks) are kept
  in a per-process local-memory cache while the circuit is open, so limits still count
  (per process) rather than letting everything through or refusing everything.
- A write that did not reach Redis (or may not have) leaves Redis holding an older
  value. Each process remembers those keys (`DIRTY_KEYS_LIMIT` at most) and deletes
  them first thing when Redis answers again; then `redis_recovered` is sent, so the
  caches stamped with a generation renew it (an edit or publish made during the
  outage is visible at once, even if the process that made it has gone).

Settings: `"BACKEND": "cms.core.cache.RedisCache"`, with the same LOCATION and
OPTIONS as Django's backend, plus CIRCUIT_OPEN_SECONDS, LOCAL_FALLBACK_PREFIXES and
DIRTY_KEYS_LIMIT in OPTIONS.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.dispatch import Signal
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Sent (sender: the cache backend) when Redis answers again after an outage seen by this process.
redis_recovered = Signal()

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
DEFAULT_CONNECT_TIMEOUT = 0.5
DEFAULT_SOCKET_TIMEOUT = 0.5
DEFAULT_CIRCUIT_OPEN_SECONDS = 5.0
DEFAULT_DIRTY_KEYS_LIMIT = 10_000
# Keys deleted by one command (a recovery's stale keys, a clear's own keys): no long single command.
DELETE_BATCH = 500
_UNANSWERED = object()  # incr's answer when Redis is silent about a key with no local tier


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client

    def disconnect(self) -> None:
        """Drop every pooled connection (after an outage they are dead; new ones are made on use)."""
        for pool in self._pools.values():
            pool.disconnect()


class _Circuit:
    """One per Redis location and process (Django makes a backend per thread): is Redis worth trying?"""

    def __init__(self, location: str, open_seconds: float, dirty_limit: int) -> None:
        self.location = location
        self.open_seconds = open_seconds
        self.dirty_limit = dirty_limit
        self.lock = threading.Lock()
        self.opened_at: float | None = None
        self.retry_at = 0.0
        self.dirty: set[str] = set()
        self.dirty_overflowed = False

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def may_try(self) -> bool:
        """Closed: yes. Open: only one caller per interval, once the interval has passed."""
        if self.opened_at is None:
            return True
        with self.lock:
            now = time.monotonic()
            if self.opened_at is None or now < self.retry_at:
                return self.opened_at is None
            self.retry_at = now + self.open_seconds
            return True

    def trip(self, error: Exception) -> bool:
        """Redis failed: open (or keep open). True when this starts an outage."""
        with self.lock:
            self.retry_at = time.monotonic() + self.open_seconds
            if self.opened_at is not None:
                return False
            self.opened_at = time.monotonic()
        logger.warning(
            "Redis cache at %s unavailable (%s); serving without it, retrying every %ss",
            self.location,
            error,
            self.open_seconds,
        )
        return True

    def remember_dirty(self, keys) -> None:
        with self.lock:
            for key in keys:
                if len(self.dirty) >= self.dirty_limit:
                    self.dirty_overflowed = True
                    break
                self.dirty.add(key)

    def take_dirty(self) -> tuple[list[str], bool]:
        with self.lock:
            keys, overflowed = list(self.dirty), self.dirty_overflowed
            self.dirty.clear()
            self.dirty_overflowed = False
            return keys, overflowed

    def close(self) -> float | None:
        """Redis answered: closed again. The outage's length in seconds if one ended here."""
        with self.lock:
            opened_at, self.opened_at = self.opened_at, None
        return None if opened_at is None else time.monotonic() - opened_at


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def _without_password(url: str) -> str:
    """The server's address for logs: no user name or password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host).geturl()


def _glob_escaped(text: str) -> str:
    """`text` matched literally by Redis's glob patterns (SCAN MATCH)."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def _circuit_for(location: str, key_prefix: str, open_seconds: float, dirty_limit: int) -> _Circuit:
    with _circuits_lock:
        key = f"{location}|{key_prefix}"
        circuit = _circuits.get(key)
        if circuit is None or circuit.open_seconds != open_seconds or circuit.dirty_limit != dirty_limit:
            shown = ",".join(_without_password(url) for url in location.split(","))
            circuit = _circuits[key] = _Circuit(shown, open_seconds, dirty_limit)
        return circuit


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        options = dict(params.get("OPTIONS") or {})
        open_seconds = float(options.pop("CIRCUIT_OPEN_SECONDS", DEFAULT_CIRCUIT_OPEN_SECONDS))
        self._fallback_prefixes = tuple(options.pop("LOCAL_FALLBACK_PREFIXES", ()))
        dirty_limit = int(options.pop("DIRTY_KEYS_LIMIT", DEFAULT_DIRTY_KEYS_LIMIT))
        options.setdefault("socket_connect_timeout", DEFAULT_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        # One immediate retry on a fresh connection (a pooled one may predate a Redis restart), no backoff.
        options.setdefault("retry", Retry(NoBackoff(), 1))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient
        location = server if isinstance(server, str) else ",".join(server)
        self._circuit = _circuit_for(location, self.key_prefix, open_seconds, dirty_limit)
        self._local = LocMemCache(
            f"cms.core.cache.fallback:{location}",
            {"KEY_PREFIX": self.key_prefix, "VERSION": self.version, "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )

    # --- the guard -----------------------------------------------------------------

    def _falls_back(self, key) -> bool:
        return bool(self._fallback_prefixes) and str(key).startswith(self._fallback_prefixes)

    def _call(self, operation, *, writes=(), version=None):
        """(True, result) from Redis, or (False, None) when Redis is not answering.

        `writes`: the keys this call would change, remembered for deletion on recovery
        when the call does not (or may not) reach Redis.
        """
        if self._circuit.may_try():
            was_open = self._circuit.is_open
            try:
                if was_open:
                    self._recover()
                return True, operation()
            except OUTAGE_ERRORS as error:
                if self._circuit.trip(error):
                    self._cache.disconnect()
        lost = [key for key in writes if not self._falls_back(key)]
        if lost:
            self._circuit.remember_dirty([self.make_and_validate_key(key, version=version) for key in lost])
        return False, None

    def _recover(self) -> None:
        """The first call after an outage: delete what this process could not write, then close."""
        keys, overflowed = self._circuit.take_dirty()
        try:
            for batch in itertools.batched(keys, DELETE_BATCH):
                self._cache.get_client(None, write=True).delete(*batch)
        except OUTAGE_ERRORS:
            self._circuit.remember_dirty(keys)
            raise
        lasted = self._circuit.close()
        if lasted is None:
            return
        logger.warning(
            "Redis cache at %s answering again after %.0fs; %d stale keys deleted%s",
            self._circuit.location,
            lasted,
            len(keys),
            " (more were lost: the generations renewed below cover them)" if overflowed else "",
        )
        for receiver, answer in redis_recovered.send_robust(sender=self.__class__, cache=self):
            if isinstance(answer, Exception):
                logger.error("after Redis recovered, %r failed", receiver, exc_info=answer)

    @property
    def unavailable(self) -> bool:
        """True while this process is serving without Redis (the circuit is open)."""
        return self._circuit.is_open

    def redis_ping(self) -> None:
        """Ask Redis itself, past the circuit (the health check): raises when it does not answer."""
        self._cache.get_client(None, write=True).ping()

    # --- Django's cache API ------------------------------------------------------------

    def _keyed(self, name, key, *args, version, writes, unanswered=None):
        """Django's single-key operation `name` on Redis. A key that falls back is served by this
        process's tier while Redis does not answer (straight away while the circuit is open);
        any other key then gets `unanswered`."""
        local = getattr(self._local, name)
        if self._falls_back(key) and self._circuit.is_open:
            return local(key, *args, version=version)
        remote = getattr(super(), name)
        answered, result = self._call(
            lambda: remote(key, *args, version), writes=[key] if writes else (), version=version
        )
        if answered:
            return result
        return local(key, *args, version=version) if self._falls_back(key) else unanswered

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return bool(self._keyed("add", key, value, timeout, version=version, writes=True))

    def get(self, key, default=None, version=None):
        return self._keyed("get", key, default, version=version, writes=False, unanswered=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._keyed("set", key, value, timeout, version=version, writes=True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        if self._falls_back(key) and self._circuit.is_open:
            return self._local.touch(key, timeout, version=version)
        answered, result = self._call(
            lambda: super(RedisCache, self).touch(key, timeout, version), writes=[key], version=version
        )
        return bool(result) if answered else False

    def delete(self, key, version=None):
        return bool(self._keyed("delete", key, version=version, writes=True))

    def get_many(self, keys, version=None):
        keys = list(keys)
        answered, result = self._call(lambda: super(RedisCache, self).get_many(keys, version))
        if answered:
            return result
        local = [key for key in keys if self._falls_back(key)]
        return self._local.get_many(local, version=version) if local else {}

    def has_key(self, key, version=None):
        return self._keyed("has_key", key, version=version, writes=False, unanswered=False)

    def incr(self, key, delta=1, version=None):
        result = self._keyed("incr", key, delta, version=version, writes=True, unanswered=_UNANSWERED)
        if result is _UNANSWERED:
            raise ValueError(f"Key '{key}' not found (Redis is not answering).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        answered, _ = self._call(
            lambda: super(RedisCache, self).set_many(data, timeout, version),
            writes=list(data),
            version=version,
        )
        if not answered:
            local = {key: value for key, value in data.items() if self._falls_back(key)}
            if local:
                self._local.set_many(local, timeout, version=version)
        return []

    def delete_many(self, keys, version=None):
        keys = list(keys)
        if not keys:
            return
        answered, _ = self._call(
            lambda: super(RedisCache, self).delete_many(keys, version), writes=keys, version=version
        )
        if not answered:
            self._local.delete_many([key for key in keys if self._falls_back(key)], version=version)

    def clear(self):
        """Delete this cache's own keys, not the Redis database: Django's backend sends FLUSHDB,
        which would also drop the Celery broker's queues and every other key space sharing it
        (another deployment's cache, another test worker's rate-limit counters)."""
        answered, result = self._call(self._delete_own_keys)
        self._local.clear()
        return bool(result) if answered else False

    def _delete_own_keys(self) -> bool:
        """SCAN for the keys this cache's key function makes (any key, any version) and UNLINK them
        in batches: the server is never blocked by one long command, and nothing else is touched."""
        client = self._cache.get_client(None, write=True)
        pattern = self.key_func("*", _glob_escaped(self.key_prefix), "*")
        for batch in itertools.batched(client.scan_iter(match=pattern, count=1000), DELETE_BATCH):
            client.unlink(*batch)
        return True

    def get_many_with_ttl(self, keys, version=None) -> dict[str, tuple[Any, float | None]]:
        """{key: (value, seconds left or None for no expiry)} for the keys found (one round trip)."""
        keys = list(keys)
        if not keys:
            return {}
        answered, result = self._call(lambda: self._get_many_with_ttl(keys, version))
        return result if answered else {}

    def _get_many_with_ttl(self, keys, version) -> dict[str, tuple[Any, float | None]]:
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        pipeline = self._cache.get_client(made[0]).pipeline(transaction=False)
        for key in made:
            pipeline.get(key)
            pipeline.pttl(key)
        answers = pipeline.execute()
        found = {}
        for index, key in enumerate(keys):
            raw, left_ms = answers[2 * index], answers[2 * index + 1]
            if raw is not None:
                left = left_ms / 1000 if left_ms is not None and left_ms >= 0 else None
                found[key] = (self._cache._serializer.loads(raw), left)
        return found
