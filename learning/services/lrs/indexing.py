"""What the store indexes about a statement: actor, object activity, related agents and activities,
registration, the statement it voids or references; and the stored form of a statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from learning.selectors.lrs_keys import agent_key, utc_iso
from learning.services.lrs.validation_parts import UUID_FORM, VOIDED_VERB, timestamp_parse

__all__ = ["StatementIndex", "statement_index", "timestamp_utc"]


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
    members = value.get("member")
    for member in members if isinstance(members, list) else []:
        if isinstance(member, dict):
            yield member


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _activity_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _related(statement: dict[str, Any], agents: set[str], activities: set[str]) -> None:
    """Every agent and activity a statement names (defensive: H5P payloads are free in shape)."""
    for actor in _agents_in(statement.get("actor")):
        agents.add(agent_key(actor))
    target = _dict(statement.get("object"))
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        activities.add(str(target.get("id")))
    elif kind in {"Agent", "Group"}:
        agents.update(agent_key(agent) for agent in _agents_in(target))
    elif kind == "SubStatement":
        _related(target, agents, activities)
    context = _dict(statement.get("context"))
    for key in ("instructor", "team"):
        agents.update(agent_key(agent) for agent in _agents_in(context.get(key)))
    for key, member in (("contextAgents", "agent"), ("contextGroups", "group")):
        entries = context.get(key)
        for entry in entries if isinstance(entries, list) else []:
            agents.update(agent_key(agent) for agent in _agents_in(_dict(entry).get(member)))
    for value in _dict(context.get("contextActivities")).values():
        activities.update(str(item.get("id")) for item in _activity_list(value) if isinstance(item, dict))
    for agent in _agents_in(statement.get("authority")):
        agents.add(agent_key(agent))


def statement_index(statement: dict[str, Any]) -> StatementIndex:
    """The index columns for one validated statement."""
    agents: set[str] = set()
    activities: set[str] = set()
    _related(statement, agents, activities)
    agents.discard("")
    target = _dict(statement.get("object"))
    kind = target.get("objectType", "Activity")
    ref = str(target["id"]).lower() if kind == "StatementRef" else None
    voids = ref if _dict(statement.get("verb")).get("id") == VOIDED_VERB else None
    actor = _dict(statement.get("actor"))
    registration = _dict(statement.get("context")).get("registration")
    return StatementIndex(
        actor_key=agent_key(actor)[:600],
        activity_id=str(target.get("id")) if kind == "Activity" else "",
        object_agent_key=agent_key(target)[:600] if kind in {"Agent", "Group"} else "",
        registration=registration.lower()
        if isinstance(registration, str) and UUID_FORM.match(registration)
        else None,
        related_agents="|" + "|".join(sorted(agents)) + "|" if agents else "",
        related_activities="|" + "|".join(sorted(activities)) + "|" if activities else "",
        voids=voids,
        references=ref,
    )
