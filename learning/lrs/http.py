"""The LRS's HTTP frame: version negotiation, who is asking (basic credential or session), and
JSON errors. Every refusal is a 4xx with ``{"error": ...}``; nothing here redirects.

Basic-auth clients are exempt from CSRF (a browser never sends those credentials on its own);
a request on the signed-in session keeps Django's CSRF check.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from cms.core.request_body import BodyUnreadable, declared_length
from learning.models import LrsCredential
from learning.selectors import (
    LAUNCH_KEY_PREFIX,
    LaunchGrant,
    launch_grant_authenticate,
    lrs_credential_authenticate,
    platform_agent,
    utc_iso,
)
from learning.services.lrs import credential_authority

VERSION_HEADER = "X-Experience-API-Version"
SUPPORTED = {"1.0": "1.0.3", "2.0": "2.0.0"}
PRE_RELEASE = "0.95"
ALTERNATE_HEADERS = {
    "Authorization": "HTTP_AUTHORIZATION",
    "X-Experience-API-Version": "HTTP_X_EXPERIENCE_API_VERSION",
    "Content-Type": "CONTENT_TYPE",
    "Content-Length": "CONTENT_LENGTH",
    "If-Match": "HTTP_IF_MATCH",
    "If-None-Match": "HTTP_IF_NONE_MATCH",
}
ALTERNATE_METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"})
ALTERNATE_MAX_BODY = 20 * 1024 * 1024
SCOPE_WRITE = LrsCredential.Scope.STATEMENTS_WRITE
SCOPE_READ_MINE = LrsCredential.Scope.STATEMENTS_READ_MINE
SCOPE_READ_ALL = LrsCredential.Scope.ALL_READ
SCOPE_STATE = LrsCredential.Scope.STATE
SESSION_SCOPES = frozenset({SCOPE_WRITE, SCOPE_READ_MINE, SCOPE_STATE})


class LrsError(Exception):
    def __init__(self, message: str, status: int = 400, version: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.version = version


@dataclass
class Client:
    """Who is calling: a credential, or a signed-in person (the platform's own players)."""

    credential: LrsCredential | None
    user_id: int | None
    scopes: frozenset[str]
    authority: dict[str, Any]
    version: str = "2.0.0"
    own_agent_keys: set[str] = field(default_factory=set)
    launch: LaunchGrant | None = None

    def may(self, *scopes: str) -> bool:
        return any(scope in self.scopes for scope in scopes)


def error(message: str, status: int, version: str = "2.0.0") -> HttpResponse:
    response = JsonResponse({"error": message}, status=status)
    response[VERSION_HEADER] = version
    return response


def json_response(data: Any, status: int = 200, version: str = "2.0.0") -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type="application/json")
    response[VERSION_HEADER] = version
    return response


def body_of(request: HttpRequest, limit: int) -> bytes:
    """The request body, read directly so a large attachment is not refused by Django's form-field cap."""
    try:
        length = declared_length(request)
    except BodyUnreadable as bad:
        raise LrsError(str(bad)) from bad
    if length > limit:
        raise LrsError(f"The body is larger than {limit // (1024 * 1024)} MB.", 413)
    if hasattr(request, "_body"):
        body: bytes = request._body
        return body
    body = request.read(limit + 1)
    if len(body) > limit:
        raise LrsError(f"The body is larger than {limit // (1024 * 1024)} MB.", 413)
    request._body = body
    return body


def version_of(request: HttpRequest) -> str:
    header = request.headers.get(VERSION_HEADER, "").strip()
    if not header:
        # A request without the header is a pre-1.0 (0.95) client's, which this LRS does not serve.
        raise LrsError(f"Send the {VERSION_HEADER} header (1.0.3 or 2.0.0).", version=PRE_RELEASE)
    parts = header.split(".")
    major = ".".join(parts[:2])
    if major not in SUPPORTED or len(parts) > 3 or (len(parts) == 3 and not parts[2].isdigit()):
        raise LrsError(f"{VERSION_HEADER} {header[:20]!r} is not supported: use 1.0.3 or 2.0.0.")
    return SUPPORTED[major]


