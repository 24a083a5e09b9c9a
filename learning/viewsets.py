"""Wagtail admin for programmes, assignments, LRS credentials and forwarding targets, and the readiness
and forwarding menu items (registered in wagtail_hooks)."""

from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from cms.core.admin_views import ProtectedDeleteView
from cms.people.selectors import is_learning_and_development
from learning.lrs.viewsets import LrsCredentialViewSet, LrsForwardingTargetViewSet
from learning.models import Assignment, Programme
from learning.services import enrolments_sync
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
    items = (ProgrammeViewSet, AssignmentViewSet, LrsCredentialViewSet, LrsForwardingTargetViewSet)


class ReadinessMenuItem(MenuItem):
    def is_shown(self, request):
        return readiness_views.can_view_readiness(request.user)


class ForwardingMenuItem(MenuItem):
    def is_shown(self, request):
        return is_learning_and_development(user=request.user)
