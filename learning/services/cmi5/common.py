"""cmi5 and xAPI launches: the vocabulary, the LMS's own statements, registrations and satisfaction.

Shared by the launch (``launch``) and the launched content's statements (``statements``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from cms.core.errors import Refusal
from cms.people.models import User
from learning.models import Cmi5Registration, Cmi5Session
from learning.selectors.cmi5 import (
    XapiActivity,
    cmi5_structure_object_id,
)
from learning.selectors.lrs_keys import platform_account_home, platform_agent, utc_iso
from learning.services.lrs.statements import lrs_statements_store
from learning.services.progress import ActivityNotFound, activity_complete

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


class FetchRefused(Refusal):
    """The fetch URL will not give a token (cmi5 8.2.3): error-code 1 used or expired, 2 invalid;
    `reason` is the error-text."""


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

    def satisfied(*, kind: str, object_type: str, publisher_id: str) -> dict[str, Any]:
        """The LMS's `satisfied` statement for a block or the course of this registration."""
        return _lms_statement(
            verb=SATISFIED,
            display="satisfied",
            actor=actor,
            object_id=cmi5_structure_object_id(package_id=package_id, kind=kind, publisher_id=publisher_id),
            object_type=object_type,
            registration=reg,
            session_id=session_id,
            publisher_id=publisher_id,
            at=at,
        )

    if version["kind"] == "cmi5":
        for block in version["blocks"]:
            members = {au["id"] for au in version["aus"] if block["id"] in au.get("blocks", [])}
            if members and members <= done and block["id"] not in registration.satisfied_ids:
                registration.satisfied_ids.append(block["id"])
                statements.append(satisfied(kind="block", object_type=BLOCK_TYPE, publisher_id=block["id"]))
    all_done = {au["id"] for au in version["aus"]} <= done
    if all_done and version["course_id"] not in registration.satisfied_ids:
        registration.satisfied_ids.append(version["course_id"])
        if version["kind"] == "cmi5":
            statements.append(
                satisfied(kind="course", object_type=COURSE_TYPE, publisher_id=version["course_id"])
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
