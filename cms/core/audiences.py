"""What opens each of the frame's audiences ("manager", "senior_manager", "ld", "readiness", "host").

cms.core names no domain app and no role: the app that owns the roles (cms.people) registers
its groups here at start-up, as apps register their personal data in cms.core.personal_data;
an audience that no group describes (hosting a practice-week slot is a fact about slots, not a
role) is registered by its app as a test of the person: the rows whose existence puts the person
in it, so the frame asks every test and the person's other facts in one query. cms.core.selectors
reads both to decide which sections a person sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

_audience_groups: dict[str, frozenset[str]] = {}
_audience_tests: dict[str, Callable[[Any], QuerySet]] = {}


def audience_groups_register(*, audience: str, groups: Iterable[str]) -> None:
    """Say which groups open `audience` (registering an audience again replaces its groups)."""
    _audience_groups[audience] = frozenset(groups)


def audience_groups() -> dict[str, frozenset[str]]:
    """Every registered audience and the groups that open it."""
    return dict(_audience_groups)


def audience_groups_of(audience: str) -> frozenset[str]:
    """The groups that open `audience`; none when nothing registered it."""
    return _audience_groups.get(audience, frozenset())


def audience_test_register(*, audience: str, test: Callable[[Any], QuerySet]) -> None:
    """Say that a signed-in person for whom `test(user)` finds any row belongs to `audience`.

    `test` builds the query without running it: the frame asks it as an EXISTS in the one query
    for the person's facts, and caches the answer with them (cms.core.selectors).
    """
    _audience_tests[audience] = test


def audience_tests() -> dict[str, Callable[[Any], QuerySet]]:
    """Every audience decided by a test of the person, and its test."""
    return dict(_audience_tests)
