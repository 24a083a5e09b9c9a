"""What the store indexes about a statement: actor, object activity, related agents and activities,
registration, the statement it voids or references; and the stored form of a statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from learning.services.lrs.agents import agent_key
from learning.services.lrs.validation_parts import VOIDED_VERB, timestamp_parse

__all__ = ["StatementIndex", "statement_index", "timestamp_utc", "utc_iso"]


@dataclass(frozen=True)
class StatementIndex:
    actor_key: str
    activity_id: str
    object_agent_key: str
    registration: str | None
    related_agents: str
    related_activities: str
    voids: str | None
    references: str | None


def utc_iso(moment: datetime) -> str:
    """A datetime as ISO 8601 in UTC with microseconds and a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def timestamp_utc(value: str) -> str:
    """A statement's timestamp normalised to UTC (one without an offset is taken as UTC)."""
    moment = timestamp_parse(value, "timestamp")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return utc_iso(moment)


def _agents_in(value: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(value, dict):
        return
    yield value
    for member in value.get("member") or []:
        if isinstance(member, dict):
            yield member


def _activity_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _related(statement: dict[str, Any], agents: set[str], activities: set[str]) -> None:
    for actor in _agents_in(statement.get("actor")):
        agents.add(agent_key(actor))
    target = statement.get("object") or {}
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        activities.add(str(target.get("id")))
    elif kind in {"Agent", "Group"}:
        agents.update(agent_key(agent) for agent in _agents_in(target))
    elif kind == "SubStatement":
        _related(target, agents, activities)
    context = statement.get("context") or {}
    for key in ("instructor", "team"):
        agents.update(agent_key(agent) for agent in _agents_in(context.get(key)))
    for entry in context.get("contextAgents") or []:
        agents.update(agent_key(agent) for agent in _agents_in(entry.get("agent")))
    for entry in context.get("contextGroups") or []:
        agents.update(agent_key(agent) for agent in _agents_in(entry.get("group")))
    for value in (context.get("contextActivities") or {}).values():
        activities.update(str(item.get("id")) for item in _activity_list(value) if isinstance(item, dict))
    for agent in _agents_in(statement.get("authority")):
        agents.add(agent_key(agent))


def statement_index(statement: dict[str, Any]) -> StatementIndex:
    """The index columns for one validated statement."""
    agents: set[str] = set()
    activities: set[str] = set()
    _related(statement, agents, activities)
    agents.discard("")
    target = statement.get("object") or {}
    kind = target.get("objectType", "Activity")
    ref = str(target["id"]).lower() if kind == "StatementRef" else None
    voids = ref if (statement.get("verb") or {}).get("id") == VOIDED_VERB else None
    actor = statement.get("actor") or {}
    registration = (statement.get("context") or {}).get("registration")
    return StatementIndex(
        actor_key=agent_key(actor)[:600],
        activity_id=str(target.get("id")) if kind == "Activity" else "",
        object_agent_key=agent_key(target)[:600] if kind in {"Agent", "Group"} else "",
        registration=str(registration).lower() if registration else None,
        related_agents="|" + "|".join(sorted(agents)) + "|" if agents else "",
        related_activities="|" + "|".join(sorted(activities)) + "|" if activities else "",
        voids=voids,
        references=ref,
    )
