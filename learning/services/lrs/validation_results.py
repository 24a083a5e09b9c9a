"""Results, context and attachments of an xAPI statement, checked (see ``validation_parts``)."""

from __future__ import annotations

import math
from typing import Any

from learning.services.lrs.validation_parts import (
    DURATION,
    LANGUAGE_TAG,
    StatementRejected,
    activity_check,
    actor_check,
    agent_check,
    extensions_check,
    group_check,
    iri_check,
    keys_check,
    language_map_check,
    pattern_check,
    statement_ref_check,
    string_check,
    uuid_check,
)

MAX_NUMBER = 10**300
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS_1 = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_KEYS_2 = frozenset({*CONTEXT_KEYS_1, "contextAgents", "contextGroups"})
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
CONTEXT_AGENT_KEYS = frozenset({"objectType", "agent", "relevantTypes"})
CONTEXT_GROUP_KEYS = frozenset({"objectType", "group", "relevantTypes"})
ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)

__all__ = ["attachments_check", "context_check", "result_check", "score_check"]


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatementRejected(f"{where} must be a number.")
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        raise StatementRejected(f"{where} is out of range.")
    if not math.isfinite(float(value)):
        raise StatementRejected(f"{where} must be a finite number.")
    return float(value)


def score_check(value: Any, where: str) -> None:
    score = keys_check(value, where, SCORE_KEYS)
    numbers = {key: _number(score[key], f"{where}.{key}") for key in SCORE_KEYS if key in score}
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        raise StatementRejected(f"{where}.scaled must be between -1 and 1.")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and low >= high:
        raise StatementRejected(f"{where}.min must be less than max.")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise StatementRejected(f"{where}.raw must be between min and max.")


def result_check(value: Any, where: str) -> None:
    result = keys_check(value, where, RESULT_KEYS)
    if "score" in result:
        score_check(result["score"], f"{where}.score")
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            raise StatementRejected(f"{where}.{key} must be true or false.")
    if "response" in result:
        string_check(result["response"], f"{where}.response")
    if "duration" in result:
        pattern_check(result["duration"], f"{where}.duration", DURATION, "an ISO 8601 duration")
    if "extensions" in result:
        extensions_check(result["extensions"], f"{where}.extensions")


def _activities_check(value: Any, where: str) -> None:
    for index, activity in enumerate(value if isinstance(value, list) else [value]):
        activity_check(activity, f"{where}[{index}]")


def _relevant_types_check(value: Any, where: str) -> None:
    if not isinstance(value, list) or not value:
        raise StatementRejected(f"{where} must be a non-empty list of IRIs.")
    for item in value:
        iri_check(item, where)


def _context_agents_check(context: dict[str, Any], where: str) -> None:
    for key, keys, kind, member, check in (
        ("contextAgents", CONTEXT_AGENT_KEYS, "contextAgent", "agent", agent_check),
        ("contextGroups", CONTEXT_GROUP_KEYS, "contextGroup", "group", group_check),
    ):
        if key not in context:
            continue
        if not isinstance(context[key], list):
            raise StatementRejected(f"{where}.{key} must be a list.")
        for index, item in enumerate(context[key]):
            entry = keys_check(item, f"{where}.{key}[{index}]", keys, required=("objectType", member))
            if entry["objectType"] != kind:
                raise StatementRejected(f"{where}.{key}[{index}].objectType must be {kind}.")
            check(entry[member], f"{where}.{key}[{index}].{member}")
            if "relevantTypes" in entry:
                _relevant_types_check(entry["relevantTypes"], f"{where}.{key}[{index}].relevantTypes")


def context_check(value: Any, where: str, *, version: str, object_is_activity: bool) -> None:
    allowed = CONTEXT_KEYS_2 if version.startswith("2.") else CONTEXT_KEYS_1
    context = keys_check(value, where, allowed)
    if "registration" in context:
        uuid_check(context["registration"], f"{where}.registration")
    if "instructor" in context:
        actor_check(context["instructor"], f"{where}.instructor")
    if "team" in context:
        group_check(context["team"], f"{where}.team")
    if "contextActivities" in context:
        activities = keys_check(
            context["contextActivities"], f"{where}.contextActivities", CONTEXT_ACTIVITY_KEYS
        )
        for key, item in activities.items():
            _activities_check(item, f"{where}.contextActivities.{key}")
    for key in ("revision", "platform"):
        if key in context:
            string_check(context[key], f"{where}.{key}")
            if not object_is_activity:
                raise StatementRejected(f"{where}.{key} is only allowed when the object is an Activity.")
    if "language" in context:
        pattern_check(context["language"], f"{where}.language", LANGUAGE_TAG, "an RFC 5646 language tag")
    if "statement" in context:
        statement_ref_check(context["statement"], f"{where}.statement")
    if "extensions" in context:
        extensions_check(context["extensions"], f"{where}.extensions")
    _context_agents_check(context, where)


def attachments_check(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise StatementRejected(f"{where} must be a list.")
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        attachment = keys_check(
            item, at, ATTACHMENT_KEYS, required=("usageType", "display", "contentType", "length", "sha2")
        )
        iri_check(attachment["usageType"], f"{at}.usageType")
        language_map_check(attachment["display"], f"{at}.display")
        if "description" in attachment:
            language_map_check(attachment["description"], f"{at}.description")
        string_check(attachment["contentType"], f"{at}.contentType")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise StatementRejected(f"{at}.length must be a whole number.")
        string_check(attachment["sha2"], f"{at}.sha2")
        if "fileUrl" in attachment:
            iri_check(attachment["fileUrl"], f"{at}.fileUrl")
