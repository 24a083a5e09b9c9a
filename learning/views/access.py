"""The one refusal for learner views that act on a lesson or a module named in the URL.

modules.selectors decides whether the page exists, is live and may be viewed by this
person (Wagtail's view restrictions on it and its ancestors); here that answer becomes
the same 404 the xAPI endpoints give, before the view reads, renders or writes anything.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404

from learning.selectors import lesson_progress_summary
from modules.selectors import ContentUnavailable, lesson_viewable_get, module_viewable_get


def lesson_progress_for_page(*, user, lesson_id: int) -> dict[str, object] | None:
    """The lesson's progress for the page to show in place after an activity completes
    (lesson-progress.js), or None when the lesson has been withdrawn meanwhile (the page is
    stale anyway). Players' answers carry it; nothing else about the lesson is read."""
    try:
        lesson = lesson_viewable_get(user=user, lesson_id=lesson_id)
    except ContentUnavailable:
        return None
    return lesson_progress_summary(user=user, lesson=lesson)


def viewable_lesson(view):
    """Call the view with the lesson its `lesson_id` names, in place of the id; 404 if the
    lesson is not live or not available to this person."""

    @wraps(view)
    def wrapper(request, lesson_id: int, *args, **kwargs):
        try:
            lesson = lesson_viewable_get(user=request.user, lesson_id=lesson_id)
        except ContentUnavailable as error:
            raise Http404(str(error)) from error
        return view(request, lesson, *args, **kwargs)

    return wrapper


def viewable_module(view):
    """Call the view with the module its `module_id` names, in place of the id; 404 if the
    module is not live or not available to this person."""

    @wraps(view)
    def wrapper(request, module_id: int, *args, **kwargs):
        try:
            module = module_viewable_get(user=request.user, module_id=module_id)
        except ContentUnavailable as error:
            raise Http404(str(error)) from error
        return view(request, module, *args, **kwargs)

    return wrapper
