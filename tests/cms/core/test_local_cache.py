"""The process-local cache tier both page caches keep in front of Redis."""

from cms.core.local_cache import LocalTier, immutable


def test_a_value_lives_for_its_seconds_only():
    tier = LocalTier(10)
    tier.set("a", "value", 5, now=100.0)
    assert tier.get("a", now=104.9) == "value"
    assert tier.get("a", now=105.0) is None
    assert len(tier) == 0


def test_nothing_is_kept_for_no_time():
    tier = LocalTier(10)
    tier.set("a", "value", 0, now=1.0)
    tier.set("b", "value", -3, now=1.0)
    assert len(tier) == 0


def test_the_least_recently_used_goes_first_when_full():
    tier = LocalTier(2)
    tier.set("a", 1, 60, now=0.0)
    tier.set("b", 2, 60, now=0.0)
    assert tier.get("a", now=1.0) == 1  # a is now the most recently used
    tier.set("c", 3, 60, now=1.0)
    assert tier.get("b", now=2.0) is None
    assert (tier.get("a", now=2.0), tier.get("c", now=2.0)) == (1, 3)


def test_the_bound_may_follow_a_setting_read_at_each_store():
    limit = {"entries": 3}
    tier = LocalTier(lambda: limit["entries"])
    for number in range(5):
        tier.set(str(number), number, 60, now=0.0)
    assert len(tier) == 3
    limit["entries"] = 1
    tier.set("last", 9, 60, now=0.0)
    assert len(tier) == 1


def test_a_copying_tier_never_hands_out_the_same_mutable_object():
    tier = LocalTier(10)
    tier.set("list", [1, 2], 60, now=0.0)
    first = tier.get("list", now=1.0)
    first.append(3)
    assert tier.get("list", now=1.0) == [1, 2]


def test_a_non_copying_tier_serves_what_it_stored():
    tier = LocalTier(10, copy=False)
    entry = ("generation", 1.0, 200, [("Content-Type", "text/html")], b"body")
    tier.set("page", entry, 60, now=0.0)
    assert tier.get("page", now=1.0) is entry


def test_clear_empties_the_tier():
    tier = LocalTier(10)
    tier.set("a", 1, 60)
    tier.clear()
    assert tier.get("a") is None


def test_only_scalars_and_tuples_of_them_count_as_immutable():
    assert immutable(("a", 1, (None, b"x"), frozenset({2})))
    assert not immutable(("a", [1]))
    assert not immutable({"a": 1})
