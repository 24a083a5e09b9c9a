"""The forwarding screens in the Wagtail admin: each target's outbox, and resending or deleting
dead letters.

Every L&D person (and superusers) may look, resend and delete; setting targets up is the
viewset's (L&D leads). Resending and deleting are POSTs with the CSRF token (``operation``
"resend", the default, or "delete"); an id that is not one of this target's dead letters
changes nothing and says so.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.people.selectors import is_learning_and_development
from learning.models import LrsForwardingTarget
from learning.selectors import forwarding_overview, forwarding_status, outbox_dead_letters
from learning.services.lrs import outbox_dead_delete, outbox_resend


def _refuse_unless_learning_and_development(user) -> None:
    if not is_learning_and_development(user=user):
        raise PermissionDenied("Forwarding is for L&D.")


class _LearningAndDevelopmentOnly:
    def dispatch(self, request, *args, **kwargs):
        _refuse_unless_learning_and_development(request.user)
        return super().dispatch(request, *args, **kwargs)


class ForwardingOverviewView(_LearningAndDevelopmentOnly, WagtailAdminTemplateMixin, TemplateView):
    page_title = "LRS forwarding"
    header_icon = "redirect"
    template_name = "learning/lrs/forwarding_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = forwarding_overview()
        context["can_configure"] = self.request.user.has_perm("learning.change_lrsforwardingtarget")
        return context


class ForwardingTargetView(_LearningAndDevelopmentOnly, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "redirect"
    template_name = "learning/lrs/forwarding_target.html"

    def get_page_title(self):
        return f"Forwarding to {self.status.target.name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("learning_lrs_forwarding"), "label": "LRS forwarding"},
            {"url": "", "label": self.status.target.name},
        ]

    def dispatch(self, request, *args, **kwargs):
        _refuse_unless_learning_and_development(request.user)  # before saying whether it exists
        status = forwarding_status(target_id=kwargs["target_id"])
        if status is None:
            raise Http404("No such forwarding target.")
        self.status = status
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.status
        context["dead_letters"] = outbox_dead_letters(target=self.status.target)
        return context


class ForwardingResendView(_LearningAndDevelopmentOnly, View):
    http_method_names = ["post"]

    def post(self, request, target_id: int):
        target = LrsForwardingTarget.objects.filter(pk=target_id).first()
        if target is None:
            raise Http404("No such forwarding target.")
        back = HttpResponseRedirect(reverse("learning_lrs_forwarding_target", args=[target.pk]))
        deleting = request.POST.get("operation") == "delete"
        act = outbox_dead_delete if deleting else outbox_resend
        if request.POST.get("all") == "1":
            count = act(target=target)
        else:
            raw = request.POST.get("outbox_id", "")
            if not raw.isdigit() or len(raw) > 18:
                messages.error(request, f"Choose a dead letter to {'delete' if deleting else 'resend'}.")
                return back
            count = act(target=target, outbox_ids=[int(raw)])
        plural = "s" if count != 1 else ""
        if count and deleting:
            messages.success(
                request, f"{count} dead letter{plural} deleted; the statements stay in the store."
            )
        elif count:
            messages.success(request, f"{count} statement{plural} queued to send again.")
        else:
            verb = "delete" if deleting else "resend"
            messages.warning(request, f"Nothing to {verb}: that is not one of this target's dead letters.")
        return back
