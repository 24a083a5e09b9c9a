"""The links every learner's record has: to the lesson it is about and, for a record of one
block of a lesson, the three keys that name it."""

from django.db import models

from cms.core.models import owner_link, person_link


def lesson_link(*, related_name: str, optional: bool = False) -> models.ForeignKey:
    """The lesson a learner's record is about: the record goes when the lesson is deleted.
    An optional one may name none (a statement from an outside xAPI client)."""
    return owner_link("modules.LessonPage", related_name=related_name, optional=optional)


def lesson_block_keys(*, related_name: str) -> tuple[models.ForeignKey, models.ForeignKey, models.CharField]:
    """``user, lesson, block_id`` of a person's record in one block of a lesson (an attempt, a
    state, a completion): the person and the lesson both reach the records by ``related_name``,
    and the block is named by its StreamField id."""
    return (
        person_link(related_name=related_name),
        lesson_link(related_name=related_name),
        models.CharField(max_length=64),
    )
