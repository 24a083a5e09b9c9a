"""Launching xAPI and cmi5 content from a lesson page, cmi5's fetch URL, and the block's status.

The launch is a form POST (session and CSRF) that redirects the new window to the
content with its launch parameters; the fetch URL is POSTed by the content itself, with
no session (the secret in its path is what authorises it, once); the status is what the
lesson page asks for when the learner comes back to it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from learning.selectors import ActivityUnavailable, xapi_activity_get, xapi_activity_state
from learning.services import FetchRefused, cmi5_fetch, xapi_launch
from learning.views.access import with_lesson_progress
from learning.views.xapi import BLOCK_ID, _error, learner_endpoint

MAX_ID = 2**31


def _lesson_and_block(values) -> tuple[int, str]:
    lesson_id, block_id = values.get("lesson_id", ""), values.get("block_id", "")
    if not lesson_id.isdigit() or not 0 < int(lesson_id) < MAX_ID or not BLOCK_ID.match(block_id):
        raise ValueError("lesson_id and block_id must name a lesson's block.")
    return int(lesson_id), block_id


@never_cache
@require_POST
def xapi_launch_view(request: HttpRequest) -> HttpResponse:
    """Form POST {lesson_id, block_id, au}: start a session and send the browser to the content."""
    if not request.user.is_authenticated:
        return HttpResponse("Sign in to launch this course.", status=401, content_type="text/plain")
    try:
        lesson_id, block_id = _lesson_and_block(request.POST)
        au = request.POST.get("au", "0")
        if not au.isdigit() or int(au) > 1000:
            raise ValueError("au must be the number of a part of the course.")
        outcome = xapi_launch(
            user=request.user,
            lesson_id=lesson_id,
            block_id=block_id,
            au_index=int(au),
            origin=request.build_absolute_uri("/"),
        )
    except ValueError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain")
    except ActivityUnavailable as error:
        return HttpResponse(str(error), status=404, content_type="text/plain")
    return HttpResponseRedirect(outcome.url, status=303)


@never_cache
@csrf_exempt
def xapi_fetch_view(request: HttpRequest, session_id: str, secret: str) -> HttpResponse:
    """cmi5 8.2: POST answers {"auth-token": ...} once; later calls answer the cmi5 error object.

    The spec asks for status 200 on errors too ("a valid request, including one that
    generates error"), with error-code 1 (used or expired) or 2 (invalid).
    """
    if request.method != "POST":
        response = JsonResponse(
            {"error-code": "3", "error-text": "The fetch URL takes POST only."}, status=405
        )
        response["Allow"] = "POST"
        return response
    try:
        token = cmi5_fetch(session_id=str(session_id), secret=secret)
    except FetchRefused as refused:
        return JsonResponse({"error-code": refused.code, "error-text": refused.reason})
    return JsonResponse({"auth-token": token})


@learner_endpoint("GET")
def xapi_status_view(request: HttpRequest) -> JsonResponse:
    """GET ?lesson_id=&block_id=: the learner's progress in the block, and the lesson's when complete."""
    try:
        lesson_id, block_id = _lesson_and_block(request.GET)
        xapi_activity_get(user=request.user, lesson_id=lesson_id, block_id=block_id)
    except ValueError as error:
        return _error(str(error), 400)
    except ActivityUnavailable as error:
        return _error(str(error), 404)
    state = xapi_activity_state(user=request.user, lesson_id=lesson_id, block_id=block_id)
    answer = {"activity_completed": state["completed"], "aus": state["aus"]}
    return JsonResponse(
        with_lesson_progress(
            answer, user=request.user, lesson_id=lesson_id, newly_completed=state["completed"]
        )
    )
