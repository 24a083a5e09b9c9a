"""Reads for H5P tracking: the activity a statement is about, attempts and saved state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from cms.people.models import User
from learning.models import H5PAttempt, H5PPlayerState
from modules.h5p.selectors import h5p_package_ready_versions
from modules.models import LessonPage
from modules.selectors import ContentUnavailable, lesson_viewable_get

H5P_BLOCK_TYPE = "h5p_activity"


class ActivityUnavailable(LookupError):
    """The lesson or block does not exist, is not live, or this person may not see it."""


@dataclass(frozen=True)
class PackageActivity:
    """A live lesson's block that plays an uploaded package, with the rules its author gave it."""

    block_type: ClassVar[str]
    default_rule: ClassVar[str]
    unavailable: ClassVar[str]

    lesson: LessonPage
    block_id: str
    package_id: int
    completion_rule: str
    pass_mark: int | None
    required: bool

    @classmethod
    def for_block(cls, *, user: User, lesson_id: int, block_id: str) -> Self:
        """The block with that id in the live lesson, if this person may see it and it names a package."""
        lesson = _lesson_for(user=user, lesson_id=lesson_id)
        for block in lesson.body.raw_data:
            if block.get("id") == block_id and block.get("type") == cls.block_type:
                value: dict[str, Any] = block.get("value") or {}
                package_id = value.get("package")
                if not isinstance(package_id, int):
                    break
                pass_mark = value.get("pass_mark")
                return cls(
                    lesson=lesson,
                    block_id=block_id,
                    package_id=package_id,
                    completion_rule=value.get("completion_rule") or cls.default_rule,
                    pass_mark=pass_mark if isinstance(pass_mark, int) and 0 < pass_mark <= 100 else None,
                    required=value.get("required", True) is not False,
                )
        raise ActivityUnavailable(cls.unavailable)


@dataclass(frozen=True)
class H5PActivity(PackageActivity):
    block_type = H5P_BLOCK_TYPE
    default_rule = "default"
    unavailable = "That lesson has no such H5P activity."


def _lesson_for(*, user: User, lesson_id: int) -> LessonPage:
    try:
        return lesson_viewable_get(user=user, lesson_id=lesson_id)
    except ContentUnavailable as error:
        raise ActivityUnavailable(str(error)) from error


def h5p_activity_get(*, user: User, lesson_id: int, block_id: str) -> H5PActivity:
    """The live lesson's H5P block with that id, if this person may see it."""
    return H5PActivity.for_block(user=user, lesson_id=lesson_id, block_id=block_id)


def h5p_version_for_activity(*, activity: H5PActivity, version_id: int | None) -> int | None:
    """The ready package version the learner played: the one they name if it belongs to the
    block's package, otherwise the package's current version."""
    ready, current = h5p_package_ready_versions(package_id=activity.package_id)
    if version_id is not None and version_id in ready:
        return version_id
    return current


def player_state_get(*, user: User, lesson_id: int, block_id: str) -> str | None:
    """The saved player state, for a lesson this person may still view (else ActivityUnavailable)."""
    _lesson_for(user=user, lesson_id=lesson_id)
    return (
        H5PPlayerState.objects.filter(user=user, lesson_id=lesson_id, block_id=block_id)
        .values_list("data", flat=True)
        .first()
    )


def h5p_attempts_for(*, user: User, lesson_id: int, block_id: str) -> list[H5PAttempt]:
    """Every attempt a person made at one activity, newest first."""
    return list(
        H5PAttempt.objects.filter(user=user, lesson_id=lesson_id, block_id=block_id).select_related(
            "package_version"
        )
    )
