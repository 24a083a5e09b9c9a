"""The Statement resource: POST and PUT (JSON or multipart/mixed with attachments) and GET
(one by id or voided id, or a query paged by ``more``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import http_date

from cms.core.request_body import BodyUnreadable, json_decoded
from learning.lrs.formats import FORMATS, accept_languages, statement_formatted
from learning.lrs.http import (
    SCOPE_READ_ALL,
    SCOPE_READ_MINE,
    SCOPE_WRITE,
    Client,
    LrsError,
    body_of,
    json_response,
    lrs_view,
    params_only,
    refuse_unless,
)
from learning.lrs.multipart import multipart_read, multipart_write
from learning.selectors import (
    StatementQuery,
    agent_key,
    lrs_attachments_get,
    lrs_statement_get,
    lrs_statement_payload,
    lrs_statements_query,
)
from learning.services import LaunchRefused, launch_statements_store
from learning.services.lrs import (
    StatementConflict409,
    StatementRejected,
    actor_check,
    iri_check,
    lrs_statements_store,
    timestamp_parse,
    uuid_check,
)

QUERY_PARAMS = frozenset(
    {
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)
SINGLE_PARAMS = frozenset({"statementId", "voidedStatementId", "format", "attachments"})
MORE_SALT = "learning.lrs.more"
MAX_BODY = getattr(settings, "LRS_MAX_STATEMENT_BODY", 20 * 1024 * 1024)


def _body(request: HttpRequest) -> bytes:
    return body_of(request, MAX_BODY)


def _decoded(raw: bytes) -> Any:
    try:
        return json_decoded(raw)
    except BodyUnreadable as bad:
        raise LrsError(str(bad)) from bad


def _statements_from(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    content_type = (request.content_type or "").lower()
    body = _body(request)
    if content_type == "multipart/mixed":
        first, parts = multipart_read(body, request.META.get("CONTENT_TYPE", ""))
        return _decoded(first), parts
    if content_type != "application/json":
        raise LrsError("Send statements as application/json or multipart/mixed.")
    return _decoded(body), {}


def _own_actor(client: Client, statements: list[Any]) -> None:
    """A signed-in person may record statements about themselves only."""
    if client.credential is not None:
        return
    for statement in statements:
        actor = statement.get("actor") if isinstance(statement, dict) else None
        if not isinstance(actor, dict) or agent_key(actor) not in client.own_agent_keys:
            raise LrsError("On the session, a statement's actor must be you.", 403)


def _store(client: Client, statements: list[Any], parts: dict[str, Any]) -> list[str]:
    refuse_unless(client.may(SCOPE_WRITE))
    _own_actor(client, statements)
    try:
        if client.launch is not None:
            return launch_statements_store(
                grant=client.launch,
                statements=statements,
                version=client.version,
                authority=client.authority,
                parts=parts,
            )
        return lrs_statements_store(
            statements=statements,
            credential=client.credential,
            authority=client.authority,
            version=client.version,
            parts=parts,
        )
    except LaunchRefused as refused:
        raise LrsError(str(refused), 403) from refused
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad
    except StatementConflict409 as conflict:
        raise LrsError(str(conflict), 409) from conflict


def _post(request: HttpRequest, client: Client) -> HttpResponse:
    if request.GET:
        raise LrsError("POST to statements takes no parameters.")
    data, parts = _statements_from(request)
    statements = data if isinstance(data, list) else [data]
    if not statements:
        raise LrsError("Send at least one statement.")
    return json_response(_store(client, statements, parts), version=client.version)


def _put(request: HttpRequest, client: Client) -> HttpResponse:
    params_only(request, {"statementId"})
    statement_id = request.GET.get("statementId")
    if not statement_id:
        raise LrsError("PUT needs the statementId parameter.")
    try:
        statement_id = uuid_check(statement_id, "statementId")
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad
    data, parts = _statements_from(request)
    if not isinstance(data, dict):
        raise LrsError("PUT takes one statement, as a JSON object.")
    if "id" in data and str(data["id"]).lower() != statement_id:
        raise LrsError("The statement's id differs from statementId.")
    data = {**data, "id": statement_id}
    _store(client, [data], parts)
    response = HttpResponse(status=204)
    return response


def _flag(request: HttpRequest, name: str) -> bool:
    value = request.GET.get(name, "false")
    if value not in {"true", "false"}:
        raise LrsError(f"{name} must be true or false.")
    return value == "true"


def _moment(value: str, name: str) -> datetime:
    try:
        moment = timestamp_parse(value, name)
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _query_of(request: HttpRequest, client: Client) -> StatementQuery:
    params = request.GET
    fields: dict[str, Any] = {}
    try:
        if "agent" in params:
            agent = actor_check(_decoded(params["agent"].encode()), "agent")
            fields["agent_key"] = agent_key(agent)
        if "verb" in params:
            fields["verb"] = iri_check(params["verb"], "verb")
        if "activity" in params:
            fields["activity"] = iri_check(params["activity"], "activity")
        if "registration" in params:
            fields["registration"] = uuid_check(params["registration"], "registration")
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad
    for name in ("since", "until"):
        if name in params:
            fields[name] = _moment(params[name], name)
    if "limit" in params:
        if not params["limit"].isdigit() or len(params["limit"]) > 9:
            raise LrsError("limit must be a whole number.")
        fields["limit"] = int(params["limit"])
    for name in ("related_activities", "related_agents", "ascending"):
        fields[name] = _flag(request, name)
    if not client.may(SCOPE_READ_ALL):
        refuse_unless(client.may(SCOPE_READ_MINE))
        if client.credential is not None:
            fields["credential_id"] = client.credential.pk
    return StatementQuery(**fields)


def _respond(
    request: HttpRequest, client: Client, body: Any, statements: list[dict[str, Any]], stored: datetime | None
) -> HttpResponse:
    first = json.dumps(body).encode()
    if _flag(request, "attachments"):
        sha2s = {a["sha2"] for s in statements for a in s.get("attachments") or [] if "sha2" in a}
        found = [(a.sha2, a.content_type, bytes(a.content)) for a in lrs_attachments_get(sha2s=sha2s)]
        content, content_type = multipart_write(first, found)
        response = HttpResponse(content, content_type=content_type)
    else:
        response = HttpResponse(first, content_type="application/json")
    if stored is not None:
        response["Last-Modified"] = http_date(stored.timestamp())
    return response


def _format(request: HttpRequest) -> tuple[str, list[str]]:
    name = request.GET.get("format", "exact")
    if name not in FORMATS:
        raise LrsError("format must be exact, ids or canonical.")
    return name, accept_languages(request.headers.get("Accept-Language", ""))


def _get_one(request: HttpRequest, client: Client) -> HttpResponse:
    extra = set(request.GET) - SINGLE_PARAMS
    if extra or ("statementId" in request.GET and "voidedStatementId" in request.GET):
        raise LrsError("statementId and voidedStatementId go only with format and attachments.")
    voided = "voidedStatementId" in request.GET
    try:
        statement_id = uuid_check(
            request.GET["voidedStatementId" if voided else "statementId"], "statementId"
        )
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad
    format_name, languages = _format(request)
    _flag(request, "attachments")
    mine_only = not client.may(SCOPE_READ_ALL)
    refuse_unless(client.may(SCOPE_READ_ALL, SCOPE_READ_MINE))
    row = lrs_statement_get(
        statement_id=statement_id,
        voided=voided,
        credential_id=client.credential.pk if mine_only and client.credential else None,
    )
    if row is None or (client.credential is None and mine_only and row.user_id != client.user_id):
        raise LrsError("There is no such statement.", 404)
    statement = statement_formatted(lrs_statement_payload(row), format_name, languages)
    return _respond(request, client, statement, [statement], row.stored_at)


def _more_url(request: HttpRequest, cursor: tuple[datetime, int]) -> str:
    params = {key: request.GET[key] for key in QUERY_PARAMS if key in request.GET}
    token = signing.dumps(
        {"p": params, "a": [cursor[0].isoformat(), cursor[1]]}, salt=MORE_SALT, compress=True
    )
    return reverse("xapi:statements_more", kwargs={"token": token})


def _get_many(
    request: HttpRequest, client: Client, after: tuple[datetime, int] | None = None
) -> HttpResponse:
    params_only(request, QUERY_PARAMS)
    query = _query_of(request, client)
    if after is not None:
        query = StatementQuery(**{**query.__dict__, "after": after})
    format_name, languages = _format(request)
    if client.credential is None:
        # On the session, a person reads only their own statements (launched content: of its registration).
        query = StatementQuery(**{**query.__dict__, "user_id": client.user_id})
        if client.launch is not None:
            query = StatementQuery(**{**query.__dict__, "registration": client.launch.registration})
    page = lrs_statements_query(query=query)
    statements = [statement_formatted(s, format_name, languages) for s in page.statements]
    body = {"statements": statements, "more": _more_url(request, page.cursor) if page.cursor else ""}
    return _respond(request, client, body, statements, page.last_stored)


@lrs_view(["GET", "HEAD", "POST", "PUT"])
def statements_view(request: HttpRequest, client: Client) -> HttpResponse:
    if request.method == "POST":
        return _post(request, client)
    if request.method == "PUT":
        return _put(request, client)
    if "statementId" in request.GET or "voidedStatementId" in request.GET:
        response = _get_one(request, client)
    else:
        response = _get_many(request, client)
    if request.method == "HEAD":
        response.content = b""
    return response


@lrs_view(["GET", "HEAD"])
def statements_more_view(request: HttpRequest, client: Client, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=MORE_SALT, max_age=24 * 3600)
        params, (moment, pk) = data["p"], data["a"]
        after = (datetime.fromisoformat(moment), int(pk))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as bad:
        raise LrsError("That more link is not valid (or has expired).", 404) from bad
    request.GET = request.GET.copy()
    request.GET.clear()
    request.GET.update(params)
    return _get_many(request, client, after)
