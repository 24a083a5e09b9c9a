"""Validation of xAPI statements as the standard defines them (1.0.3 and 2.0.0).

Every property is checked against the data model: unknown properties, wrong types, nulls
outside extensions, bad IRIs, UUIDs, language tags, timestamps, durations and scores are
refused with ``StatementRejected`` naming the property. The pieces (agents, activities,
results, context) live in ``validation_parts``; this module walks a whole statement.
"""

from __future__ import annotations

import math
import re
from typing import Any

from learning.services.lrs.validation_parts import (
    VOIDED_VERB,
    StatementRejected,
    actor_check,
    keys_check,
    language_map_check,
    object_check,
    timestamp_check,
    uuid_check,
    version_check,
)
from learning.services.lrs.validation_parts import (
    iri_check as _iri,
)
from learning.services.lrs.validation_results import attachments_check, context_check, result_check

STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
VERB_KEYS = frozenset({"id", "display"})
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

__all__ = ["StatementRejected", "statement_validate", "storable_check"]


def _verb_check(verb: Any, where: str) -> str:
    verb = keys_check(verb, where, VERB_KEYS, required=("id",))
    verb_id = _iri(verb["id"], f"{where}.id")
    if "display" in verb:
        language_map_check(verb["display"], f"{where}.display")
    return verb_id


def _core_check(statement: dict[str, Any], where: str, *, version: str, sub: bool) -> None:
    actor_check(statement["actor"], f"{where}actor")
    verb_id = _verb_check(statement["verb"], f"{where}verb")
    target = object_check(
        statement["object"], f"{where}object", version=version, sub=sub, substatement=substatement_check
    )
    if verb_id == VOIDED_VERB and target.get("objectType") != "StatementRef":
        raise StatementRejected("A voiding statement's object must be a StatementRef.")
    if "result" in statement:
        result_check(statement["result"], f"{where}result")
    if "context" in statement:
        context_check(
            statement["context"],
            f"{where}context",
            version=version,
            object_is_activity=target.get("objectType", "Activity") == "Activity",
        )
    if "timestamp" in statement:
        timestamp_check(statement["timestamp"], f"{where}timestamp")
    if "attachments" in statement:
        attachments_check(statement["attachments"], f"{where}attachments")


def substatement_check(value: Any, where: str, *, version: str) -> None:
    """A SubStatement: a statement without id, stored, version or authority, nesting no other."""
    sub = keys_check(value, where, SUBSTATEMENT_KEYS, required=("actor", "verb", "object"))
    _core_check(sub, f"{where}.", version=version, sub=True)


def storable_check(value: Any, where: str = "statement") -> None:
    """Every string (keys too) storable in PostgreSQL's JSON (no NUL, no lone surrogate) and every
    number finite; walked without recursion, so no nesting depth can break it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if UNSTORABLE.search(item):
                raise StatementRejected(f"The {where} holds a NUL character or a lone surrogate.")
        elif isinstance(item, float) and not math.isfinite(item):
            raise StatementRejected(f"The {where} holds a number too large to keep.")


def statement_validate(value: Any, *, version: str) -> dict[str, Any]:
    """Check a decoded statement; answer it (unchanged) or raise StatementRejected.

    ``version`` is the xAPI version the client spoke (``1.0.3`` or ``2.0.0``): 2.0.0 adds
    context agents and groups, which 1.0.3 refuses as unknown.
    """
    statement = keys_check(value, "statement", STATEMENT_KEYS, required=("actor", "verb", "object"))
    storable_check(statement)
    if "id" in statement:
        uuid_check(statement["id"], "id")
    _core_check(statement, "", version=version, sub=False)
    if "stored" in statement:
        timestamp_check(statement["stored"], "stored")
    if "authority" in statement:
        authority = actor_check(statement["authority"], "authority")
        if authority.get("objectType") == "Group":
            members = authority.get("member") or []
            if len(members) != 2 or any(
                key in authority for key in ("mbox", "mbox_sha1sum", "openid", "account")
            ):
                raise StatementRejected("authority as a group must be an anonymous group of two agents.")
    if "version" in statement:
        version_check(statement["version"], "version")
    return statement
