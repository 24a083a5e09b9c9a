"""cms.core.cache.RedisCache: Django's Redis cache with one client per connection pool."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.conf import settings

from cms.core.cache import RedisCache

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs a Redis server: set REDIS_URL (.ci/run and CI do)"
)


@pytest.fixture
def redis_cache():
    backend = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})
    yield backend
    backend.close()


def test_reads_and_writes_share_one_client_per_pool(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client  # one server: one pool


def test_behaves_as_djangos_backend(redis_cache):
    redis_cache.set("greeting", {"text": "hello"}, 30)
    redis_cache.set("count", 3, 30)
    assert redis_cache.get("greeting") == {"text": "hello"}
    assert redis_cache.get_many(["greeting", "count", "missing"]) == {
        "greeting": {"text": "hello"},
        "count": 3,
    }
    assert redis_cache.incr("count") == 4
    assert redis_cache.add("greeting", "other") is False
    redis_cache.delete("greeting")
    assert redis_cache.get("greeting", "gone") == "gone"


def test_one_client_serves_several_threads(redis_cache):
    """redis-py checks a connection out of the pool per command, so threads may share the client."""
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for step in range(50):
                redis_cache.set(f"thread-{number}", step, 30)
                assert redis_cache.get(f"thread-{number}") == step
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert redis_cache.get_many([f"thread-{number}" for number in range(8)]) == {
        f"thread-{number}": 49 for number in range(8)
    }


def test_get_many_with_ttl_gives_each_value_with_the_seconds_it_has_left(redis_cache):
    redis_cache.set("short", {"a": 1}, 30)
    redis_cache.set("forever", 7, None)
    found = redis_cache.get_many_with_ttl(["short", "forever", "missing"])
    assert set(found) == {"short", "forever"}
    value, left = found["short"]
    assert value == {"a": 1}
    assert 28 < left <= 30
    assert found["forever"] == (7, None)
    assert redis_cache.get_many_with_ttl([]) == {}


def test_clear_deletes_only_its_own_keys_not_the_database(redis_cache):
    """Django's backend sends FLUSHDB; ours leaves the broker's queues and other key spaces alone,
    however many keys it has (SCAN in batches) and whatever version they were written at."""
    neighbour = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"{redis_cache.key_prefix}-neighbour"})
    raw = redis_cache._cache.get_client(None, write=True)
    queue = f"test-queue-{uuid.uuid4().hex}"
    try:
        redis_cache.set_many({f"key-{n}": n for n in range(1200)}, 60)
        redis_cache.set("older", "v1", 60, version=7)
        neighbour.set("key-1", "theirs", 60)
        raw.lpush(queue, "a queued task")
        assert redis_cache.clear() is True
        assert redis_cache.get_many([f"key-{n}" for n in range(1200)]) == {}
        assert redis_cache.get("older", version=7) is None
        assert neighbour.get("key-1") == "theirs"
        assert raw.lrange(queue, 0, -1) == [b"a queued task"]
    finally:
        raw.delete(queue)
        neighbour.clear()
        neighbour.close()


def test_clear_reads_its_key_prefix_literally(redis_cache):
    """A prefix holding glob characters does not become a pattern matching other prefixes."""
    base = f"test-cache-{uuid.uuid4().hex}"
    starred = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"{base}[x]*"})
    other = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"{base}x-other"})
    try:
        starred.set("mine", 1, 60)
        other.set("theirs", 2, 60)
        starred.clear()
        assert starred.get("mine") is None
        assert other.get("theirs") == 2
    finally:
        other.clear()
        for cache in (starred, other):
            cache.close()
