"""How learning attaches to module and lesson pages as Wagtail serves them.

Before a lesson is served to a signed-in person, the person's state in it is read
once (and cached on the request for the template tags), a lesson whose module is
locked behind prerequisites is refused with an explanation, and the visit is
remembered for "continue where you left off".
"""

from django.shortcuts import render
from wagtail import hooks

from learning import selectors, services
from modules.models import LessonPage


@hooks.register("before_serve_page")
def lesson_attach_learning(page, request, serve_args, serve_kwargs):
    if not isinstance(page, LessonPage) or not request.user.is_authenticated:
        return None
    module = page.get_parent().specific
    state = selectors.lesson_state(user=request.user, lesson=page, module=module)
    request._learning_lesson_state = state
    if state.outline.locked:
        return render(request, "learning/lesson_locked.html", {"outline": state.outline}, status=403)
    services.lesson_visit(
        user=request.user,
        lesson=page,
        module_id=module.pk,
        module_progress=state.outline.progress,
        prerequisites_met=True,
    )
    if state.entry is not None and state.entry.status == selectors.NOT_STARTED:
        state.entry.status = selectors.IN_PROGRESS
    return None
