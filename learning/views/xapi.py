"""The endpoints H5P players talk to: xAPI statements and saved player state.

Session authentication and Django's CSRF check (the player sends X-CSRFToken);
bodies are capped and parsed defensively; every refusal is a 4xx with a JSON
message. The learner is always the signed-in person, whatever the body says.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cms.core.request_body import BodyUnreadable, declared_length, json_decoded
from learning.selectors import ActivityUnavailable, player_state_get
from learning.services import (
    MAX_STATE_CHARS,
    StatementConflict,
    StatementInvalid,
    player_state_save,
    statement_record,
)
from learning.views.access import with_lesson_progress

logger = logging.getLogger(__name__)

MAX_STATEMENT_BODY = 64 * 1024
MAX_STATE_BODY = MAX_STATE_CHARS + 4 * 1024
STATEMENT_FIELDS = frozenset({"lesson_id", "block_id", "package_version_id", "statement"})
STATE_FIELDS = frozenset({"lesson_id", "block_id", "package_version_id", "state"})
BLOCK_ID = re.compile(r"^[A-Za-z0-9\-]{1,64}$")


class BadRequest(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def learner_endpoint(*methods: str) -> Callable[[Callable[..., JsonResponse]], Callable[..., JsonResponse]]:
    """A learner's JSON endpoint: never cached, only `methods` ("GET", "POST"), and a 401 JSON
    answer to anyone not signed in (checked after the method, as the view's own first step)."""

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
        @wraps(view)
        def signed_in_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            if refused := _signed_in(request):
                return refused
            return view(request, *args, **kwargs)

        return never_cache(require_http_methods(list(methods))(signed_in_view))

    return decorate


def _signed_in(request: HttpRequest) -> JsonResponse | None:
    if not request.user.is_authenticated:
        return _error("Sign in to record your progress.", 401)
    return None


def _json_body(request: HttpRequest, limit: int, fields: frozenset[str]) -> dict[str, Any]:
    """The body's JSON object, refused when it is not one or has a field other than `fields`."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise BadRequest("Send the body as application/json.", 415)
    try:
        if declared_length(request) > limit or len(request.body) > limit:
            raise BadRequest(f"The body is larger than {limit // 1024} KB.", 413)
        data = json_decoded(request.body)
    except BodyUnreadable as error:
        raise BadRequest(str(error)) from error
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    unknown = set(data) - fields
    if unknown:
        raise BadRequest(f"Unknown field '{sorted(unknown)[0][:40]}'.")
    return data


def _ids(data: dict[str, Any]) -> tuple[int, str, int | None]:
    lesson_id, block_id = data.get("lesson_id"), data.get("block_id")
    version_id = data.get("package_version_id")
    if isinstance(lesson_id, bool) or not isinstance(lesson_id, int) or not 0 < lesson_id < 2**31:
        raise BadRequest("lesson_id must be a lesson's id.")
    if not isinstance(block_id, str) or not BLOCK_ID.match(block_id):
        raise BadRequest("block_id must be the id of an H5P block.")
    if version_id is not None and (
        isinstance(version_id, bool) or not isinstance(version_id, int) or not 0 < version_id < 2**31
    ):
        raise BadRequest("package_version_id must be a package version's id.")
    return lesson_id, block_id, version_id


@learner_endpoint("POST")
def xapi_statement(request: HttpRequest) -> JsonResponse:
    """Record one statement: {lesson_id, block_id, package_version_id?, statement}."""
    try:
        data = _json_body(request, MAX_STATEMENT_BODY, STATEMENT_FIELDS)
        lesson_id, block_id, version_id = _ids(data)
        outcome = statement_record(
            user=request.user,
            lesson_id=lesson_id,
            block_id=block_id,
            statement=data.get("statement"),
            package_version_id=version_id,
        )
    except BadRequest as error:
        return _error(error.message, error.status)
    except StatementInvalid as error:
        logger.info("xAPI statement refused for user %s: %s", request.user.pk, error)
        return _error(str(error), 400)
    except ActivityUnavailable as error:
        return _error(str(error), 404)
    except StatementConflict as error:
        return _error(str(error), 409)
    answer: dict[str, Any] = {
        "id": outcome.statement_id,
        "stored": not outcome.duplicate,
        "duplicate": outcome.duplicate,
        "activity_completed": outcome.activity_completed,
        "newly_completed": outcome.newly_completed,
    }
    with_lesson_progress(
        answer,
        user=request.user,
        lesson_id=lesson_id,
        newly_completed=outcome.newly_completed,
        progress=outcome.progress,
        lesson=outcome.lesson,
    )
    return JsonResponse(answer, status=200 if outcome.duplicate else 201)


@learner_endpoint("GET", "POST")
def xapi_state(request: HttpRequest) -> JsonResponse:
    """GET ?lesson_id=&block_id= returns {"state": ...}; POST {lesson_id, block_id, state} saves it."""
    try:
        if request.method == "GET":
            try:
                lesson_id = int(request.GET.get("lesson_id", ""))
            except ValueError as error:
                raise BadRequest("lesson_id must be a lesson's id.") from error
            lesson_id, block_id, _ = _ids({"lesson_id": lesson_id, "block_id": request.GET.get("block_id")})
            return JsonResponse(
                {"state": player_state_get(user=request.user, lesson_id=lesson_id, block_id=block_id)}
            )
        data = _json_body(request, MAX_STATE_BODY, STATE_FIELDS)
        lesson_id, block_id, version_id = _ids(data)
        state = data.get("state")
        if not isinstance(state, str):
            raise BadRequest("state must be a string.")
        player_state_save(
            user=request.user,
            lesson_id=lesson_id,
            block_id=block_id,
            data=state,
            package_version_id=version_id,
        )
    except BadRequest as error:
        return _error(error.message, error.status)
    except StatementInvalid as error:
        return _error(str(error), 400)
    except ActivityUnavailable as error:
        return _error(str(error), 404)
    return JsonResponse({"saved": True})
