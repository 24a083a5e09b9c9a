"""Writes to the LRS's document resources: state, activity profile and agent profile.

Concurrency follows xAPI: ``If-Match`` must name the current ETag (or ``*`` with a
document there), ``If-None-Match: *`` requires that there is none; a PUT over an
existing document with neither header is a conflict where the version demands it.
POST merges JSON objects, property by property, and refuses anything else.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from learning.models import LrsDocument
from learning.selectors.lrs_keys import DocumentKey, document_scope_hash

JSON_TYPE = "application/json"

__all__ = [
    "DocumentPrecondition",
    "DocumentRefused",
    "document_delete",
    "document_etag",
    "document_write",
]


class DocumentRefused(ValueError):
    """The write breaks a rule of the resource (400)."""


class DocumentPrecondition(ValueError):
    """An If-Match / If-None-Match precondition failed (412), or a PUT needed one (409)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def document_etag(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _etag_matches(header: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")]
    return "*" in tags or etag in tags


def _preconditions(
    document: LrsDocument | None,
    *,
    if_match: str | None,
    if_none_match: str | None,
    put: bool,
    need_header: bool,
) -> None:
    if if_match is not None and (document is None or not _etag_matches(if_match, document.etag)):
        raise DocumentPrecondition("If-Match does not name the document's current ETag.", 412)
    if if_none_match is not None and document is not None and _etag_matches(if_none_match, document.etag):
        raise DocumentPrecondition("A document is there already (If-None-Match).", 412)
    if put and need_header and document is not None and if_match is None and if_none_match is None:
        raise DocumentPrecondition(
            "The document exists: send If-Match with its ETag (or If-None-Match: *) to overwrite it.", 409
        )


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def document_write(
    *,
    key: DocumentKey,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    need_header: bool = False,
    user_id: int | None = None,
) -> LrsDocument:
    """PUT (``merge`` False: replace) or POST (``merge`` True: merge JSON objects) a document."""
    scope_hash = document_scope_hash(key)
    content_type = (content_type or "application/octet-stream").split(";")[0].strip().lower()
    try:
        with transaction.atomic():
            document = LrsDocument.objects.select_for_update().filter(scope_hash=scope_hash).first()
            _preconditions(
                document,
                if_match=if_match,
                if_none_match=if_none_match,
                put=not merge,
                need_header=need_header,
            )
            if merge and document is not None:
                old = _json_object(bytes(document.content)) if document.content_type == JSON_TYPE else None
                new = _json_object(content) if content_type == JSON_TYPE else None
                if old is None or new is None:
                    raise DocumentRefused(
                        "POST merges JSON objects only: both documents must be JSON objects."
                    )
                content = json.dumps({**old, **new}).encode()
                content_type = JSON_TYPE
            elif merge and content_type == JSON_TYPE and _json_object(content) is None:
                raise DocumentRefused("POST with application/json must send a JSON object.")
            if document is None:
                document = LrsDocument(
                    kind=key.kind,
                    scope_hash=scope_hash,
                    activity_id=key.activity_id,
                    agent_key=key.agent_key,
                    registration=key.registration,
                    document_id=key.document_id,
                )
            document.content = content
            document.content_type = content_type
            document.etag = document_etag(content)
            document.updated_at = timezone.now()
            document.user_id = user_id
            document.save()
    except IntegrityError as error:
        raise DocumentPrecondition("The document was written at the same moment; try again.", 409) from error
    return document


def document_delete(*, key: DocumentKey, if_match: str | None = None, all_documents: bool = False) -> int:
    """Delete one document (or, for state without a stateId, every one of that activity and agent)."""
    with transaction.atomic():
        if all_documents:
            rows = LrsDocument.objects.filter(
                kind=key.kind, activity_id=key.activity_id, agent_key=key.agent_key
            )
            if key.registration:
                rows = rows.filter(registration=key.registration)
            return rows.delete()[0]
        document = LrsDocument.objects.select_for_update().filter(scope_hash=document_scope_hash(key)).first()
        _preconditions(document, if_match=if_match, if_none_match=None, put=False, need_header=False)
        if document is None:
            return 0
        document.delete()
        return 1
