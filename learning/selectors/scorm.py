"""Reads for SCORM tracking: the activity a commit is about, and what a SCO resumes with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cms.people.models import User
from learning.models import ModuleProgress, ScormAttempt
from learning.selectors.xapi import ActivityUnavailable, PackageActivity
from modules.models import LessonPage
from modules.scorm.selectors import scorm_version_ready
from modules.selectors import module_parent_id

__all__ = [
    "ScormActivity",
    "scorm_activity_get",
    "scorm_attempt_current",
    "scorm_attempt_finished",
    "scorm_attempts_for",
    "scorm_cycle_now",
    "scorm_interaction_counts",
    "scorm_new_attempt_due",
    "scorm_percent",
    "scorm_resume_get",
    "scorm_version_for",
]

SCORM_BLOCK_TYPE = "scorm_activity"


@dataclass(frozen=True)
class ScormActivity(PackageActivity):
    block_type = SCORM_BLOCK_TYPE
    default_rule = "completed"
    unavailable = "That lesson has no such SCORM course."


def scorm_activity_get(*, user: User, lesson_id: int, block_id: str) -> ScormActivity:
    """The live lesson's SCORM block with that id, if this person may see it."""
    return ScormActivity.for_block(user=user, lesson_id=lesson_id, block_id=block_id)


def scorm_version_for(*, activity: ScormActivity, version_id: int, sco: str) -> dict[str, Any]:
    """The ready version the learner plays and the manifest item `sco`, if both belong to the block."""
    version = scorm_version_ready(version_id=version_id)
    if version is None or version["package_id"] != activity.package_id:
        raise ActivityUnavailable("That course version is not available.")
    item = next((item for item in version["scos"] if item.get("identifier") == sco), None)
    if item is None or not item.get("sco"):
        raise ActivityUnavailable("That course has no such part.")
    return {**version, "item": item}


# 1.2 lesson_status and 2004 completion/success values that end an attempt.
FINISHED_COMPLETION = frozenset({"completed", "passed", "failed"})
FINISHED_SUCCESS = frozenset({"passed", "failed"})


def scorm_attempt_finished(attempt: ScormAttempt) -> bool:
    """Whether the SCO reported the attempt over: completed, passed or failed (or it met the rule)."""
    return (
        attempt.completed_activity
        or attempt.completion_status in FINISHED_COMPLETION
        or attempt.success_status in FINISHED_SUCCESS
    )


def scorm_cycle_now(*, user: User, lesson: LessonPage) -> int:
    """The person's current cycle in the lesson's module (1 before they start it)."""
    module_id = module_parent_id(lesson=lesson)
    cycle = (
        ModuleProgress.objects.filter(user=user, module_id=module_id).values_list("cycle", flat=True).first()
    )
    return cycle or 1


def scorm_new_attempt_due(*, attempt: ScormAttempt | None, cycle: int) -> bool:
    """Whether the next launch starts a new attempt rather than reopening `attempt`.

    Only a finished attempt gives way, and only when the rule allows another: the person is in a
    later cycle (recertification asks for the course again), or the attempt finished without
    meeting the block's rule (a failed test may be taken again). A finished attempt that met the
    rule in the current cycle is reopened as it was (review).
    """
    if attempt is None or not scorm_attempt_finished(attempt):
        return False
    return attempt.cycle < cycle or not attempt.completed_activity


def scorm_attempt_current(
    *, user: User, lesson_id: int, block_id: str, version_id: int, sco: str
) -> ScormAttempt | None:
    """The person's latest attempt at the SCO (None before the first)."""
    return (
        ScormAttempt.objects.filter(
            user=user, lesson_id=lesson_id, block_id=block_id, package_version_id=version_id, sco=sco
        )
        .order_by("-number")
        .first()
    )


def scorm_resume_get(
    *, user: User, lesson_id: int, block_id: str, version_id: int, sco: str
) -> dict[str, Any]:
    """What the runtime starts a SCO with: the learner, the manifest's data and any saved attempt."""
    activity = scorm_activity_get(user=user, lesson_id=lesson_id, block_id=block_id)
    version = scorm_version_for(activity=activity, version_id=version_id, sco=sco)
    attempt = scorm_attempt_current(
        user=user, lesson_id=lesson_id, block_id=block_id, version_id=version_id, sco=sco
    )
    number = attempt.number if attempt else 1
    if attempt is not None and scorm_new_attempt_due(
        attempt=attempt, cycle=scorm_cycle_now(user=user, lesson=activity.lesson)
    ):
        number = attempt.number + 1
        attempt = None
    item = version["item"]
    return {
        "version": version["scorm_version"],
        "learner_id": str(user.pk),
        "learner_name": user.get_full_name() or user.get_username(),
        "item": item,
        "resume": attempt is not None and attempt.exit == "suspend",
        "completion_status": attempt.completion_status if attempt else "",
        "success_status": attempt.success_status if attempt else "",
        "location": attempt.location if attempt else "",
        "suspend_data": attempt.suspend_data if attempt else "",
        "total_seconds": attempt.total_seconds if attempt else 0.0,
        "score_raw": attempt.score_raw if attempt else None,
        "completed": bool(attempt and attempt.completed_activity),
        "attempt": number,
    }


