"""Storing statements that arrive at the LRS (/xapi), in the one statement store.

``lrs_statements_store`` validates a batch, checks its attachments and signatures, fills in
id, stored, timestamp, authority and version, links statements whose actor is a platform
person, applies voiding, and writes the whole batch in one transaction with a fixed number
of queries whatever its size, queueing the statements for forwarding to other LRSs in that
transaction (learning/services/lrs/forwarding.py).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cms.people.models import User
from learning.models import LrsAttachment, LrsCredential, XAPIStatement
from learning.selectors.lrs_keys import platform_account_home, utc_iso
from learning.services.lrs.forwarding import outbox_enqueue
from learning.services.lrs.indexing import statement_index, timestamp_utc
from learning.services.lrs.signature import signature_verify
from learning.services.lrs.validation import statement_validate
from learning.services.lrs.validation_parts import SIGNATURE_USAGE, VOIDED_VERB, StatementRejected

SIGNATURE_CONTENT_TYPE = "application/octet-stream"
COMPARE_IGNORED = frozenset({"stored", "authority", "version"})

__all__ = [
    "AttachmentPart",
    "StatementConflict409",
    "credential_authority",
    "lrs_statements_store",
]


class StatementConflict409(ValueError):
    """A statement id is stored already with different content."""


@dataclass(frozen=True)
class AttachmentPart:
    content_type: str
    content: bytes
    sha2: str = field(default="")


def credential_authority(credential: LrsCredential) -> dict[str, Any]:
    """The authority a credential's statements carry: its fixed agent, or an account for it."""
    if isinstance(credential.authority, dict) and credential.authority:
        return credential.authority
    return {
        "objectType": "Agent",
        "name": credential.name,
        "account": {"homePage": f"{platform_account_home()}/xapi", "name": credential.key},
    }


def _comparable(statement: dict[str, Any], *, timestamp: bool = True) -> str:
    """A statement as compared with a stored one of the same id (what the LRS added left out)."""
    ignored = COMPARE_IGNORED if timestamp else COMPARE_IGNORED | {"timestamp"}
    return json.dumps({k: v for k, v in statement.items() if k not in ignored}, sort_keys=True)


def _attachments_check(statements: list[dict[str, Any]], parts: dict[str, AttachmentPart]) -> None:
    """Every attachment without a fileUrl must come as a part; every part must be named."""
    named: set[str] = set()
    for statement in statements:
        for attachment in statement.get("attachments") or []:
            sha2 = attachment["sha2"]
            named.add(sha2)
            is_signature = attachment["usageType"] == SIGNATURE_USAGE
            if is_signature and attachment["contentType"] != SIGNATURE_CONTENT_TYPE:
                raise StatementRejected("A signature attachment must be application/octet-stream.")
            if "fileUrl" not in attachment and sha2 not in parts:
                raise StatementRejected("An attachment without a fileUrl must be sent in the request.")
            if is_signature:
                if sha2 not in parts:
                    raise StatementRejected("A signature attachment must be sent in the request.")
                signature_verify(statement=statement, jws=parts[sha2].content)
    if set(parts) - named:
        raise StatementRejected("The request has an attachment no statement names.")


def _users_for(statements: list[dict[str, Any]]) -> dict[str, int]:
    """Platform people named by actors: by email (mbox) or by the account the platform issues."""
    emails: set[str] = set()
    ids: set[int] = set()
    home = platform_account_home()
    for statement in statements:
        actor = statement.get("actor") or {}
        if isinstance(actor.get("mbox"), str):
            emails.add(actor["mbox"][len("mailto:") :].lower())
        account = actor.get("account") or {}
        if account.get("homePage", "").rstrip("/") == home and str(account.get("name", "")).isdigit():
            ids.add(int(account["name"]))
    if not emails and not ids:
        return {}
    found: dict[str, int] = {}
    for pk, email in User.objects.filter(Q(email__in=emails) | Q(pk__in=ids)).values_list("pk", "email"):
        found[f"mbox:mailto:{email.lower()}"] = pk
        found[f"account:{home}|{pk}"] = pk
    return found


