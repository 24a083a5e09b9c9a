"""The three statement formats a GET can ask for: exact (as stored), ids, canonical."""

from __future__ import annotations

from typing import Any

from learning.selectors import IFI_KEYS

FORMATS = frozenset({"exact", "ids", "canonical"})
LANGUAGE_MAP_KEYS = frozenset({"display", "name", "description"})


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {key: agent[key] for key in ("objectType", *IFI_KEYS) if key in agent}
    identified = any(key in agent for key in IFI_KEYS)
    if agent.get("objectType") == "Group" and "member" in agent and not identified:
        kept["member"] = [_agent_ids(member) for member in agent["member"]]
    return kept


def _ids(statement: dict[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    for key in ("actor", "authority"):
        if isinstance(out.get(key), dict):
            out[key] = _agent_ids(out[key])
    if isinstance(out.get("verb"), dict):
        out["verb"] = {"id": out["verb"]["id"]}
    target = out.get("object")
    if isinstance(target, dict):
        kind = target.get("objectType", "Activity")
        if kind == "Activity":
            out["object"] = {"id": target["id"]}
        elif kind in {"Agent", "Group"}:
            out["object"] = _agent_ids(target)
        elif kind == "SubStatement":
            out["object"] = _ids(target)
    context = out.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for key in ("instructor", "team"):
            if isinstance(context.get(key), dict):
                context[key] = _agent_ids(context[key])
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            context["contextActivities"] = {
                key: [{"id": item["id"]} for item in (value if isinstance(value, list) else [value])]
                for key, value in activities.items()
            }
        out["context"] = context
    return out


def _best(language_map: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        wanted = wanted.lower()
        if wanted == "*":
            break
        if wanted in lowered:
            return {lowered[wanted]: language_map[lowered[wanted]]}
        for tag, original in lowered.items():
            if tag.split("-")[0] == wanted.split("-")[0]:
                return {original: language_map[original]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _canonical(value: Any, languages: list[str], parent: str = "") -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "extensions":
                out[key] = item
            elif key in LANGUAGE_MAP_KEYS and isinstance(item, dict) and parent not in {"actor", "member"}:
                out[key] = _best(item, languages)
            else:
                out[key] = _canonical(item, languages, key)
        return out
    if isinstance(value, list):
        return [_canonical(item, languages, parent) for item in value]
    return value


def accept_languages(header: str) -> list[str]:
    ranked = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _q, _i, tag in sorted(ranked)]


def statement_formatted(statement: dict[str, Any], format_name: str, languages: list[str]) -> dict[str, Any]:
    if format_name == "ids":
        return _ids(statement)
    if format_name == "canonical":
        result: dict[str, Any] = _canonical(statement, languages)
        return result
    return statement
