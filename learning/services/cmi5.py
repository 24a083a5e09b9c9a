"""Launching xAPI (Tin Can) and cmi5 content, and the rules its statements must keep.

``xapi_launch`` is the one way content starts: it finds the lesson block (live, visible
to the person), the package's current ready version and the AU; keeps one registration
per person, block and package version (cmi5 9.6.1, kept across launches); abandons the
registration's previous sessions that never sent ``terminated`` (an ``abandoned``
statement each, cmi5 9.3.6); opens a session with its own restricted credential; writes
``LMS.LaunchData`` to the state store and a ``launched`` statement (cmi5 10, 9.3.1); and
answers the launch URL (cmi5 8.1; for Tin Can, the Rustici launch parameters).

``cmi5_fetch`` answers the session's auth-token once (cmi5 8.2).

``launch_statements_store`` stores what the content posts to /xapi with its launch
credential: only for its learner and registration, about its own activity; for cmi5, the
"defined statement" rules that decide completion (see docs/xapi.md for the list). When
the AU's moveOn criteria (or, for Tin Can, the block's rule) are met, the LMS writes its
``satisfied`` statements and ``activity_complete`` runs, all in the same transaction as
the statement that met them.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cms.people.models import User
from learning.models import Cmi5Registration, Cmi5Session, XAPIStatement
from learning.selectors.cmi5 import (
    LAUNCH_KEY_PREFIX,
    LaunchGrant,
    XapiActivity,
    cmi5_au_activity_id,
    cmi5_structure_object_id,
    launch_hours,
    launch_secret_hash,
    xapi_activity_get,
)
from learning.selectors.lrs_keys import DocumentKey, agent_key, platform_account_home, platform_agent, utc_iso
from learning.selectors.xapi import ActivityUnavailable
from learning.services.lrs.documents import document_write
from learning.services.lrs.statements import AttachmentPart, lrs_statements_store
from learning.services.progress import ActivityNotFound, activity_complete
from modules.models import XapiPackage
from modules.xapi_packages.selectors import xapi_version_ready

__all__ = [
    "FetchRefused",
    "LaunchOutcome",
    "LaunchRefused",
    "cmi5_fetch",
    "launch_statements_store",
    "move_on_met",
    "xapi_launch",
]

ADL = "http://adlnet.gov/expapi/verbs/"
LAUNCHED, INITIALIZED, COMPLETED = ADL + "launched", ADL + "initialized", ADL + "completed"
PASSED, FAILED, TERMINATED = ADL + "passed", ADL + "failed", ADL + "terminated"
VOIDED = ADL + "voided"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
AU_VERBS = frozenset({INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED})
LMS_VERBS = frozenset({LAUNCHED, ABANDONED, WAIVED, SATISFIED})
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/"
SESSION_ID = EXTENSION + "sessionid"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
BLOCK_TYPE = "https://w3id.org/xapi/cmi5/activitytype/block"
XAPI_VERSION = "1.0.3"
LAUNCH_DATA = "LMS.LaunchData"


class LaunchRefused(PermissionError):
    """The launch credential may not record this (another actor, registration or activity,
    or a statement the cmi5 rules forbid): answered 403 with the reason."""


class FetchRefused(Exception):
    """The fetch URL will not give a token (cmi5 8.2.3): error-code 1 used or expired, 2 invalid."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


@dataclass(frozen=True)
class LaunchOutcome:
    url: str
    session_id: str
    registration: str
    launch_method: str


def _lms_authority() -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": "Learning platform",
        "account": {"homePage": f"{platform_account_home()}/xapi", "name": "platform"},
    }


def move_on_met(*, move_on: str, completed: bool, passed: bool) -> bool:
    """Whether an AU's moveOn criteria are met (cmi5 10.2.3; NotApplicable always is)."""
    if move_on == "Completed":
        return completed
    if move_on == "Passed":
        return passed
    if move_on == "CompletedAndPassed":
        return completed and passed
    if move_on == "CompletedOrPassed":
        return completed or passed
    return True


