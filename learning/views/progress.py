"""Learner views: answering knowledge checks, reflections, marking lessons done,
the module completion page, certificates and their public verification, and search.

Every view that names a lesson or module checks, before anything else, that the
person may view it (learning.views.access). Every form works without JavaScript: it
posts here, and the learner returns to the lesson with the result shown in place (or
the lesson is shown again with the error).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cms.core.text import text_displayable
from learning import selectors, services
from learning.views.access import viewable_lesson, viewable_module
from modules.models import LessonPage, ModulePage
from modules.selectors import training_search

MAX_SUBMITTED_OPTIONS = 20
SEARCH_PAGE_SIZE = 20


def _locked_response(request, *, outline: selectors.ModuleOutline):
    return render(request, "learning/lesson_locked.html", {"outline": outline}, status=403)


def _lesson_with_error(request, *, lesson: LessonPage, block_id: str, message: str, value):
    """Show the lesson again with the refused block's error (400), as a form page would."""
    request._learning_block_errors = {block_id: message}
    request._learning_block_values = {block_id: value}
    response = lesson.serve(request)
    response.status_code = 400
    return response


def _lesson_url(request, lesson: LessonPage, anchor: str = "") -> str:
    url = lesson.get_url(request=request) or "/"
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
@viewable_lesson
def knowledge_check_answer_view(request, lesson: LessonPage, block_id: str):
    module = lesson.get_parent().specific
    outline = selectors.module_outline(user=request.user, module=module)
    if outline.locked:
        return _locked_response(request, outline=outline)
    option_ids = request.POST.getlist("option")
    if len(option_ids) > MAX_SUBMITTED_OPTIONS:
        option_ids = ["too-many"]  # refused below as not one of the options
    try:
        services.knowledge_check_answer(
            user=request.user, lesson=lesson, block_id=block_id, option_ids=option_ids
        )
    except services.ActivityNotFound as exc:
        raise Http404("That question is not part of this lesson.") from exc
    except services.AnswerRefused as exc:
        return _lesson_with_error(
            request, lesson=lesson, block_id=block_id, message=str(exc), value=option_ids
        )
    return HttpResponseRedirect(_lesson_url(request, lesson, f"block-{block_id}"))


@login_required
@require_POST
@viewable_lesson
def reflection_save_view(request, lesson: LessonPage, block_id: str):
    text = request.POST.get("text", "")
    try:
        services.reflection_save(user=request.user, lesson=lesson, block_id=block_id, text=text)
    except services.ActivityNotFound as exc:
        raise Http404("That reflection prompt is not part of this lesson.") from exc
    except services.AnswerRefused as exc:
        return _lesson_with_error(
            request, lesson=lesson, block_id=block_id, message=str(exc), value=text_displayable(text)
        )
    return HttpResponseRedirect(_lesson_url(request, lesson, f"block-{block_id}"))


@login_required
@require_POST
@viewable_lesson
def lesson_done_view(request, lesson: LessonPage):
    module = lesson.get_parent().specific
    outline = selectors.module_outline(user=request.user, module=module)
    if outline.locked:
        return _locked_response(request, outline=outline)
    try:
        services.lesson_mark_done(user=request.user, lesson=lesson)
    except services.LessonHasRequiredActivities:
        return HttpResponseRedirect(_lesson_url(request, lesson, "lesson-status"))
    return _after_lesson(request, module=module, lesson=lesson)


def _after_lesson(request, *, module: ModulePage, lesson: LessonPage):
    """Where a learner goes after finishing a lesson: the completion page, or the next lesson."""
    outline = selectors.module_outline(user=request.user, module=module)
    if outline.is_complete:
        return redirect("learning:module_complete", module_id=module.pk)
    _previous, following = outline.neighbours(lesson.pk)
    if following is not None:
        return HttpResponseRedirect(following.lesson.get_url(request=request))
    return HttpResponseRedirect(module.get_url(request=request))


@login_required
@require_GET
@viewable_module
def module_complete_view(request, module: ModulePage):
    completion = selectors.module_completion_latest(user=request.user, module_id=module.pk)
    if completion is None:
        return HttpResponseRedirect(module.get_url(request=request))
    certificate = getattr(completion, "certificate", None)
    return render(
        request,
        "learning/module_complete.html",
        {"module": module, "completion": completion, "certificate": certificate},
    )


@login_required
@require_GET
def certificate_download_view(request, code: str, kind: str):
    """The PNG or PDF, to its owner and to L&D only; anyone else gets a 404."""
    certificate = selectors.certificate_for_download(user=request.user, code=code)
    if certificate is None:
        raise Http404("No certificate with that code is yours to download.")
    file = certificate.pdf if kind == "pdf" else certificate.png
    if not certificate.is_rendered or not file:
        return render(request, "learning/certificate_pending.html", {"certificate": certificate}, status=404)
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.code}.{kind}",
        content_type="application/pdf" if kind == "pdf" else "image/png",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def certificate_verify_view(request, code: str):
    """Public: confirm the module, name and date of a certificate by its code."""
    certificate = selectors.certificate_verify(code=code)
    if certificate is None:
        return render(request, "learning/certificate_unknown.html", {"code": code[:40]}, status=404)
    return render(request, "learning/certificate_verify.html", {"certificate": certificate})


@login_required
@require_GET
def module_search_view(request):
    """Search live modules and lessons (Wagtail search)."""
    query = request.GET.get("q", "").strip()[:200]
    results = training_search(query=query) if query else []
    paginator = Paginator(results, SEARCH_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "learning/search.html",
        {"query": query, "results": page, "search_url": reverse("learning:search")},
    )
