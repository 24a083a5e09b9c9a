"""The document resources (state, activity profile, agent profile) and the activities, agents
and about resources."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date

from learning.lrs.http import (
    SCOPE_READ_ALL,
    SCOPE_READ_MINE,
    SCOPE_STATE,
    SUPPORTED,
    VERSION_HEADER,
    Client,
    LrsError,
    body_of,
    json_response,
    lrs_view,
    params_only,
    refuse_unless,
)
from learning.lrs.statements import MAX_BODY
from learning.models import LrsDocument
from learning.selectors import (
    IFI_KEYS,
    DocumentKey,
    LaunchGrant,
    agent_key,
    lrs_activity_get,
    lrs_document_get,
    lrs_document_ids,
)
from learning.services.lrs import (
    DocumentPrecondition,
    DocumentRefused,
    StatementRejected,
    actor_check,
    document_delete,
    document_write,
    iri_check,
    storable_check,
    timestamp_parse,
    uuid_check,
)

MAX_KEY_CHARS = 2048
KINDS = {
    "state": (LrsDocument.Kind.STATE, "stateId", True, True),
    "activity_profile": (LrsDocument.Kind.ACTIVITY_PROFILE, "profileId", True, False),
    "agent_profile": (LrsDocument.Kind.AGENT_PROFILE, "profileId", False, True),
}


def _param(request: HttpRequest, name: str) -> str:
    source = request.GET
    if name not in source:
        raise LrsError(f"The {name} parameter is required.")
    return source[name]


def _agent(request: HttpRequest) -> dict[str, Any]:
    try:
        agent = json.loads(_param(request, "agent"))
        return actor_check(agent, "agent")
    except (ValueError, RecursionError) as bad:
        raise LrsError("agent must be a JSON agent.") from bad
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad


def _launch_scope(grant: LaunchGrant, resource: str, fields: dict[str, str], *, writing: bool) -> None:
    """Launched content keeps state for its own activity and registration, and writes nothing else."""
    if resource == "state":
        if fields.get("activity_id") != grant.activity_id or fields.get("registration") != grant.registration:
            raise LrsError("This launch may keep state only for its own activity and registration.", 403)
    elif writing and resource != "agent_profile":
        raise LrsError("This launch may not write activity profiles.", 403)


def _key(request: HttpRequest, client: Client, resource: str, with_id: bool) -> DocumentKey:
    kind, id_name, by_activity, by_agent = KINDS[resource]
    allowed = (
        {id_name, "since"} | ({"activityId"} if by_activity else set()) | ({"agent"} if by_agent else set())
    )
    if resource == "state":
        allowed.add("registration")
    params_only(request, allowed)
    fields: dict[str, str] = {"kind": kind}
    try:
        if by_activity:
            fields["activity_id"] = iri_check(_param(request, "activityId"), "activityId")
        if "registration" in request.GET:
            fields["registration"] = uuid_check(request.GET["registration"], "registration")
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad
    if by_agent:
        fields["agent_key"] = agent_key(_agent(request))
        if client.credential is None and fields["agent_key"] not in client.own_agent_keys:
            raise LrsError("On the session, documents must be about you.", 403)
    if client.launch is not None:
        _launch_scope(client.launch, resource, fields, writing=request.method not in ("GET", "HEAD"))
    if with_id:
        fields["document_id"] = _param(request, id_name)
    elif id_name in request.GET:
        fields["document_id"] = request.GET[id_name]
    for name, value in fields.items():
        if len(value) > MAX_KEY_CHARS:
            raise LrsError(f"{name} is longer than {MAX_KEY_CHARS} characters.")
        try:
            storable_check(value, name)
        except StatementRejected as bad:
            raise LrsError(str(bad)) from bad
    return DocumentKey(**fields)


def _document_response(document: LrsDocument) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated_at.timestamp())
    return response


def _get(request: HttpRequest, client: Client, resource: str) -> HttpResponse:
    refuse_unless(client.may(SCOPE_STATE, SCOPE_READ_ALL))
    key = _key(request, client, resource, with_id=False)
    if key.document_id:
        if "since" in request.GET:
            raise LrsError("since goes only with a list of documents.")
        document = lrs_document_get(key=key)
        if document is None:
            raise LrsError("There is no such document.", 404)
        return _document_response(document)
    since = None
    if "since" in request.GET:
        try:
            since = timestamp_parse(request.GET["since"], "since")
        except StatementRejected as bad:
            raise LrsError(str(bad)) from bad
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    ids, changed = lrs_document_ids(key=key, since=since)
    response = json_response(ids, version=client.version)
    if changed is not None:
        response["Last-Modified"] = http_date(changed.timestamp())
    return response


def _write(request: HttpRequest, client: Client, resource: str) -> HttpResponse:
    refuse_unless(client.may(SCOPE_STATE))
    key = _key(request, client, resource, with_id=True)
    if "since" in request.GET:
        raise LrsError("since goes only with GET.")
    content = body_of(request, MAX_BODY)
    need_header = client.version.startswith("2.") or resource != "state"
    has_header = "If-Match" in request.headers or "If-None-Match" in request.headers
    if request.method == "PUT" and resource != "state" and client.version.startswith("1.") and not has_header:
        # xAPI 1.0.3 (Communication 2.6, 2.7): a profile PUT must state what it expects to overwrite.
        document = lrs_document_get(key=key)
        if document is None:
            raise LrsError(
                "Send If-None-Match: * to create a profile (or If-Match with its ETag to replace it)."
            )
    try:
        document_write(
            key=key,
            content=content,
            content_type=request.META.get("CONTENT_TYPE", ""),
            merge=request.method == "POST",
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match"),
            need_header=need_header,
            user_id=client.user_id,
        )
    except DocumentRefused as bad:
        raise LrsError(str(bad)) from bad
    except DocumentPrecondition as failed:
        raise LrsError(str(failed), failed.status) from failed
    return HttpResponse(status=204)


def _delete(request: HttpRequest, client: Client, resource: str) -> HttpResponse:
    refuse_unless(client.may(SCOPE_STATE))
    key = _key(request, client, resource, with_id=resource != "state")
    try:
        document_delete(key=key, if_match=request.headers.get("If-Match"), all_documents=not key.document_id)
    except DocumentPrecondition as failed:
        raise LrsError(str(failed), failed.status) from failed
    return HttpResponse(status=204)


def _document_view(resource: str) -> Any:
    @lrs_view(["GET", "HEAD", "PUT", "POST", "DELETE"])
    def view(request: HttpRequest, client: Client) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            response = _get(request, client, resource)
            if request.method == "HEAD":
                response.content = b""
            return response
        if request.method == "DELETE":
            return _delete(request, client, resource)
        return _write(request, client, resource)

    return view


state_view = _document_view("state")
activity_profile_view = _document_view("activity_profile")
agent_profile_view = _document_view("agent_profile")


@lrs_view(["GET", "HEAD"])
def activities_view(request: HttpRequest, client: Client) -> HttpResponse:
    refuse_unless(client.may(SCOPE_READ_ALL, SCOPE_READ_MINE, SCOPE_STATE))
    params_only(request, {"activityId"})
    try:
        activity_id = iri_check(_param(request, "activityId"), "activityId")
    except StatementRejected as bad:
        raise LrsError(str(bad)) from bad
    return json_response(lrs_activity_get(activity_id=activity_id), version=client.version)


@lrs_view(["GET", "HEAD"])
def agents_view(request: HttpRequest, client: Client) -> HttpResponse:
    refuse_unless(client.may(SCOPE_READ_ALL, SCOPE_READ_MINE, SCOPE_STATE))
    params_only(request, {"agent"})
    agent = _agent(request)
    person: dict[str, Any] = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for key in IFI_KEYS:
        if key in agent:
            person[key] = [agent[key]]
    return json_response(person, version=client.version)


def about_view(request: HttpRequest) -> HttpResponse:
    """The versions this LRS speaks; open to anyone, no version header needed."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    body = json.dumps({"version": sorted(SUPPORTED.values()), "extensions": {}})
    response = HttpResponse(body if request.method == "GET" else "", content_type="application/json")
    response[VERSION_HEADER] = "2.0.0"
    response["Last-Modified"] = http_date(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    return response
