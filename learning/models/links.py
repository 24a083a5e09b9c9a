"""The link every learner's record has to the lesson it is about."""

from django.db import models

from cms.core.models import owner_link


def lesson_link(*, related_name: str, optional: bool = False) -> models.ForeignKey:
    """The lesson a learner's record is about: the record goes when the lesson is deleted.
    An optional one may name none (a statement from an outside xAPI client)."""
    return owner_link("modules.LessonPage", related_name=related_name, optional=optional)
