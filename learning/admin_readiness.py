"""Wagtail admin for assignments and readiness (registered from LearningConfig.ready)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from cms.core.admin_views import ProtectedDeleteView
from learning.models import Assignment, Programme
from learning.services.assignments import enrolments_sync
from learning.views import readiness as readiness_views


class _SyncAfterSaveMixin:
    """After L&D save an assignment, its enrolments follow at once (not only overnight)."""

    def save_instance(self):
        instance = super().save_instance()
        enrolments_sync(assignment_ids=[instance.pk])
        return instance


class AssignmentCreateView(_SyncAfterSaveMixin, generic.CreateView):
    pass


class AssignmentEditView(_SyncAfterSaveMixin, generic.EditView):
    pass


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    delete_view_class = ProtectedDeleteView
    name = "learning_programmes"
    url_prefix = "learning/programmes"
    icon = "calendar-alt"
    menu_label = "Programmes"
    form_fields = ["name", "slug", "description", "go_live_date"]
    list_display = ["name", "go_live_date"]
    search_fields = ["name"]


class AssignmentViewSet(ModelViewSet):
    model = Assignment
    name = "learning_assignments"
    url_prefix = "learning/assignments"
    icon = "tasks"
    menu_label = "Assignments"
    add_view_class = AssignmentCreateView
    edit_view_class = AssignmentEditView
    form_fields = [
        "programme",
        "module",
        "required",
        "roles",
        "teams",
        "agencies",
        "people",
        "due_mode",
        "due_date",
        "due_days",
        "late_joiner_days",
        "recertify_months",
        "active",
    ]
    list_display = ["module", "programme", "due_mode", "due_date", "due_days", "required", "active"]
    list_filter = ["programme", "required", "active", "due_mode"]
    search_fields = ["module__title"]


class LearningViewSetGroup(ModelViewSetGroup):
    menu_label = "Learning"
    menu_icon = "tasks"
    menu_order = 250
    items = (ProgrammeViewSet, AssignmentViewSet)


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
            "readiness/export/<str:kind>.<str:fmt>",
            readiness_views.export_view,
            name="learning_readiness_export",
        ),
    ]


class ReadinessMenuItem(MenuItem):
    def is_shown(self, request):
        return readiness_views.can_view_readiness(request.user)


@hooks.register("register_admin_menu_item")
def register_readiness_menu_item():
    return ReadinessMenuItem("Readiness", reverse("learning_readiness"), icon_name="view", order=240)
