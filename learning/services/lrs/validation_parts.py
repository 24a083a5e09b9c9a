"""The parts of an xAPI statement, checked one by one (see ``validation`` for the whole).

Rules follow the xAPI data model: objects have only the properties the standard defines,
no property is null (extension values aside), IRIs are absolute, UUIDs are in their string
form, language maps are keyed by RFC 5646 tags, timestamps are ISO 8601 with no ``-00``
offset, durations are ISO 8601 durations and scores agree with themselves.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from learning.selectors.lrs_keys import IFI_KEYS

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
UUID_FORM = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MBOX = re.compile(r"^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$")
SHA1_HEX = re.compile(r"^[0-9a-fA-F]{40}$")
LANGUAGE_TAG = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$|^[xX](?:-[A-Za-z0-9]{1,8})+$|^[iI]-[A-Za-z]{2,8}$"
)
TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
_D = r"\d+(?:[.,]\d+)?"
DURATION = re.compile(
    rf"^P(?:{_D}W|(?=\d|T\d)(?:{_D}Y)?(?:{_D}M)?(?:{_D}D)?(?:T(?=\d)(?:{_D}H)?(?:{_D}M)?(?:{_D}S)?)?)$"
)
VERSION = re.compile(r"^[12]\.0(?:\.\d+)?$")
INTERACTION_TYPES = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
COMPONENT_LISTS = {
    "choices": {"choice", "sequencing"},
    "scale": {"likert"},
    "source": {"matching"},
    "target": {"matching"},
    "steps": {"performance"},
}
AGENT_KEYS = frozenset({"objectType", "name", *IFI_KEYS})
GROUP_KEYS = frozenset({*AGENT_KEYS, "member"})
ACCOUNT_KEYS = frozenset({"homePage", "name"})
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        *COMPONENT_LISTS,
    }
)
COMPONENT_KEYS = frozenset({"id", "description"})
STATEMENT_REF_KEYS = frozenset({"objectType", "id"})


class StatementRejected(ValueError):
    """The statement breaks the xAPI data model; the message names the property."""


def keys_check(
    value: Any, where: str, allowed: frozenset[str], required: Iterable[str] = ()
) -> dict[str, Any]:
    """An object with only the allowed properties, none null, and the required ones present."""
    if not isinstance(value, dict):
        raise StatementRejected(f"{where} must be an object.")
    for key, item in value.items():
        if key not in allowed:
            raise StatementRejected(f"{where} has an unknown property '{str(key)[:60]}'.")
        if item is None:
            raise StatementRejected(f"{where}.{key} must not be null.")
    for key in required:
        if key not in value:
            raise StatementRejected(f"{where}.{key} is required.")
    return value


def string_check(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise StatementRejected(f"{where} must be a string.")
    return value


def pattern_check(value: Any, where: str, pattern: re.Pattern[str], must_be: str) -> str:
    """A string of the form `pattern` describes, or a refusal saying what it must be."""
    if not isinstance(value, str) or not pattern.match(value):
        raise StatementRejected(f"{where} must be {must_be}.")
    return value


def iri_check(value: Any, where: str) -> str:
    return pattern_check(value, where, IRI, "an absolute IRI")


def uuid_check(value: Any, where: str) -> str:
    return str(uuid.UUID(pattern_check(value, where, UUID_FORM, "a UUID in its string form")))


def language_map_check(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise StatementRejected(f"{where} must be a language map.")
    for tag, text in value.items():
        if not LANGUAGE_TAG.match(tag):
            raise StatementRejected(f"{where} has a key that is not an RFC 5646 language tag.")
        if not isinstance(text, str):
            raise StatementRejected(f"{where} values must be strings.")


def extensions_check(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise StatementRejected(f"{where} must be an object.")
    for key in value:
        iri_check(key, f"A key of {where}")


def timestamp_parse(value: Any, where: str) -> datetime:
    """An ISO 8601 timestamp as a datetime (naive when it has no offset)."""
    match = TIMESTAMP.match(value) if isinstance(value, str) else None
    offset = match.group(8) if match else None
    if match is None or (offset and offset.startswith("-") and set(offset[1:]) <= {"0", ":"}):
        raise StatementRejected(f"{where} must be an ISO 8601 timestamp (and not offset -00:00).")
    text = value.replace(" ", "T").replace("t", "T").replace("z", "Z").replace("Z", "+00:00")
    fraction = match.group(7) or ""
    if len(fraction) > 7:
        text = text.replace(fraction, fraction[:7], 1)
    if offset and len(offset) == 3:
        text += ":00"
    elif offset and len(offset) == 5 and ":" not in offset:
        text = text[:-2] + ":" + text[-2:]
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise StatementRejected(f"{where} is not a real date and time.") from error


def timestamp_check(value: Any, where: str) -> None:
    timestamp_parse(value, where)


def version_check(value: Any, where: str) -> None:
    pattern_check(value, where, VERSION, "1.0.x or 2.0.x")


def _agent_body_check(agent: dict[str, Any], where: str, *, group: bool) -> int:
    ifis = [key for key in IFI_KEYS if key in agent]
    if "name" in agent:
        string_check(agent["name"], f"{where}.name")
    if "mbox" in agent:
        pattern_check(agent["mbox"], f"{where}.mbox", MBOX, "a mailto: IRI")
    if "mbox_sha1sum" in agent:
        pattern_check(agent["mbox_sha1sum"], f"{where}.mbox_sha1sum", SHA1_HEX, "a SHA-1 in hex")
    if "openid" in agent:
        iri_check(agent["openid"], f"{where}.openid")
    if "account" in agent:
        account = keys_check(
            agent["account"], f"{where}.account", ACCOUNT_KEYS, required=("homePage", "name")
        )
        iri_check(account["homePage"], f"{where}.account.homePage")
        string_check(account["name"], f"{where}.account.name")
    if len(ifis) > 1:
        raise StatementRejected(
            f"{where} must have exactly one identifier (mbox, mbox_sha1sum, openid, account)."
        )
    if not ifis and not group:
        raise StatementRejected(f"{where} must have one identifier (mbox, mbox_sha1sum, openid, account).")
    return len(ifis)


def agent_check(value: Any, where: str) -> dict[str, Any]:
    agent = keys_check(value, where, AGENT_KEYS)
    if agent.get("objectType", "Agent") != "Agent":
        raise StatementRejected(f"{where}.objectType must be Agent.")
    _agent_body_check(agent, where, group=False)
    return agent


def group_check(value: Any, where: str) -> dict[str, Any]:
    group = keys_check(value, where, GROUP_KEYS, required=("objectType",))
    if group["objectType"] != "Group":
        raise StatementRejected(f"{where}.objectType must be Group.")
    identified = _agent_body_check(group, where, group=True)
    if "member" in group:
        if not isinstance(group["member"], list):
            raise StatementRejected(f"{where}.member must be a list of agents.")
        for index, member in enumerate(group["member"]):
            agent_check(member, f"{where}.member[{index}]")
    if not identified and not group.get("member"):
        raise StatementRejected(f"{where} is an anonymous group, so it must list its members.")
    return group


def actor_check(value: Any, where: str) -> dict[str, Any]:
    """An Agent, or a Group (objectType Group)."""
    if isinstance(value, dict) and value.get("objectType") == "Group":
        return group_check(value, where)
    return agent_check(value, where)


def _components_check(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise StatementRejected(f"{where} must be a list of interaction components.")
    seen: set[str] = set()
    for index, component in enumerate(value):
        item = keys_check(component, f"{where}[{index}]", COMPONENT_KEYS, required=("id",))
        component_id = string_check(item["id"], f"{where}[{index}].id")
        if component_id in seen:
            raise StatementRejected(f"{where} has two components with id '{component_id[:40]}'.")
        seen.add(component_id)
        if "description" in item:
            language_map_check(item["description"], f"{where}[{index}].description")


def definition_check(value: Any, where: str) -> None:
    definition = keys_check(value, where, DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in definition:
            language_map_check(definition[key], f"{where}.{key}")
    for key in ("type", "moreInfo"):
        if key in definition:
            iri_check(definition[key], f"{where}.{key}")
    if "extensions" in definition:
        extensions_check(definition["extensions"], f"{where}.extensions")
    interaction = definition.get("interactionType")
    if interaction is not None and (not isinstance(interaction, str) or interaction not in INTERACTION_TYPES):
        raise StatementRejected(f"{where}.interactionType is not an interaction type xAPI defines.")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if interaction is None:
            raise StatementRejected(f"{where}.correctResponsesPattern needs an interactionType.")
        if not isinstance(pattern, list) or not all(isinstance(item, str) for item in pattern):
            raise StatementRejected(f"{where}.correctResponsesPattern must be a list of strings.")
    for key, types in COMPONENT_LISTS.items():
        if key in definition:
            if interaction not in types:
                raise StatementRejected(f"{where}.{key} is not allowed for this interactionType.")
            _components_check(definition[key], f"{where}.{key}")


def activity_check(value: Any, where: str) -> dict[str, Any]:
    activity = keys_check(value, where, ACTIVITY_KEYS, required=("id",))
    if activity.get("objectType", "Activity") != "Activity":
        raise StatementRejected(f"{where}.objectType must be Activity.")
    iri_check(activity["id"], f"{where}.id")
    if "definition" in activity:
        definition_check(activity["definition"], f"{where}.definition")
    return activity


def statement_ref_check(value: Any, where: str) -> dict[str, Any]:
    ref = keys_check(value, where, STATEMENT_REF_KEYS, required=("objectType", "id"))
    if ref["objectType"] != "StatementRef":
        raise StatementRejected(f"{where}.objectType must be StatementRef.")
    uuid_check(ref["id"], f"{where}.id")
    return ref


def object_check(
    value: Any, where: str, *, version: str, sub: bool, substatement: Callable[..., None]
) -> dict[str, Any]:
    """An Activity, Agent, Group, StatementRef or (not inside another) SubStatement."""
    if not isinstance(value, dict):
        raise StatementRejected(f"{where} must be an object.")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        return activity_check(value, where)
    if kind == "Agent":
        return agent_check(value, where)
    if kind == "Group":
        return group_check(value, where)
    if kind == "StatementRef":
        return statement_ref_check(value, where)
    if kind == "SubStatement" and not sub:
        substatement(value, where, version=version)
        return value
    raise StatementRejected(f"{where}.objectType is not one xAPI allows here.")
