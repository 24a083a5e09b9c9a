"""The admin screen where L&D invite people from outside the allowed email domains."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, UserColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.people import invitations
from cms.people.models import Invitation
from cms.people.roles import GROUP_LD_EDITORS, GROUP_LD_LEADS
from cms.people.selectors import is_learning_and_development

LD_GROUPS = (GROUP_LD_EDITORS, GROUP_LD_LEADS)

# Invitations are sent, listed and withdrawn (deleted); never edited, since the
# address is what the emailed token was issued for.
INVITATION_ACTIONS = {"add", "view", "delete"}


class InvitationPermissionPolicy(BasePermissionPolicy):
    """L&D (editors and leads) and superusers manage invitations; nobody else."""

    def user_has_permission(self, user, action):
        if action not in INVITATION_ACTIONS or not (user.is_authenticated and user.is_active):
            return False
        return is_learning_and_development(user=user)

    def users_with_any_permission(self, actions):
        if not INVITATION_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name__in=LD_GROUPS))
            .distinct()
        )


register_permission_policy(Invitation, InvitationPermissionPolicy(Invitation))


class InvitationForm(WagtailAdminModelForm):
    class Meta:
        model = Invitation
        fields = ["email"]
        help_texts = {
            "email": (
                "Their work email address. They will be emailed a link that works once and lasts 14 days."
            )
        }

    def clean_email(self):
        email = self.cleaned_data["email"]
        reason = invitations.invitation_refusal(email=email)
        if reason:
            raise forms.ValidationError(reason)
        return email


class InvitationCreateView(generic.CreateView):
    page_title = "Invite someone"
    success_message = "Invitation sent to %(object)s. The link works once and lasts 14 days."

    def save_instance(self):
        sent = invitations.invitation_send(
            email=self.form.cleaned_data["email"], invited_by=self.request.user
        )
        log(instance=sent.invitation, action="wagtail.create", user=self.request.user)
        return sent.invitation


class InvitationIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("invited_by")


class InvitationViewSet(ModelViewSet):
    model = Invitation
    icon = "mail"
    menu_label = "Invitations"
    add_to_admin_menu = True
    menu_order = 850
    form_fields = ["email"]

    def get_form_class(self, for_update=False):
        return InvitationForm

    search_fields = ["email"]
    add_view_class = InvitationCreateView
    index_view_class = InvitationIndexView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "email",
        Column("status", label="Status", accessor="status"),
        UserColumn("invited_by", label="Invited by"),
        DateColumn("created_at", label="Sent"),
        DateColumn("expires_at", label="Expires"),
        DateColumn("accepted_at", label="Accepted"),
    ]
    ordering = ["-created_at"]


invitation_viewset = InvitationViewSet("invitations")
