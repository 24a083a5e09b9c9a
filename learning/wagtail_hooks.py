"""How learning attaches to Wagtail: the admin (programmes, assignments, readiness), and
module and lesson pages as they are served.

Before a lesson is served to a signed-in person, the person's state in it is read
once (and cached on the request for the template tags), a lesson whose module is
locked behind prerequisites is refused with an explanation, and the visit is
remembered for "continue where you left off".
"""

from django.shortcuts import render
from django.urls import path, reverse
from wagtail import hooks

from learning import selectors, services
from learning.lrs import forwarding as forwarding_views
from learning.views import readiness as readiness_views
from learning.views import scorm_reports
from learning.viewsets import ForwardingMenuItem, LearningViewSetGroup, ReadinessMenuItem
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


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()


@hooks.register("register_admin_urls")
def register_readiness_urls():
    return [
        path("readiness/", readiness_views.ReadinessView.as_view(), name="learning_readiness"),
        path(
            "readiness/people/<int:user_id>/",
            readiness_views.PersonRecordView.as_view(),
            name="learning_person_record",
        ),
        path(
            "readiness/people/<int:user_id>/record.<str:fmt>",
            readiness_views.person_export_view,
            name="learning_person_export",
        ),
        path(
            "readiness/scorm/", scorm_reports.ScormResultsIndexView.as_view(), name="learning_scorm_packages"
        ),
        path(
            "readiness/scorm/<int:package_id>/",
            scorm_reports.ScormPackageResultsView.as_view(),
            name="learning_scorm_results",
        ),
        path(
            "readiness/export/<str:kind>.<str:fmt>",
            readiness_views.export_view,
            name="learning_readiness_export",
        ),
        path(
            "lrs-forwarding/",
            forwarding_views.ForwardingOverviewView.as_view(),
            name="learning_lrs_forwarding",
        ),
        path(
            "lrs-forwarding/<int:target_id>/",
            forwarding_views.ForwardingTargetView.as_view(),
            name="learning_lrs_forwarding_target",
        ),
        path(
            "lrs-forwarding/<int:target_id>/resend/",
            forwarding_views.ForwardingResendView.as_view(),
            name="learning_lrs_forwarding_resend",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_readiness_menu_item():
    return ReadinessMenuItem("Readiness", reverse("learning_readiness"), icon_name="view", order=240)


@hooks.register("register_admin_menu_item")
def register_forwarding_menu_item():
    return ForwardingMenuItem(
        "LRS forwarding", reverse("learning_lrs_forwarding"), icon_name="redirect", order=245
    )