def _duration(seconds: float) -> str:
    return f"PT{max(seconds, 0):.2f}S"


def _lms_statement(
    *,
    verb: str,
    display: str,
    actor: dict[str, Any],
    object_id: str,
    object_type: str | None,
    registration: str,
    session_id: str,
    publisher_id: str,
    at: datetime,
    result: dict[str, Any] | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    activity: dict[str, Any] = {"objectType": "Activity", "id": object_id}
    if object_type:
        activity["definition"] = {"type": object_type}
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb, "display": {"en-US": display}},
        "object": activity,
        "context": {
            "registration": registration,
            "contextActivities": {"category": [{"id": CMI5_CATEGORY}], "grouping": [{"id": publisher_id}]},
            "extensions": {SESSION_ID: session_id, **(extensions or {})},
        },
        "timestamp": utc_iso(at),
    }
    if result:
        statement["result"] = result
    return statement


def _lms_store(statements: list[dict[str, Any]]) -> None:
    if statements:
        lrs_statements_store(
            statements=statements, credential=None, authority=_lms_authority(), version=XAPI_VERSION
        )


def _registration_locked(
    *, user: User, activity: XapiActivity, version_id: int
) -> tuple[Cmi5Registration, bool]:
    lookup = {
        "user": user,
        "lesson": activity.lesson,
        "block_id": activity.block_id,
        "package_version_id": version_id,
    }
    found = Cmi5Registration.objects.select_for_update().filter(**lookup).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return Cmi5Registration.objects.create(**lookup), True
    except IntegrityError:
        return Cmi5Registration.objects.select_for_update().get(**lookup), False


def _satisfaction_apply(
    *, registration: Cmi5Registration, version: dict[str, Any], user: User, session_id: str, at: datetime
) -> bool:
    """Issue ``satisfied`` for every block and the course whose AUs have all met moveOn, and
    complete the lesson activity when the course is satisfied. True if it newly completed."""
    results = registration.au_results
    done = {au["id"] for au in version["aus"] if results.get(au["id"], {}).get("satisfied")}
    statements = []
    actor = platform_agent(user_id=user.pk)
    reg = str(registration.registration)
    package_id = version["package_id"]
    if version["kind"] == "cmi5":
        for block in version["blocks"]:
            members = {au["id"] for au in version["aus"] if block["id"] in au.get("blocks", [])}
            if members and members <= done and block["id"] not in registration.satisfied_ids:
                registration.satisfied_ids.append(block["id"])
                statements.append(
                    _lms_statement(
                        verb=SATISFIED,
                        display="satisfied",
                        actor=actor,
                        object_id=cmi5_structure_object_id(
                            package_id=package_id, kind="block", publisher_id=block["id"]
                        ),
                        object_type=BLOCK_TYPE,
                        registration=reg,
                        session_id=session_id,
                        publisher_id=block["id"],
                        at=at,
                    )
                )
    all_done = {au["id"] for au in version["aus"]} <= done
    if all_done and version["course_id"] not in registration.satisfied_ids:
        registration.satisfied_ids.append(version["course_id"])
        if version["kind"] == "cmi5":
            statements.append(
                _lms_statement(
                    verb=SATISFIED,
                    display="satisfied",
                    actor=actor,
                    object_id=cmi5_structure_object_id(
                        package_id=package_id, kind="course", publisher_id=version["course_id"]
                    ),
                    object_type=COURSE_TYPE,
                    registration=reg,
                    session_id=session_id,
                    publisher_id=version["course_id"],
                    at=at,
                )
            )
    _lms_store(statements)
    newly = False
    if all_done and not registration.completed_activity:
        registration.completed_activity = True
        try:
            newly = activity_complete(
                user=user, lesson=registration.lesson, block_id=registration.block_id, at=at
            )
        except ActivityNotFound:
            newly = False  # the block left the lesson since launch: the record is kept, nothing completes
    registration.save(update_fields=["au_results", "satisfied_ids", "completed_activity"])
    return newly