def _basic(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as bad:
        raise LrsError("The Authorization header is not valid basic credentials.", 401) from bad
    key, _, secret = decoded.partition(":")
    return key, secret


def client_of(request: HttpRequest, version: str) -> Client:
    """The caller, or LrsError 401 (no or wrong credentials) / 403 (CSRF on the session path)."""
    basic = _basic(request)
    if basic is not None and basic[0].startswith(LAUNCH_KEY_PREFIX):
        return _launch_client(basic[0], basic[1], version)
    if basic is not None:
        credential = lrs_credential_authenticate(key=basic[0], secret=basic[1])
        if credential is None:
            raise LrsError("Those credentials are not valid.", 401)
        return Client(
            credential, None, frozenset(credential.scopes), credential_authority(credential), version
        )
    user = request.user
    if user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            refused = CsrfViewMiddleware(lambda _request: HttpResponse()).process_view(request, None, (), {})
            if refused is not None:
                raise LrsError("The CSRF check failed: send X-CSRFToken with the session.", 403)
        agent = platform_agent(user_id=user.pk)
        keys = {f"account:{agent['account']['homePage']}|{user.pk}", f"mbox:mailto:{user.email.lower()}"}
        return Client(None, user.pk, SESSION_SCOPES, agent, version, keys)
    raise LrsError("Send HTTP basic credentials for this LRS.", 401)


def _launch_client(key: str, secret: str, version: str) -> Client:
    """Launched content's restricted credential: its learner, registration and activity only."""
    grant = launch_grant_authenticate(key=key, secret=secret)
    if grant is None:
        raise LrsError("That launch credential is not valid or has expired: launch the course again.", 401)
    agent = platform_agent(user_id=grant.user_id)
    keys = {f"account:{agent['account']['homePage']}|{grant.user_id}"}
    authority = {
        "objectType": "Agent",
        "name": "Launched content",
        "account": {"homePage": f"{agent['account']['homePage']}/xapi", "name": "launch"},
    }
    return Client(None, grant.user_id, SESSION_SCOPES, authority, version, keys, grant)


def _alternate_unwrap(request: HttpRequest) -> None:
    """xAPI 1.0.3's alternate request syntax: a form POST carrying the method, headers and content.

    The form's header fields become headers, ``content`` the body, the rest the parameters;
    anything else in the query string is refused.
    """
    if request.method != "POST" or set(request.GET) != {"method"}:
        raise LrsError("Alternate request syntax is a POST with only ?method= in its address.")
    method = request.GET["method"].upper()
    if method not in ALTERNATE_METHODS:
        raise LrsError("Alternate request syntax: method must be GET, HEAD, PUT, POST or DELETE.")
    if (request.content_type or "") != "application/x-www-form-urlencoded":
        raise LrsError("Alternate request syntax sends an application/x-www-form-urlencoded form.")
    try:
        form = QueryDict(body_of(request, ALTERNATE_MAX_BODY).decode("utf-8"))
    except UnicodeDecodeError as bad:
        raise LrsError("The form is not UTF-8.") from bad
    params = QueryDict(mutable=True)
    meta = request.META
    meta["CONTENT_TYPE"] = "application/json"
    for name, value in form.lists():
        if name in ALTERNATE_HEADERS:
            meta[ALTERNATE_HEADERS[name]] = value[-1]
        elif name != "content":
            params.setlist(name, value)
    content = form.get("content")
    if method in {"PUT", "POST"} and content is None:
        raise LrsError("Alternate request syntax sends the body as the form's content field.")
    request._body = (content or "").encode("utf-8")
    meta["CONTENT_LENGTH"] = str(len(request._body))
    request.method = method
    request.GET = params
    request.__dict__.pop("headers", None)
    request.__dict__.pop("content_type", None)
    request._set_content_type_params(meta)


def lrs_view(methods: Iterable[str]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap an LRS resource: allowed methods, version header, caller, JSON errors, common headers."""
    allowed = frozenset(methods)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            version = "2.0.0"
            try:
                if request.method not in allowed:
                    response = error(f"{request.method} is not allowed here.", 405)
                    response["Allow"] = ", ".join(sorted(allowed))
                    return response
                alternate = "method" in request.GET
                if alternate:
                    _alternate_unwrap(request)
                version = version_of(request)
                if alternate and version.startswith("2."):
                    raise LrsError("xAPI 2.0 has no alternate request syntax: send the real method.")
                client = client_of(request, version)
                response = view(request, client, *args, **kwargs)
            except LrsError as refused:
                response = error(refused.message, refused.status, version)
                version = refused.version or version
                if refused.status == 401:
                    response["WWW-Authenticate"] = 'Basic realm="xAPI"'
            response[VERSION_HEADER] = version
            response["X-Experience-API-Consistent-Through"] = utc_iso(timezone.now())
            response["Cache-Control"] = "no-store"
            return response

        return wrapped

    return decorate


def params_only(request: HttpRequest, allowed: Iterable[str]) -> None:
    """Refuse a request naming any query parameter but those allowed (xAPI: 400, naming it)."""
    unknown = set(request.GET) - set(allowed)
    if unknown:
        raise LrsError(f"Unknown parameter '{sorted(unknown)[0][:40]}'.")


def refuse_unless(allowed: bool, message: str = "This credential may not do that.") -> None:
    if not allowed:
        raise LrsError(message, 403)
