"""Django's Redis cache backend, with one Redis client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every
cache call. Building one sets up its response callbacks afresh, which costs
about 0.2 ms: a lesson page or an xAPI statement reads the cache several
times, so this was a measurable share of each request (see bench/lessons.py).
A `redis.Redis` is safe to share between threads (each command checks a
connection out of the pool), so one per pool is enough.

It also answers `get_many_with_ttl`: values with the seconds each has left, in one
round trip, for the process-local tier of the page tree's caches
(cms.core.page_cache), which must not keep a value longer than Redis would.

Settings: `"BACKEND": "cms.core.cache.RedisCache"`, with the same LOCATION and
OPTIONS as Django's backend.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def get_many_with_ttl(self, keys, version=None) -> dict[str, tuple[Any, float | None]]:
        """{key: (value, seconds left or None for no expiry)} for the keys found (one round trip)."""
        keys = list(keys)
        if not keys:
            return {}
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
