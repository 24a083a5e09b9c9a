"""Reads for the xAPI learning record store: credentials, statements, documents, activities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from learning.models import LrsAttachment, LrsCredential, LrsDocument, XAPIStatement
from learning.selectors.lrs_keys import (
    DocumentKey,
    credential_secret_matches,
    document_scope_hash,
    platform_agent,
    utc_iso,
)

MAX_PAGE = 200
PLATFORM_VERSION = "1.0.0"


@dataclass(frozen=True)
class StatementQuery:
    agent_key: str = ""
    verb: str = ""
    activity: str = ""
    registration: str = ""
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    credential_id: int | None = None
    user_id: int | None = None
    after: tuple[datetime, int] | None = None


@dataclass(frozen=True)
class StatementsPage:
    statements: list[dict[str, Any]]
    last_stored: datetime | None
    cursor: tuple[datetime, int] | None


def lrs_credential_authenticate(*, key: str, secret: str) -> LrsCredential | None:
    """The active credential with this key and secret, or None."""
    if not key or len(key) > 40 or len(secret) > 200:
        return None
    credential = LrsCredential.objects.filter(key=key, is_active=True).first()
    if credential is None or not credential_secret_matches(credential=credential, secret=secret):
        return None
    return credential


def lrs_statement_payload(row: XAPIStatement) -> dict[str, Any]:
    """A stored statement as the LRS returns it (an H5P one gains its actor, stored and authority)."""
    if row.source == XAPIStatement.Source.LRS:
        return dict(row.payload)
    statement = dict(row.payload)
    statement["actor"] = platform_agent(user_id=row.user_id or 0)
    statement["id"] = str(row.statement_id)
    statement["stored"] = utc_iso(row.stored_at)
    statement.setdefault("timestamp", statement["stored"])
    statement["authority"] = {
        "objectType": "Agent",
        "name": "Family Safeguarding Learning (H5P players)",
        **platform_agent(user_id=0),
    }
    statement.setdefault("version", PLATFORM_VERSION)
    return statement


def lrs_statement_get(
    *, statement_id: str, voided: bool, credential_id: int | None = None
) -> XAPIStatement | None:
    """The statement with that id: a voided one only when ``voided``, otherwise only a live one."""
    rows = XAPIStatement.objects.filter(statement_id=statement_id, voided=voided)
    if credential_id is not None:
        rows = rows.filter(credential_id=credential_id)
    return rows.first()


def _matching(query: StatementQuery) -> Q | None:
    """The filter on agent, verb, activity and registration (None when none is asked for)."""
    match = Q()
    if query.agent_key:
        if query.related_agents:
            match &= Q(related_agents__contains=f"|{query.agent_key}|")
        else:
            match &= Q(actor_key=query.agent_key) | Q(object_agent_key=query.agent_key)
    if query.verb:
        match &= Q(verb=query.verb)
    if query.activity:
        if query.related_activities:
            match &= Q(related_activities__contains=f"|{query.activity}|")
        else:
            match &= Q(activity_id=query.activity)
    if query.registration:
        match &= Q(registration=query.registration)
    return match if match.children else None


def _filtered(query: StatementQuery) -> QuerySet[XAPIStatement]:
    rows = XAPIStatement.objects.filter(voided=False)
    if query.credential_id is not None:
        rows = rows.filter(credential_id=query.credential_id)
    if query.user_id is not None:
        rows = rows.filter(user_id=query.user_id)
    if (match := _matching(query)) is not None:
        # A statement that references a match (a voiding statement, a StatementRef) is returned too.
        targets = XAPIStatement.objects.filter(match).values("statement_id")
        rows = rows.filter(match | Q(references__in=targets))
    if query.since is not None:
        rows = rows.filter(stored_at__gt=query.since)
    if query.until is not None:
        rows = rows.filter(stored_at__lte=query.until)
    return rows


def lrs_statements_query(*, query: StatementQuery) -> StatementsPage:
    """One page of the statements matching ``query``, newest first unless ascending."""
    rows = _filtered(query)
    if query.after is not None:
        moment, pk = query.after
        if query.ascending:
            rows = rows.filter(Q(stored_at__gt=moment) | Q(stored_at=moment, pk__gt=pk))
        else:
            rows = rows.filter(Q(stored_at__lt=moment) | Q(stored_at=moment, pk__lt=pk))
    order = ["stored_at", "pk"] if query.ascending else ["-stored_at", "-pk"]
    size = min(query.limit or MAX_PAGE, MAX_PAGE)
    page = list(rows.order_by(*order)[: size + 1])
    more = len(page) > size
    page = page[:size]
    cursor = (page[-1].stored_at, page[-1].pk) if more and page else None
    last = max((row.stored_at for row in page), default=None)
    return StatementsPage([lrs_statement_payload(row) for row in page], last, cursor)


def lrs_attachments_get(*, sha2s: set[str]) -> list[LrsAttachment]:
    return list(LrsAttachment.objects.filter(sha2__in=sha2s))


def lrs_document_get(*, key: DocumentKey) -> LrsDocument | None:
    return LrsDocument.objects.filter(scope_hash=document_scope_hash(key)).first()


def lrs_document_ids(*, key: DocumentKey, since: datetime | None) -> tuple[list[str], datetime | None]:
    """The ids of the documents of one activity / agent (/ registration), and the latest change."""
    rows = LrsDocument.objects.filter(kind=key.kind, activity_id=key.activity_id, agent_key=key.agent_key)
    if key.kind == LrsDocument.Kind.STATE:
        rows = rows.filter(registration=key.registration)
    if since is not None:
        rows = rows.filter(updated_at__gt=since)
    found = list(rows.order_by("document_id").values_list("document_id", "updated_at"))
    return [document_id for document_id, _ in found], max((at for _, at in found), default=None)


def lrs_activity_get(*, activity_id: str) -> dict[str, Any]:
    """The activity as statements have described it: the latest definitions, merged."""
    definition: dict[str, Any] = {}
    rows = (
        XAPIStatement.objects.filter(related_activities__contains=f"|{activity_id}|")
        .order_by("stored_at")
        .values_list("payload", flat=True)[:500]
    )
    for payload in rows:
        for activity in _activities_in(payload):
            if activity.get("id") == activity_id and isinstance(activity.get("definition"), dict):
                definition = _merged(definition, activity["definition"])
    activity_object: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity_object["definition"] = definition
    return activity_object


def _merged(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = dict(old)
    for key, value in new.items():
        if key in {"name", "description"} and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _activities_in(statement: Any) -> list[dict[str, Any]]:
    if not isinstance(statement, dict):
        return []
    found: list[dict[str, Any]] = []
    target = statement.get("object") or {}
    if target.get("objectType", "Activity") == "Activity":
        found.append(target)
    elif target.get("objectType") == "SubStatement":
        found.extend(_activities_in(target))
    for value in ((statement.get("context") or {}).get("contextActivities") or {}).values():
        found.extend(
            item for item in (value if isinstance(value, list) else [value]) if isinstance(item, dict)
        )
    return found