def _abandon_previous(*, registration: Cmi5Registration, kind: str, user: User, at: datetime) -> None:
    """Close every earlier session of the registration that never terminated (cmi5 9.3.6)."""
    open_sessions = list(
        registration.sessions.select_for_update().filter(
            terminated_at__isnull=True, abandoned_at__isnull=True
        )
    )
    if not open_sessions:
        return
    statements = []
    for session in open_sessions:
        last = session.last_statement_at or session.launched_at
        if kind == "cmi5":
            statements.append(
                _lms_statement(
                    verb=ABANDONED,
                    display="abandoned",
                    actor=platform_agent(user_id=user.pk),
                    object_id=session.activity_id,
                    object_type=None,
                    registration=str(registration.registration),
                    session_id=str(session.session_id),
                    publisher_id=session.au_id,
                    at=at,
                    result={"duration": _duration((last - session.launched_at).total_seconds())},
                )
            )
    Cmi5Session.objects.filter(pk__in=[s.pk for s in open_sessions]).update(abandoned_at=at)
    _lms_store(statements)


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
        "launchMode": "Normal",
        "moveOn": au["move_on"],
        "returnURL": return_url,
    }
    extensions: dict[str, Any] = {
        EXTENSION + "launchmode": "Normal",
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


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _ids_in(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]


def _scope_check(statement: Any, *, grant: LaunchGrant) -> None:
    """A launch credential records its learner's statements in its registration, about its activity."""
    if not isinstance(statement, dict):
        return  # the data model check answers 400 for what is not a statement
    actor = statement.get("actor")
    if not isinstance(actor, dict) or agent_key(actor) != agent_key(platform_agent(user_id=grant.user_id)):
        raise LaunchRefused("This launch may record statements only for the learner it was launched for.")
    context = _dict(statement.get("context"))
    if str(context.get("registration", "")).lower() != grant.registration:
        raise LaunchRefused("A statement from launched content must carry the launch's registration.")
    target = statement.get("object")
    if not isinstance(target, dict) or target.get("objectType", "Activity") != "Activity":
        raise LaunchRefused("Launched content may record statements about activities only.")
    object_id = target.get("id")
    activities = _dict(context.get("contextActivities"))
    related = set(_ids_in(activities.get("parent"))) | set(_ids_in(activities.get("grouping")))
    if not isinstance(object_id, str) or not (
        object_id == grant.activity_id
        or object_id.startswith(grant.activity_id.rstrip("/") + "/")
        or grant.activity_id in related
    ):
        raise LaunchRefused(
            "A statement from launched content must be about the activity it was launched as."
        )
    verb = _dict(statement.get("verb"))
    if verb.get("id") == VOIDED:
        raise LaunchRefused("Launched content may not void statements.")


@dataclass
class _Progress:
    count: int
    verbs: set[str]
    initialized: bool
    terminated: bool
    completed: bool
    passed: bool
    failed: bool
    score: dict[str, Any] | None = None


def _cmi5_rule_check(
    statement: dict[str, Any], *, grant: LaunchGrant, mastery: float | None, state: _Progress
) -> None:
    """The cmi5 ordering and result rules that decide completion (see docs/xapi.md)."""
    verb = statement["verb"]["id"] if isinstance(statement.get("verb"), dict) else ""
    context = statement.get("context") or {}
    activities = _dict(context.get("contextActivities"))
    defined = CMI5_CATEGORY in _ids_in(activities.get("category"))
    name = verb.rsplit("/", 1)[-1]
    if state.terminated:
        raise LaunchRefused("This session has terminated: no statement may follow 'terminated' (cmi5 9.3.8).")
    if state.count == 0 and not (verb == INITIALIZED and defined):
        raise LaunchRefused(
            "The first statement of a cmi5 session must be the cmi5 'initialized' (cmi5 9.3.2)."
        )
    if not defined:
        state.count += 1
        return
    if verb in LMS_VERBS:
        raise LaunchRefused(f"Only the platform records '{name}' statements (cmi5 9.3).")
    if verb not in AU_VERBS:
        raise LaunchRefused(f"'{verb[:100]}' is not a cmi5 defined verb; leave out the cmi5 category.")
    if statement["object"].get("id") != grant.activity_id:
        raise LaunchRefused("A cmi5 defined statement's object must be the launched activityId (cmi5 9.4).")
    extensions = _dict(context.get("extensions"))
    if extensions.get(SESSION_ID) != grant.session_id:
        raise LaunchRefused("A cmi5 defined statement must carry this session's id (cmi5 9.6.3.1).")
    if verb in state.verbs:
        raise LaunchRefused(f"'{name}' was sent already in this session (cmi5 9.3).")
    if verb in (PASSED, FAILED) and state.verbs & {PASSED, FAILED}:
        raise LaunchRefused("A session may send only one of 'passed' and 'failed' (cmi5 9.3).")
    result = _dict(statement.get("result"))
    score = result.get("score") if isinstance(result.get("score"), dict) else None
    scaled = score.get("scaled") if score else None
    if score is not None and verb not in (PASSED, FAILED):
        raise LaunchRefused(f"A cmi5 '{name}' statement may not carry a score (cmi5 9.5.1).")
    if verb == COMPLETED:
        if state.completed:
            raise LaunchRefused("This AU was completed already in this registration (cmi5 9.3.3).")
        if result.get("completion") is not True:
            raise LaunchRefused("A cmi5 'completed' statement needs result.completion true (cmi5 9.5.3).")
        state.completed = True
    if verb == PASSED:
        if state.passed:
            raise LaunchRefused("This AU was passed already in this registration (cmi5 9.3.4).")
        if result.get("success") is not True:
            raise LaunchRefused("A cmi5 'passed' statement needs result.success true (cmi5 9.5.2).")
        if mastery is not None and isinstance(scaled, int | float) and scaled < mastery:
            raise LaunchRefused(f"A 'passed' score must reach the masteryScore {mastery} (cmi5 9.3.4).")
        state.passed = True
        state.score = score
    if verb == FAILED:
        if state.passed:
            raise LaunchRefused("'failed' may not follow 'passed' in a registration (cmi5 9.3).")
        if result.get("success") is not False:
            raise LaunchRefused("A cmi5 'failed' statement needs result.success false (cmi5 9.5.2).")
        if mastery is not None and isinstance(scaled, int | float) and scaled >= mastery:
            raise LaunchRefused(f"A 'failed' score must be below the masteryScore {mastery} (cmi5 9.3.5).")
        state.failed = True
    state.initialized = state.initialized or verb == INITIALIZED
    state.terminated = verb == TERMINATED
    state.verbs.add(verb)
    state.count += 1


def _tincan_rule(statement: dict[str, Any], *, grant: LaunchGrant, state: _Progress) -> None:
    """Tin Can: the block's rule is a completed (or passed) statement about the course activity."""
    state.count += 1
    if statement["object"].get("id") != grant.activity_id:
        return
    verb = statement["verb"]["id"]
    result = _dict(statement.get("result"))
    if (
        verb == COMPLETED
        or (verb == PASSED and result.get("success") is not False)
        or result.get("completion") is True
    ):
        state.completed = True
    if verb == PASSED or (verb == COMPLETED and result.get("success") is True):
        state.passed = True
        state.score = result.get("score") if isinstance(result.get("score"), dict) else None


def launch_statements_store(
    *,
    grant: LaunchGrant,
    statements: list[Any],
    version: str,
    authority: dict[str, Any],
    parts: dict[str, AttachmentPart] | None = None,
) -> list[str]:
    """Store statements content posted with its launch credential; answer their ids.

    Raises LaunchRefused (403: another learner, registration or activity, a closed session,
    or a cmi5 rule broken), StatementRejected (400) or StatementConflict409. All or nothing:
    the statements, the session's and registration's progress, the LMS's ``satisfied``
    statements and the lesson activity's completion commit together.
    """
    at = timezone.now()
    wanted = {
        str(s["id"]).lower() for s in statements if isinstance(s, dict) and isinstance(s.get("id"), str)
    }
    with transaction.atomic():
        session = (
            Cmi5Session.objects.select_for_update()
            .select_related("registration__user", "registration__lesson")
            .get(pk=grant.session_pk)
        )
        registration = session.registration
        if session.abandoned_at is not None:
            raise LaunchRefused(
                "This session was abandoned (the course was launched again); launch it again."
            )
        if session.terminated_at is not None and grant.kind == "cmi5":
            raise LaunchRefused(
                "This session has terminated: no statement may follow 'terminated' (cmi5 9.3.8)."
            )
        version_data = xapi_version_ready(version_id=registration.package_version_id)
        if version_data is None:
            raise LaunchRefused("This course version is no longer available.")
        au = next((unit for unit in version_data["aus"] if unit["id"] == session.au_id), None)
        if au is None:
            raise LaunchRefused("This course version no longer has that part.")
        for statement in statements:
            _scope_check(statement, grant=grant)
        existing = {
            str(value).lower()
            for value in XAPIStatement.objects.filter(
                statement_id__in=[w for w in wanted if _is_uuid(w)]
            ).values_list("statement_id", flat=True)
        }
        results = dict(registration.au_results.get(au["id"], {}))
        state = _Progress(
            count=session.statement_count,
            verbs=set(session.defined_verbs),
            initialized=session.initialized_at is not None,
            terminated=session.terminated_at is not None,
            completed=bool(results.get("completed")),
            passed=bool(results.get("passed")),
            failed=bool(results.get("failed")),
        )
        rule = _registration_rule(registration)
        for statement in statements:
            if not isinstance(statement, dict) or str(statement.get("id", "")).lower() in existing:
                continue
            if not isinstance(statement.get("verb"), dict) or not isinstance(statement.get("object"), dict):
                continue  # the data model check refuses it
            if grant.kind == "cmi5":
                _cmi5_rule_check(statement, grant=grant, mastery=au.get("mastery_score"), state=state)
            else:
                _tincan_rule(statement, grant=grant, state=state)
        ids = lrs_statements_store(
            statements=statements, credential=None, authority=authority, version=version, parts=parts
        )
        fields = {
            "statement_count": state.count,
            "defined_verbs": sorted(state.verbs),
            "last_statement_at": at,
            "initialized_at": session.initialized_at or (at if state.initialized else None),
            "terminated_at": session.terminated_at or (at if state.terminated else None),
        }
        Cmi5Session.objects.filter(pk=session.pk).update(**fields)
        if grant.kind == "cmi5":
            met = move_on_met(move_on=au["move_on"], completed=state.completed, passed=state.passed)
        else:
            met = state.passed if rule == "passed" else state.completed
        results.update(completed=state.completed, passed=state.passed, failed=state.failed)
        results["satisfied"] = bool(results.get("satisfied")) or met
        if results != registration.au_results.get(au["id"]):
            registration.au_results[au["id"]] = results
            _satisfaction_apply(
                registration=registration,
                version=version_data,
                user=registration.user,
                session_id=grant.session_id,
                at=at,
            )
    return ids


def _registration_rule(registration: Cmi5Registration) -> str:
    """The Tin Can completion rule of the registration's lesson block (cmi5 uses moveOn)."""
    for block in registration.lesson.body.raw_data:
        if block.get("id") == registration.block_id:
            return str((block.get("value") or {}).get("completion_rule") or "completed")
    return "completed"


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
