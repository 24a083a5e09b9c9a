"""What opens each of the frame's audiences ("manager", "senior_manager", "ld", "readiness", "host").

cms.core names no domain app and no role: the app that owns the roles (cms.people) registers
its groups here at start-up, as apps register their personal data in cms.core.personal_data;
an audience that no group describes (hosting a practice-week slot is a fact about slots, not a
role) is registered by its app as a test of the person. cms.core.selectors reads both to decide
which sections a person sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_audience_groups: dict[str, frozenset[str]] = {}
_audience_tests: dict[str, Callable[[Any], bool]] = {}


def audience_groups_register(*, audience: str, groups: Iterable[str]) -> None:
    """Say which groups open `audience` (registering an audience again replaces its groups)."""
    _audience_groups[audience] = frozenset(groups)


def audience_groups() -> dict[str, frozenset[str]]:
    """Every registered audience and the groups that open it."""
    return dict(_audience_groups)


def audience_groups_of(audience: str) -> frozenset[str]:
    """The groups that open `audience`; none when nothing registered it."""
    return _audience_groups.get(audience, frozenset())


def audience_test_register(*, audience: str, test: Callable[[Any], bool]) -> None:
    """Say that a signed-in person for whom `test(user)` is true belongs to `audience`.

    The answer is cached with the person's other frame facts (cms.core.selectors), so a test
    should cost at most a query or two.
    """
    _audience_tests[audience] = test


def audience_tests() -> dict[str, Callable[[Any], bool]]:
    """Every audience decided by a test of the person, and its test."""
    return dict(_audience_tests)
