"""The process-local tier in front of Redis for reads keyed by the page tree's generation."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.cache import cache

from cms.core import page_cache
from cms.core.page_cache import (
    LOCAL_TIER_ENTRIES,
    tree_cache_get,
    tree_cache_get_many,
    tree_cache_set,
    tree_forget,
    tree_generation,
)

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis server: set REDIS_URL"),
    pytest.mark.usefixtures("site_caches"),
]


def _key(name: str) -> str:
    return f"test:tier:{tree_generation()}:{name}"


def test_a_value_this_process_has_is_not_read_from_redis_again():
    key = _key("outline")
    tree_cache_set(key, {"lessons": [1, 2]}, 300)
    cache.delete(key)  # gone from Redis: only this process's copy can answer
    assert tree_cache_get(key, seconds=300) == {"lessons": [1, 2]}


def test_a_value_read_from_redis_is_kept_here():
    key = _key("restricted")
    cache.set(key, frozenset({"0001"}), 300)
    assert tree_cache_get(key, seconds=300) == frozenset({"0001"})
    cache.delete(key)
    assert tree_cache_get(key, seconds=300) == frozenset({"0001"})


def test_requests_never_share_a_mutable_value():
    key = _key("lesson")
    original = {"lessons": [1, 2]}
    tree_cache_set(key, original, 300)
    original["lessons"].append(3)  # the caller goes on using what it stored
    first = tree_cache_get(key, seconds=300)
    first["lessons"].append(4)
    assert tree_cache_get(key, seconds=300) == {"lessons": [1, 2]}
    assert tree_cache_get(key, seconds=300) is not tree_cache_get(key, seconds=300)


def test_an_entry_lives_no_longer_than_its_timeout():
    key = _key("short")
    tree_cache_set(key, [1], 1)
    cache.set(key, [1], 300)  # Redis would still answer: the local entry must not
    cache.delete(key)
    time.sleep(1.1)
    assert tree_cache_get(key, seconds=300) is None


def test_an_entry_read_from_redis_lives_no_longer_than_the_redis_entry():
    key = _key("ttl")
    cache.set(key, [1], 1)  # one second left in Redis, though callers allow 300
    assert tree_cache_get(key, seconds=300) == [1]
    time.sleep(1.1)
    assert tree_cache_get(key, seconds=300) is None


def test_the_tier_is_bounded_and_drops_the_least_recently_used():
    keys = [_key(f"bound-{number}") for number in range(LOCAL_TIER_ENTRIES + 5)]
    tree_cache_set(keys[0], [0], 300)
    for number, key in enumerate(keys[1:], start=1):
        tree_cache_set(key, [number], 300)
        if number < 3:
            tree_cache_get(keys[0], seconds=300)  # recently used: stays
    assert len(page_cache._local_tier) <= LOCAL_TIER_ENTRIES
    cache.delete_many(keys)
    assert tree_cache_get(keys[1], seconds=300) is None, "the least recently used went first"
    assert tree_cache_get(keys[-1], seconds=300) == [LOCAL_TIER_ENTRIES + 4]


def test_get_many_mixes_this_process_and_redis():
    here, there = _key("here"), _key("there")
    tree_cache_set(here, "a", 300)
    cache.delete(here)
    cache.set(there, "b", 300)
    assert tree_cache_get_many([here, there, _key("missing")], seconds=300) == {here: "a", there: "b"}


def test_forgetting_the_tree_empties_the_tier():
    key = _key("forgotten")
    tree_cache_set(key, "x", 300)
    cache.delete(key)
    tree_forget()
    assert tree_cache_get(key, seconds=300) is None


@pytest.mark.django_db
def test_a_new_site_shows_in_page_addresses_at_once(client, home_page, settings):
    """The sites' root paths, which every page address is built from, are kept under the tree's
    generation: once a module has a site (an address) of its own, its lessons link to each
    other by that site's paths on the next page."""
    from wagtail.models import Site

    from tests.cms.people.factories import UserFactory
    from tests.modules.factories import module_with_lessons, text_block

    settings.ALLOWED_HOSTS = ["localhost", "testserver", "module.example.org"]
    module, (first, second) = module_with_lessons(
        home_page, bodies=[[text_block("<p>One.</p>")], [text_block("<p>Two.</p>")]]
    )
    client.force_login(UserFactory(groups=["Staff"]))
    for _ in range(2):  # the second from the cache
        html = client.get(first.url).content.decode()
        assert f'href="/modules/{module.slug}/{second.slug}/"' in html
    Site.objects.create(hostname="module.example.org", port=80, root_page=module)
    html = client.get(f"/{first.slug}/", HTTP_HOST="module.example.org").content.decode()
    assert f'href="/{second.slug}/"' in html
    assert f'href="/modules/{module.slug}/{second.slug}/"' not in html