def _prepared(
    statements: list[dict[str, Any]], *, authority: dict[str, Any], version: str, stored: datetime
) -> list[dict[str, Any]]:
    """The statements as they will be stored: id, stored, timestamp (UTC), authority, version."""
    stored_text = utc_iso(stored)
    prepared = []
    seen: set[str] = set()
    for value in statements:
        statement = statement_validate(value, version=version)
        statement = dict(statement)
        statement["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else str(uuid.uuid4())
        if statement["id"] in seen:
            raise StatementRejected("A batch may not use the same statement id twice.")
        seen.add(statement["id"])
        _context_activities_as_lists(statement)
        statement["timestamp"] = (
            timestamp_utc(statement["timestamp"]) if "timestamp" in statement else stored_text
        )
        statement["stored"] = stored_text
        statement["authority"] = authority
        statement.setdefault("version", "2.0.0" if version.startswith("2.") else "1.0.0")
        prepared.append(statement)
    return prepared


def _context_activities_as_lists(statement: dict[str, Any]) -> None:
    """xAPI returns every context activity list as an array, even when one was sent alone."""
    for part in (statement, statement["object"]):
        context = part.get("context")
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
            activities = context["contextActivities"]
            part["context"] = {
                **context,
                "contextActivities": {k: v if isinstance(v, list) else [v] for k, v in activities.items()},
            }


def _voids_check(prepared: list[dict[str, Any]], existing_voiding: set[str]) -> None:
    for statement in prepared:
        if statement["verb"]["id"] == VOIDED_VERB and statement["object"]["id"].lower() in existing_voiding:
            raise StatementRejected("A voiding statement cannot void another voiding statement.")


def lrs_statements_store(
    *,
    statements: list[dict[str, Any]],
    credential: LrsCredential | None,
    authority: dict[str, Any],
    version: str,
    parts: dict[str, AttachmentPart] | None = None,
) -> list[str]:
    """Validate and store a batch; answer the ids of every statement, in order.

    Raises StatementRejected (400: the batch breaks the data model or its attachments) or
    StatementConflict409 (an id is stored already with different content). A statement
    stored already with the same content is not stored again. All or nothing.
    """
    parts = parts or {}
    original = [dict(item) if isinstance(item, dict) else item for item in statements]
    stored_at = timezone.now()
    prepared = _prepared(statements, authority=authority, version=version, stored=stored_at)
    _attachments_check(original, parts)
    ids = [statement["id"] for statement in prepared]
    # A statement sent without a timestamp got the moment it was stored: a resend is still the same.
    stamped = {
        str(uuid.UUID(item["id"]))
        for item in original
        if isinstance(item, dict) and "timestamp" in item and "id" in item
    }
    void_targets = {
        statement["object"]["id"].lower() for statement in prepared if statement["verb"]["id"] == VOIDED_VERB
    }
    try:
        with transaction.atomic():
            existing = {
                str(row[0]): row[1]
                for row in XAPIStatement.objects.filter(statement_id__in=ids).values_list(
                    "statement_id", "payload"
                )
            }
            for statement in prepared:
                timed = statement["id"] in stamped
                if statement["id"] in existing and _comparable(
                    existing[statement["id"]], timestamp=timed
                ) != _comparable(statement, timestamp=timed):
                    raise StatementConflict409(f"Statement {statement['id']} is stored already, differently.")
            if void_targets:
                voiding = XAPIStatement.objects.filter(
                    statement_id__in=void_targets, voids__isnull=False
                ).values_list("statement_id", flat=True)
                _voids_check(prepared, {str(target) for target in voiding})
            users = _users_for(prepared)
            rows = []
            for statement in prepared:
                if statement["id"] in existing:
                    continue
                index = statement_index(statement)
                rows.append(
                    XAPIStatement(
                        statement_id=statement["id"],
                        source=XAPIStatement.Source.LRS,
                        user_id=users.get(index.actor_key),
                        verb=statement["verb"]["id"][:2048],
                        top_level=True,
                        payload=statement,
                        stored_at=stored_at,
                        actor_key=index.actor_key,
                        activity_id=index.activity_id[:2048],
                        object_agent_key=index.object_agent_key,
                        registration=index.registration,
                        related_agents=index.related_agents,
                        related_activities=index.related_activities,
                        voids=index.voids,
                        references=index.references,
                        credential=credential,
                    )
                )
            XAPIStatement.objects.bulk_create(rows)
            outbox_enqueue(statements=rows, at=stored_at)
            if void_targets:
                XAPIStatement.objects.filter(statement_id__in=void_targets, voids__isnull=True).update(
                    voided=True
                )
            if parts:
                LrsAttachment.objects.bulk_create(
                    [
                        LrsAttachment(
                            sha2=sha2,
                            content_type=part.content_type,
                            length=len(part.content),
                            content=part.content,
                        )
                        for sha2, part in parts.items()
                    ],
                    ignore_conflicts=True,
                )
    except IntegrityError as error:
        # Another request stored one of these ids between our look and our insert.
        raise StatementConflict409("A statement id in this batch was stored at the same moment.") from error
    return ids
