"""Reads for launched xAPI and cmi5 content: the lesson block, the activity ids the platform
issues, and who a launch credential is.

A launch credential is HTTP basic ``launch.<session hex>:<secret>``; the key's prefix
sends it here instead of to ``LrsCredential`` (one string test on the basic-credential
path). It is valid for its session's learner, registration and AU activity until the
session expires (at most ``XAPI_LAUNCH_HOURS``, 8 hours by default).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from cms.people.models import User
from learning.models import Cmi5Registration, Cmi5Session
from learning.selectors.lrs_keys import platform_account_home
from learning.selectors.xapi import ActivityUnavailable, _lesson_for
from modules.models import LessonPage, ModulePage, XapiPackage
from modules.selectors import module_lessons_live
from modules.xapi_packages.selectors import xapi_version_ready

__all__ = [
    "LAUNCH_KEY_PREFIX",
    "Cmi5ModuleBlock",
    "LaunchGrant",
    "XapiActivity",
    "cmi5_au_activity_id",
    "cmi5_module_blocks",
    "cmi5_structure_object_id",
    "cmi5_waivable_aus",
    "launch_grant_authenticate",
    "launch_hours",
    "launch_secret_hash",
    "xapi_activity_get",
    "xapi_activity_state",
]

XAPI_BLOCK_TYPE = "xapi_activity"
LAUNCH_KEY_PREFIX = "launch."
MAX_LAUNCH_HOURS = 8


@dataclass(frozen=True)
class XapiActivity:
    lesson: LessonPage
    block_id: str
    package_id: int
    completion_rule: str
    required: bool


@dataclass(frozen=True)
class LaunchGrant:
    """What a launch credential allows: this learner, registration and activity, until expiry."""

    session_pk: int
    session_id: str
    user_id: int
    registration: str
    activity_id: str
    kind: str
    expires_at: datetime


def launch_hours() -> int:
    """How long a launch credential lasts: settings.XAPI_LAUNCH_HOURS, never more than 8."""
    hours = getattr(settings, "XAPI_LAUNCH_HOURS", MAX_LAUNCH_HOURS)
    return max(1, min(int(hours), MAX_LAUNCH_HOURS))


def launch_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def cmi5_au_activity_id(*, package_id: int, au_id: str) -> str:
    """The activity id the platform issues for an AU (cmi5 8.1.5: not the publisher's id, the same
    for every launch and registration of that AU of that package)."""
    return f"{platform_account_home()}/xapi/activities/package/{package_id}/au/{_digest(au_id)}"


def cmi5_structure_object_id(*, package_id: int, kind: str, publisher_id: str) -> str:
    """The platform's id for a cmi5 course or block object (9.4: not the publisher's id)."""
    return f"{platform_account_home()}/xapi/activities/package/{package_id}/{kind}/{_digest(publisher_id)}"


def xapi_activity_get(*, user: User, lesson_id: int, block_id: str) -> XapiActivity:
    """The live lesson's xAPI / cmi5 block with that id, if this person may see it."""
    lesson = _lesson_for(user=user, lesson_id=lesson_id)
    for block in lesson.body.raw_data:
        if block.get("id") == block_id and block.get("type") == XAPI_BLOCK_TYPE:
            value: dict[str, Any] = block.get("value") or {}
            package_id = value.get("package")
            if not isinstance(package_id, int):
                break
            return XapiActivity(
                lesson=lesson,
                block_id=block_id,
                package_id=package_id,
                completion_rule=value.get("completion_rule") or "completed",
                required=value.get("required", True) is not False,
            )
    raise ActivityUnavailable("That lesson has no such xAPI or cmi5 course.")


def xapi_activity_state(*, user: User, lesson_id: int, block_id: str) -> dict[str, Any]:
    """Where the learner is in the block's current registrations: per AU, and whether it is complete."""
    rows = list(
        Cmi5Registration.objects.filter(user=user, lesson_id=lesson_id, block_id=block_id)
        .order_by("-created_at")
        .values("au_results", "completed_activity")[:1]
    )
    if not rows:
        return {"completed": False, "aus": {}}
    return {"completed": rows[0]["completed_activity"], "aus": rows[0]["au_results"]}


def launch_grant_authenticate(*, key: str, secret: str) -> LaunchGrant | None:
    """The live launch session a ``launch.<hex>`` key and secret name, or None (one query)."""
    try:
        session_uuid = uuid.UUID(hex=key[len(LAUNCH_KEY_PREFIX) :])
    except ValueError:
        return None
    if not secret or len(secret) > 200:
        return None
    row = (
        Cmi5Session.objects.filter(session_id=session_uuid, expires_at__gt=timezone.now())
        .exclude(token_hash="")
        .values(
            "pk",
            "token_hash",
            "activity_id",
            "expires_at",
            "registration__user_id",
            "registration__registration",
            "registration__package_version__kind",
        )
        .first()
    )
    if row is None or not hmac.compare_digest(row["token_hash"], launch_secret_hash(secret)):
        return None
    return LaunchGrant(
        session_pk=row["pk"],
        session_id=str(session_uuid),
        user_id=row["registration__user_id"],
        registration=str(row["registration__registration"]),
        activity_id=row["activity_id"],
        kind=row["registration__package_version__kind"],
        expires_at=row["expires_at"],
    )


@dataclass(frozen=True)
class Cmi5ModuleBlock:
    """A cmi5 course placed in one of a module's live lessons, at its current ready version."""

    activity: XapiActivity
    version: dict[str, Any]


def cmi5_module_blocks(*, module: ModulePage) -> list[Cmi5ModuleBlock]:
    """Every cmi5 course block of the module's live lessons whose package has a ready version."""
    found = []
    for lesson in module_lessons_live(module=module):
        for block in lesson.body.raw_data:
            value: dict[str, Any] = block.get("value") or {}
            if block.get("type") != XAPI_BLOCK_TYPE or not isinstance(value.get("package"), int):
                continue
            current = (
                XapiPackage.objects.filter(pk=value["package"])
                .values_list("current_version", flat=True)
                .first()
            )
            version = xapi_version_ready(version_id=current) if current else None
            if version is None or version["kind"] != "cmi5":
                continue
            activity = XapiActivity(
                lesson=lesson,
                block_id=str(block.get("id")),
                package_id=value["package"],
                completion_rule=value.get("completion_rule") or "completed",
                required=value.get("required", True) is not False,
            )
            found.append(Cmi5ModuleBlock(activity=activity, version=version))
    return found


def cmi5_waivable_aus(*, user: User, module: ModulePage) -> list[tuple[str, str, str]]:
    """(lesson title, course title, AU title) of every AU of the module's cmi5 courses the person
    has not yet satisfied: what recording the module as completed elsewhere would waive."""
    blocks = cmi5_module_blocks(module=module)
    results = {
        (row["lesson_id"], row["block_id"], row["package_version_id"]): row["au_results"]
        for row in Cmi5Registration.objects.filter(
            user=user, lesson_id__in={b.activity.lesson.pk for b in blocks}
        ).values("lesson_id", "block_id", "package_version_id", "au_results")
    }
    waivable = []
    for block in blocks:
        done = results.get((block.activity.lesson.pk, block.activity.block_id, block.version["pk"]), {})
        for au in block.version["aus"]:
            if au.get("move_on") != "NotApplicable" and not done.get(au["id"], {}).get("satisfied"):
                waivable.append((block.activity.lesson.title, block.version["course_title"], au["title"]))
    return waivable
