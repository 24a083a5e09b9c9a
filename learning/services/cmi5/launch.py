"""Launching xAPI (Tin Can) and cmi5 content, and the cmi5 fetch URL.

``xapi_launch`` is the one way content starts: it finds the lesson block (live, visible
to the person), the package's current ready version and the AU; keeps one registration
per person, block and package version (cmi5 9.6.1, kept across launches); abandons the
registration's previous sessions that never sent ``terminated`` (an ``abandoned``
statement each, cmi5 9.3.6); opens a session with its own restricted credential; writes
``LMS.LaunchData`` to the state store and a ``launched`` statement (cmi5 10, 9.3.1); and
answers the launch URL (cmi5 8.1; for Tin Can, the Rustici launch parameters).

``cmi5_fetch`` answers the session's auth-token once (cmi5 8.2).
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cms.people.models import User
from learning.models import Cmi5Registration, Cmi5Session
from learning.selectors.cmi5 import (
    LAUNCH_KEY_PREFIX,
    cmi5_au_activity_id,
    launch_hours,
    launch_secret_hash,
    xapi_activity_get,
)
from learning.selectors.lrs_keys import DocumentKey, agent_key, platform_agent
from learning.selectors.xapi import ActivityUnavailable
from learning.services.cmi5.common import (
    EXTENSION,
    LAUNCH_DATA,
    LAUNCHED,
    SESSION_ID,
    FetchRefused,
    LaunchOutcome,
    _abandon_previous,
    _lms_statement,
    _lms_store,
    _registration_locked,
    _satisfaction_apply,
)
from learning.services.lrs.documents import document_write
from modules.models import XapiPackage
from modules.xapi_packages.selectors import xapi_version_ready


def _token(session_id: uuid.UUID, secret: str) -> str:
    return base64.b64encode(f"{LAUNCH_KEY_PREFIX}{session_id.hex}:{secret}".encode()).decode()


def _launch_url(content_url: str, params: dict[str, str]) -> str:
    """The AU's url with the launch parameters merged into any query string it has (cmi5 13.1.4)."""
    parts = urlsplit(content_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return parts._replace(query=urlencode([*query, *params.items()])).geturl()


@transaction.atomic
def xapi_launch(
    *, user: User, lesson_id: int, block_id: str, au_index: int, origin: str, at: datetime | None = None
) -> LaunchOutcome:
    """Launch AU number ``au_index`` of the block's package for ``user``; answer where to go.

    ``origin`` is the site's scheme and host as the browser reached it (the endpoint and
    content urls are absolute, as launched content needs them). Raises ActivityUnavailable.
    """
    at = at or timezone.now()
    activity = xapi_activity_get(user=user, lesson_id=lesson_id, block_id=block_id)
    current = (
        XapiPackage.objects.filter(pk=activity.package_id).values_list("current_version", flat=True).first()
    )
    version = xapi_version_ready(version_id=current) if current else None
    if version is None or version["package_id"] != activity.package_id:
        raise ActivityUnavailable("That course is not available yet.")
    aus = version["aus"]
    if not 0 <= au_index < len(aus):
        raise ActivityUnavailable("That course has no such part.")
    au = aus[au_index]
    kind = version["kind"]
    registration, created = _registration_locked(user=user, activity=activity, version_id=version["pk"])
    _abandon_previous(registration=registration, kind=kind, user=user, at=at)
    activity_id = (
        cmi5_au_activity_id(package_id=version["package_id"], au_id=au["id"]) if kind == "cmi5" else au["id"]
    )
    session = Cmi5Session(
        registration=registration,
        au_id=au["id"],
        activity_id=activity_id,
        launch_mode=_launch_mode(registration=registration, au=au, kind=kind),
        launched_at=at,
        expires_at=at + timedelta(hours=launch_hours()),
    )
    actor = platform_agent(user_id=user.pk)
    reg = str(registration.registration)
    origin = origin.rstrip("/")
    endpoint = origin + reverse("xapi:about").removesuffix("about")
    url_path, _, url_query = au["url"].partition("?")
    content_url = (
        origin
        + reverse("modules:xapi_content", args=[activity.lesson.pk, block_id, version["pk"], url_path])
        + (f"?{url_query}" if url_query else "")
    )
    if kind == "cmi5":
        fetch_secret = secrets.token_urlsafe(24)
        session.fetch_hash = launch_secret_hash(fetch_secret)
        session.save()
        fetch = origin + reverse("learning:xapi_fetch", args=[session.session_id, fetch_secret])
        params = {
            "endpoint": endpoint,
            "fetch": fetch,
            "actor": json.dumps(actor, separators=(",", ":")),
            "registration": reg,
            "activityId": activity_id,
        }
        _launch_records(
            registration=registration,
            session=session,
            au=au,
            version=version,
            user=user,
            at=at,
            return_url=origin + (activity.lesson.url or "/"),
            content_url=content_url,
            created=created,
        )
    else:
        secret = secrets.token_urlsafe(32)
        session.token_hash = launch_secret_hash(secret)
        session.save()
        params = {
            "endpoint": endpoint,
            "auth": "Basic " + _token(session.session_id, secret),
            "actor": json.dumps(actor, separators=(",", ":")),
            "registration": reg,
            "activity_id": activity_id,
        }
    return LaunchOutcome(
        url=_launch_url(content_url, params),
        session_id=str(session.session_id),
        registration=reg,
        launch_method=au.get("launch_method") or "AnyWindow",
    )


def _launch_mode(*, registration: Cmi5Registration, au: dict[str, Any], kind: str) -> str:
    """Review for a cmi5 AU the learner has satisfied already (met its moveOn, or it was waived), so
    revisiting it cannot change its status (cmi5 10.2.2); Normal otherwise. A NotApplicable AU is
    satisfied from the start and nothing it sends counts, so it stays Normal."""
    satisfied = bool(registration.au_results.get(au["id"], {}).get("satisfied"))
    if kind == "cmi5" and satisfied and au.get("move_on") != "NotApplicable":
        return "Review"
    return "Normal"


def _launch_records(
    *,
    registration: Cmi5Registration,
    session: Cmi5Session,
    au: dict[str, Any],
    version: dict[str, Any],
    user: User,
    at: datetime,
    return_url: str,
    content_url: str,
    created: bool,
) -> None:
    """LMS.LaunchData in the state store, the ``launched`` statement, and moveOn at registration."""
    actor = platform_agent(user_id=user.pk)
    session_id = str(session.session_id)
    reg = str(registration.registration)
    launch_data: dict[str, Any] = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": au["id"]}]},
            "extensions": {SESSION_ID: session_id},
        },
        "launchMode": session.launch_mode,
        "moveOn": au["move_on"],
        "returnURL": return_url,
    }
    extensions: dict[str, Any] = {
        EXTENSION + "launchmode": session.launch_mode,
        EXTENSION + "launchurl": content_url,
        EXTENSION + "moveon": au["move_on"],
    }
    if au.get("mastery_score") is not None:
        launch_data["masteryScore"] = au["mastery_score"]
        extensions[EXTENSION + "masteryscore"] = au["mastery_score"]
    if au.get("launch_parameters"):
        launch_data["launchParameters"] = au["launch_parameters"]
        extensions[EXTENSION + "launchparameters"] = au["launch_parameters"]
    if au.get("entitlement_key"):
        launch_data["entitlementKey"] = {"courseStructure": au["entitlement_key"]}
    document_write(
        key=DocumentKey(
            kind="state",
            activity_id=session.activity_id,
            agent_key=agent_key(actor),
            registration=reg,
            document_id=LAUNCH_DATA,
        ),
        content=json.dumps(launch_data).encode(),
        content_type="application/json",
        merge=False,
        user_id=user.pk,
    )
    _lms_store(
        [
            _lms_statement(
                verb=LAUNCHED,
                display="launched",
                actor=actor,
                object_id=session.activity_id,
                object_type=None,
                registration=reg,
                session_id=session_id,
                publisher_id=au["id"],
                at=at,
                extensions=extensions,
            )
        ]
    )
    if created:
        for unit in version["aus"]:
            if unit["move_on"] == "NotApplicable":
                registration.au_results[unit["id"]] = {"satisfied": True}
        _satisfaction_apply(
            registration=registration, version=version, user=user, session_id=session_id, at=at
        )


def cmi5_fetch(*, session_id: str, secret: str, at: datetime | None = None) -> str:
    """The session's auth-token, answered once (cmi5 8.2); FetchRefused after that or if invalid."""
    at = at or timezone.now()
    try:
        session_uuid = uuid.UUID(session_id)
    except ValueError as bad:
        raise FetchRefused("2", "That fetch URL is not valid.") from bad
    with transaction.atomic():
        session = Cmi5Session.objects.select_for_update().filter(session_id=session_uuid).first()
        if (
            session is None
            or not session.fetch_hash
            or not secrets.compare_digest(session.fetch_hash, launch_secret_hash(secret))
        ):
            raise FetchRefused("2", "That fetch URL is not valid.")
        if session.fetched_at is not None:
            raise FetchRefused("1", "The authorization token has already been returned.")
        if session.expires_at <= at or session.abandoned_at or session.terminated_at:
            raise FetchRefused("1", "This launch session has ended; launch the course again.")
        token_secret = secrets.token_urlsafe(32)
        session.token_hash = launch_secret_hash(token_secret)
        session.fetched_at = at
        session.save(update_fields=["token_hash", "fetched_at"])
    return _token(session_uuid, token_secret)
