"""The endpoints the SCORM runtime (scorm-again on the lesson page) talks to.

Session authentication and Django's CSRF check; bodies are capped and parsed
defensively; every refusal is a 4xx with a JSON message. The learner is always the
signed-in person, whatever the body says.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, JsonResponse

from learning.selectors import ActivityUnavailable, scorm_resume_get
from learning.services import ActivityNotFound, CmiInvalid, scorm_commit
from learning.views.access import with_lesson_progress
from learning.views.xapi import BadRequest, _error, _ids, _json_body, learner_endpoint

MAX_COMMIT_BODY = 512 * 1024
SCO = re.compile(r"^[^\x00-\x1f]{1,255}$")
SESSION = re.compile(r"^[A-Za-z0-9\-]{8,64}$")
FIELDS = frozenset({"lesson_id", "block_id", "package_version_id", "sco", "session", "seq", "cmi"})


def _sco(value: object) -> str:
    if not isinstance(value, str) or not SCO.match(value):
        raise BadRequest("sco must be the identifier of an item of the course.")
    return value


def _version(version_id: int | None) -> int:
    if version_id is None:
        raise BadRequest("package_version_id must be a package version's id.")
    return version_id


@learner_endpoint("POST")
def scorm_commit_view(request: HttpRequest) -> JsonResponse:
    """Save a SCO's CMI data: {lesson_id, block_id, package_version_id, sco, session, seq, cmi}."""
    try:
        data = _json_body(request, MAX_COMMIT_BODY, FIELDS)
        lesson_id, block_id, version_id = _ids(data)
        session, seq = data.get("session"), data.get("seq")
        if not isinstance(session, str) or not SESSION.match(session):
            raise BadRequest("session must be the page's session id.")
        if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq < 2**31:
            raise BadRequest("seq must be the commit's number.")
        outcome = scorm_commit(
            user=request.user,
            lesson_id=lesson_id,
            block_id=block_id,
            package_version_id=_version(version_id),
            sco=_sco(data.get("sco")),
            session=session,
            seq=seq,
            cmi=data.get("cmi"),  # type: ignore[arg-type]
        )
    except BadRequest as error:
        return _error(error.message, error.status)
    except CmiInvalid as error:
        return _error(str(error), 400)
    except (ActivityUnavailable, ActivityNotFound) as error:
        return _error(str(error), 404)
    answer: dict[str, object] = {
        "saved": True,
        "duplicate": outcome.duplicate,
        "sco_completed": outcome.sco_completed,
        "activity_completed": outcome.activity_completed,
        "newly_completed": outcome.newly_completed,
    }
    with_lesson_progress(
        answer, user=request.user, lesson_id=lesson_id, newly_completed=outcome.newly_completed
    )
    return JsonResponse(answer)


@learner_endpoint("GET")
def scorm_resume_view(request: HttpRequest) -> JsonResponse:
    """GET ?lesson_id=&block_id=&package_version_id=&sco=: what the SCO starts (or resumes) with."""
    try:
        try:
            lesson_id = int(request.GET.get("lesson_id", ""))
            version_id = int(request.GET.get("package_version_id", ""))
        except ValueError as error:
            raise BadRequest("lesson_id and package_version_id must be ids.") from error
        lesson_id, block_id, checked_version = _ids(
            {
                "lesson_id": lesson_id,
                "block_id": request.GET.get("block_id"),
                "package_version_id": version_id,
            }
        )
        state = scorm_resume_get(
            user=request.user,
            lesson_id=lesson_id,
            block_id=block_id,
            version_id=_version(checked_version),
            sco=_sco(request.GET.get("sco")),
        )
    except BadRequest as error:
        return _error(error.message, error.status)
    except ActivityUnavailable as error:
        return _error(str(error), 404)
    return JsonResponse(state)
