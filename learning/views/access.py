"""The one refusal for learner views that act on a lesson or a module named in the URL.

modules.selectors decides whether the page exists, is live and may be viewed by this
person (Wagtail's view restrictions on it and its ancestors); here that answer becomes
the same 404 the xAPI endpoints give, before the view reads, renders or writes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404

from learning.models import ModuleProgress
from learning.selectors import lesson_progress_summary
from modules.models import LessonPage
from modules.selectors import ContentUnavailable, lesson_viewable_get, module_viewable_get


def with_lesson_progress(
    answer: dict,
    *,
    user,
    lesson_id: int,
    newly_completed: bool,
    progress: ModuleProgress | None = None,
    lesson: LessonPage | None = None,
) -> dict:
    """A player's answer, with the lesson's progress when the activity has just completed, for
    the page to show in place (lesson-progress.js: status, remaining count, bar, done marks).
    ``progress`` is the module's progress row as the completion wrote it, when the service
    answered it (then it is not read again); ``lesson`` likewise the lesson it found viewable
    in this request (the same answer a second look would give: the request reads the page tree's
    generation once). Nothing is added when the lesson has been withdrawn meanwhile (the page is
    stale anyway)."""
    if newly_completed:
        if lesson is None or lesson.pk != lesson_id:
            try:
                lesson = lesson_viewable_get(user=user, lesson_id=lesson_id)
            except ContentUnavailable:
                return answer
        answer["progress"] = lesson_progress_summary(user=user, lesson=lesson, progress=progress)
    return answer


def _viewable(find: Callable[..., Any], id_name: str) -> Callable[[Callable], Callable]:
    """A decorator calling the view with what `find` returns for the id the URL names (as
    `id_name`), in place of the id; 404 if it is not live or not available to this person."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                found = find(user=request.user, **{id_name: kwargs.pop(id_name)})
            except ContentUnavailable as error:
                raise Http404(str(error)) from error
            return view(request, found, *args, **kwargs)

        return wrapper

    return decorate


viewable_lesson = _viewable(lesson_viewable_get, "lesson_id")
viewable_module = _viewable(module_viewable_get, "module_id")
