"""Writes for SCORM tracking: commits of CMI data, and completion when the rule is met.

``scorm_commit`` is the one path a commit takes: it finds the activity (live lesson,
SCORM block, visible to the person, the version and SCO belonging to it), validates
the CMI data against the SCORM data model, saves it on the person's current attempt at
that SCO (the learner is the signed-in person, never the body; a new attempt starts on a
new page session when the last is finished and the rule allows it), and when every SCO
of the package meets the block's rule in the person's current cycle calls
``activity_complete`` in the same transaction. Commits are idempotent: a commit already
applied (same page session, same or older number) changes nothing, nor does a late commit
from the page session of an attempt that has since given way to a new one. Queries per
commit do not grow with the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.people.models import User
from learning.models import ScormAttempt
from learning.selectors.scorm import (
    ScormActivity,
    scorm_activity_get,
    scorm_attempt_finished,
    scorm_cycle_now,
    scorm_new_attempt_due,
    scorm_version_for,
)
from learning.services.progress import activity_complete
from learning.services.scorm_cmi import Cmi, CmiInvalid, cmi_validate

__all__ = ["CmiInvalid", "ScormCommitOutcome", "scorm_commit", "scorm_rule_met"]


@dataclass(frozen=True)
class ScormCommitOutcome:
    duplicate: bool
    sco_completed: bool
    activity_completed: bool
    newly_completed: bool


def _percent(cmi: Cmi) -> float | None:
    if cmi.score_scaled is not None:
        return cmi.score_scaled * 100
    if cmi.score_raw is None:
        return None
    if cmi.score_max is not None and cmi.score_max > (cmi.score_min or 0):
        low = cmi.score_min or 0
        return (cmi.score_raw - low) / (cmi.score_max - low) * 100
    return cmi.score_raw


def scorm_rule_met(*, rule: str, pass_mark: int | None, version: str, item: dict[str, Any], cmi: Cmi) -> bool:
    """Whether one SCO's data meets the block's rule.

    Completed: 1.2 lesson_status completed or passed; 2004 completion_status completed.
    Passed: with the block's pass mark, the score (scaled, else raw within min and max,
    else raw as per cent) reaches it; else with the manifest's mastery score (1.2) or
    scaled passing score (2004), the score reaches that; else the SCO reports passed.
    """
    if version == "1.2":
        completed = cmi.completion_status in {"completed", "passed"}
    else:
        completed = cmi.completion_status == "completed"
    percent = _percent(cmi)
    mastery = item.get("mastery_score")
    scaled_passing = item.get("scaled_passing_score")
    if pass_mark is not None:
        passed = percent is not None and percent >= pass_mark - 1e-9
    elif version == "1.2" and mastery is not None and cmi.score_raw is not None:
        passed = cmi.score_raw >= mastery
    elif version != "1.2" and scaled_passing is not None and cmi.score_scaled is not None:
        passed = cmi.score_scaled >= scaled_passing
    else:
        passed = cmi.success_status == "passed"
    if rule == "passed":
        return passed
    if rule == "completed_and_passed":
        return completed and passed
    return completed


class _Cycle:
    """The person's current cycle in the lesson's module, read only when a commit needs it."""

    def __init__(self, *, user: User, activity: ScormActivity) -> None:
        self._user, self._activity, self._value = user, activity, 0

    def __call__(self) -> int:
        if not self._value:
            self._value = scorm_cycle_now(user=self._user, lesson=self._activity.lesson)
        return self._value


def _attempt_locked(
    *, user: User, activity: ScormActivity, version_id: int, sco: str, session: str, cycle: _Cycle
) -> ScormAttempt | None:
    """The attempt this commit writes to, locked (None for a late commit of a superseded attempt).

    The latest attempt, unless this is a new page session and that attempt is finished and the
    rule allows another (scorm_new_attempt_due): then the next-numbered attempt, created here.
    The cycle is read only for a first or finished attempt, so a commit mid-course costs no more.
    """
    lookup = {
        "user": user,
        "lesson": activity.lesson,
        "block_id": activity.block_id,
        "package_version_id": version_id,
        "sco": sco,
    }
    latest = list(ScormAttempt.objects.select_for_update().filter(**lookup).order_by("-number")[:2])
    attempt = latest[0] if latest else None
    if (
        attempt is not None
        and attempt.session_key != session
        and any(older.session_key == session for older in latest[1:])
    ):
        return None
    if attempt is not None:
        if (
            attempt.session_key == session
            or not scorm_attempt_finished(attempt)
            or not scorm_new_attempt_due(attempt=attempt, cycle=cycle())
        ):
            return attempt
        number = attempt.number + 1
    else:
        number = 1
    try:
        with transaction.atomic():
            return ScormAttempt.objects.create(**lookup, number=number, cycle=cycle())
    except IntegrityError:  # a concurrent commit opened it first
        return ScormAttempt.objects.select_for_update().get(**lookup, number=number)


@transaction.atomic
def scorm_commit(
    *,
    user: User,
    lesson_id: int,
    block_id: str,
    package_version_id: int,
    sco: str,
    session: str,
    seq: int,
    cmi: dict[str, Any],
    at: datetime | None = None,
) -> ScormCommitOutcome:
    """Validate and save one commit from a SCO for the signed-in `user`.

    Raises CmiInvalid (a value the data model does not allow) or ActivityUnavailable
    (no such live lesson, block, version or SCO, or not visible to the person).
    """
    at = at or timezone.now()
    activity = scorm_activity_get(user=user, lesson_id=lesson_id, block_id=block_id)
    version = scorm_version_for(activity=activity, version_id=package_version_id, sco=sco)
    parsed = cmi_validate(version=version["scorm_version"], data=cmi)
    cycle = _Cycle(user=user, activity=activity)
    attempt = _attempt_locked(
        user=user, activity=activity, version_id=package_version_id, sco=sco, session=session, cycle=cycle
    )
    if attempt is None:
        return ScormCommitOutcome(True, False, False, False)
    if attempt.session_key == session and seq <= attempt.commit_seq:
        return ScormCommitOutcome(True, attempt.completed_activity, attempt.completed_activity, False)
    if attempt.session_key != session:
        attempt.total_before_session = attempt.total_seconds
    met = scorm_rule_met(
        rule=activity.completion_rule,
        pass_mark=activity.pass_mark,
        version=version["scorm_version"],
        item=version["item"],
        cmi=parsed,
    )
    sco_completed = attempt.completed_activity or met
    fields = {
        "completion_status": parsed.completion_status or attempt.completion_status,
        "success_status": parsed.success_status or attempt.success_status,
        "score_raw": parsed.score_raw,
        "score_min": parsed.score_min,
        "score_max": parsed.score_max,
        "score_scaled": parsed.score_scaled,
        "location": parsed.location,
        "suspend_data": parsed.suspend_data,
        "exit": parsed.exit,
        "session_seconds": parsed.session_seconds,
        "total_seconds": attempt.total_before_session + parsed.session_seconds,
        "total_before_session": attempt.total_before_session,
        "session_key": session,
        "commit_seq": seq,
        "cmi": parsed.values,
        "completed_activity": sco_completed,
        "updated_at": at,
    }
    if met and not attempt.completed_activity:
        # An attempt begun in an earlier cycle and finished in this one counts for this one.
        fields["cycle"] = cycle()
    for name, value in fields.items():
        setattr(attempt, name, value)
    attempt.save(update_fields=list(fields))
    if not sco_completed:
        return ScormCommitOutcome(False, False, False, False)
    sco_ids = {item["identifier"] for item in version["scos"] if item.get("sco")}
    done = set(
        ScormAttempt.objects.filter(
            user=user,
            lesson_id=lesson_id,
            block_id=block_id,
            package_version_id=package_version_id,
            cycle=cycle(),
            completed_activity=True,
        ).values_list("sco", flat=True)
    )
    if not sco_ids <= done:
        return ScormCommitOutcome(False, True, False, False)
    newly = activity_complete(
        user=user,
        lesson=activity.lesson,
        block_id=block_id,
        score=parsed.score_raw,
        max_score=parsed.score_max,
        at=at,
    )
    return ScormCommitOutcome(False, True, True, newly)