def scorm_attempts_for(*, user: User, lesson_id: int, block_id: str) -> list[ScormAttempt]:
    """A person's attempts at one SCORM block, every version and SCO, newest first."""
    return list(
        ScormAttempt.objects.filter(user=user, lesson_id=lesson_id, block_id=block_id).order_by(
            "-updated_at", "-number"
        )
    )


MISSED_RESULTS = frozenset({"wrong", "incorrect"})


@dataclass(frozen=True)
class ScormPackageResults:
    """L&D's view of one package: how many took it, completed, passed, scored, and what they missed."""

    learners: int
    attempts: int
    completed: int
    passed: int
    average_score: float | None
    missed: list[tuple[str, int, int]]  # (interaction id, times missed, times answered), most missed first

    @property
    def completion_rate(self) -> float:
        return self.completed / self.attempts if self.attempts else 0.0

    @property
    def pass_rate(self) -> float:
        return self.passed / self.attempts if self.attempts else 0.0


def scorm_percent(
    raw: float | None, low: float | None, high: float | None, scaled: float | None
) -> float | None:
    """A score as per cent: scaled, else raw within min and max, else raw as it is."""
    if scaled is not None:
        return scaled * 100
    if raw is None:
        return None
    if high is not None and high > (low or 0):
        return (raw - (low or 0)) / (high - (low or 0)) * 100
    return raw


def _interaction_results(cmi: dict[str, Any] | None) -> Iterator[tuple[str, str]]:
    """(interaction id, result) for each interaction of an attempt's CMI data that has both."""
    for element, value in (cmi or {}).items():
        if not element.endswith(".result") or element.count(".") != 3:
            continue
        interaction = (cmi or {}).get(element.removesuffix("result") + "id")
        if interaction:
            yield interaction, value


def scorm_interaction_counts(cmi: dict[str, Any] | None) -> tuple[int, int]:
    """How many interactions an attempt answered, and how many of those it got wrong."""
    results = [result for _interaction, result in _interaction_results(cmi)]
    return len(results), sum(1 for result in results if result in MISSED_RESULTS)


def scorm_package_results(*, package_id: int) -> ScormPackageResults:
    """Every version's attempts at a package, per SCO (one query, however many learners)."""
    rows = list(
        ScormAttempt.objects.filter(package_version__package_id=package_id).values_list(
            "user_id",
            "completed_activity",
            "success_status",
            "score_raw",
            "score_min",
            "score_max",
            "score_scaled",
            "cmi",
        )
    )
    scores = [
        percent
        for *_rest, raw, low, high, scaled, _cmi in rows
        if (percent := scorm_percent(raw, low, high, scaled)) is not None
    ]
    answered: dict[str, int] = {}
    missed: dict[str, int] = {}
    for *_rest, cmi in rows:
        for interaction, result in _interaction_results(cmi):
            answered[interaction] = answered.get(interaction, 0) + 1
            if result in MISSED_RESULTS:
                missed[interaction] = missed.get(interaction, 0) + 1
    most_missed = sorted(
        ((interaction, count, answered[interaction]) for interaction, count in missed.items()),
        key=lambda row: (-row[1], row[0]),
    )[:10]
    return ScormPackageResults(
        learners=len({row[0] for row in rows}),
        attempts=len(rows),
        completed=sum(1 for row in rows if row[1]),
        passed=sum(1 for row in rows if row[2] == "passed"),
        average_score=sum(scores) / len(scores) if scores else None,
        missed=most_missed,
    )


def scorm_attempts_of(*, user: User) -> list[ScormAttempt]:
    """A person's SCORM attempts for their record, newest first, with lesson and package, and each one's
    interactions answered and missed (``interactions_answered``, ``interactions_missed``)."""
    attempts = list(
        ScormAttempt.objects.filter(user=user)
        .select_related("lesson", "package_version__package")
        .order_by("-updated_at", "-number")
    )
    for attempt in attempts:
        answered, missed = scorm_interaction_counts(attempt.cmi)
        attempt.interactions_answered = answered  # type: ignore[attr-defined]
        attempt.interactions_missed = missed  # type: ignore[attr-defined]
    return attempts
