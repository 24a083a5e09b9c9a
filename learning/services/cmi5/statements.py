"""What launched content posts to /xapi with its launch credential, and the rules it must keep.

``launch_statements_store`` stores what the content posts to /xapi with its launch
credential: only for its learner and registration, about its own activity; for cmi5, the
"defined statement" rules that decide completion (see docs/xapi.md for the list). When
the AU's moveOn criteria (or, for Tin Can, the block's rule) are met, the LMS writes its
``satisfied`` statements and ``activity_complete`` runs, all in the same transaction as
the statement that met them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from learning.models import Cmi5Registration, Cmi5Session, XAPIStatement
from learning.selectors.cmi5 import (
    LaunchGrant,
)
from learning.selectors.lrs_keys import agent_key, platform_agent
from learning.services.cmi5.common import (
    AU_VERBS,
    CMI5_CATEGORY,
    COMPLETED,
    FAILED,
    INITIALIZED,
    LMS_VERBS,
    PASSED,
    SESSION_ID,
    TERMINATED,
    VOIDED,
    LaunchRefused,
    _satisfaction_apply,
    move_on_met,
)
from learning.services.lrs.statements import AttachmentPart, lrs_statements_store
from modules.xapi_packages.selectors import xapi_version_ready


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
    launch_mode: str = "Normal"


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
    if state.launch_mode != "Normal" and verb not in (INITIALIZED, TERMINATED):
        raise LaunchRefused(
            f"This part was launched in {state.launch_mode} mode: only 'initialized' and 'terminated' "
            "may be sent (cmi5 10.2.2)."
        )
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
            launch_mode=session.launch_mode,
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
