"""Which permission groups open each of the frame's audiences ("manager", "senior_manager", "ld").

cms.core names no domain app and no role: the app that owns the roles (cms.people) registers
its groups here at start-up, as apps register their personal data in cms.core.personal_data.
cms.core.selectors reads them to decide which sections a person sees.
"""

from __future__ import annotations

from collections.abc import Iterable

_audience_groups: dict[str, frozenset[str]] = {}


def audience_groups_register(*, audience: str, groups: Iterable[str]) -> None:
    """Say which groups open `audience` (registering an audience again replaces its groups)."""
    _audience_groups[audience] = frozenset(groups)


def audience_groups() -> dict[str, frozenset[str]]:
    """Every registered audience and the groups that open it."""
    return dict(_audience_groups)


def audience_groups_of(audience: str) -> frozenset[str]:
    """The groups that open `audience`; none when nothing registered it."""
    return _audience_groups.get(audience, frozenset())
