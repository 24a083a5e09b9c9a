"""Wagtail admin screens for people, teams and agencies, and the staff import.

Who sees them is decided by model permissions (view/add/change on StaffProfile,
Team and Agency, and people.import_staff), which only the L&D groups hold
(cms.people.services.groups_ensure); superusers see everything. Nobody but a
superuser may delete: leavers are marked inactive and keep their records.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import path
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn, UserColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.core.admin_views import ProtectedDeleteView
from cms.core.spreadsheets import SafeSpreadsheetExportMixin
from cms.people import roles, services
from cms.people.forms import InvitationForm, StaffProfileAdminForm
from cms.people.models import Agency, Invitation, StaffProfile, Team
from cms.people.selectors import is_learning_and_development
from cms.people.views.staff_import import (
    StaffImportJobProgressView,
    StaffImportJobView,
    StaffImportView,
    user_can_import_staff,
)


def _start_date(profile: StaffProfile) -> str:
    return date_format(profile.start_date, "j M Y") if profile.start_date else ""


class StaffProfileIndexView(SafeSpreadsheetExportMixin, IndexView):
    @cached_property
    def columns(self):
        # The person's name leads each row and links to their edit form.
        title_column_class = self._get_title_column_class(TitleColumn)
        title = title_column_class(
            "name",
            label="Name",
            accessor="user",
            sort_key="user__last_name",
            get_url=lambda profile: self.get_edit_url(profile) or self.get_inspect_url(profile),
        )
        return [title, *super().columns[1:]]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "role", "team", "agency", "line_manager")


class StaffProfileViewSet(ModelViewSet):
    model = StaffProfile
    name = "people_staff"
    icon = "user"
    menu_label = "Staff"
    url_prefix = "people/staff"
    index_view_class = StaffProfileIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    ordering = ["user__last_name", "user__first_name"]
    list_display = [
        Column("user", label="Name", sort_key="user__last_name"),
        Column("email", label="Email", accessor="user.email", sort_key="user__email"),
        Column("role", label="Role", sort_key="role__name"),
        Column("team", label="Team", sort_key="team__name"),
        Column("agency", label="Agency", sort_key="agency__name"),
        Column("line_manager", label="Line manager", sort_key="line_manager__last_name"),
        Column("start_date", label="Start date", accessor=_start_date, sort_key="start_date"),
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    list_filter = ["role", "team", "agency", "active"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "job_title"]
    search_backend_name = None
    list_export = [
        "user.first_name",
        "user.last_name",
        "user.email",
        "job_title",
        "role",
        "team",
        "agency",
        "line_manager.email",
        "start_date",
        "active",
    ]
    export_headings = {
        "user.first_name": "First name",
        "user.last_name": "Last name",
        "user.email": "Email",
        "line_manager.email": "Line manager email",
    }
    export_filename = "staff"
    inspect_view_fields = [
        "user",
        "job_title",
        "role",
        "team",
        "agency",
        "line_manager",
        "start_date",
        "active",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("email"), FieldPanel("first_name"), FieldPanel("last_name")], heading="Person"
            ),
            MultiFieldPanel(
                [
                    FieldPanel("job_title"),
                    FieldPanel("role"),
                    FieldPanel("team"),
                    FieldPanel("agency"),
                    FieldPanel("line_manager"),
                    FieldPanel("start_date"),
                    FieldPanel("active"),
                ],
                heading="Place in the organisation",
            ),
        ],
        base_form_class=StaffProfileAdminForm,
    )


class TeamIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("agency")
            .annotate(active_members=Count("members", filter=Q(members__active=True)))
        )


class TeamViewSet(ModelViewSet):
    model = Team
    name = "people_teams"
    icon = "group"
    menu_label = "Teams"
    url_prefix = "people/teams"
    index_view_class = TeamIndexView
    copy_view_enabled = False
    list_display = [
        "name",
        "locality",
        Column("agency", label="Agency", sort_key="agency__name"),
        Column("active_members", label="Active members", sort_key="active_members"),
    ]
    list_filter = ["agency", "locality"]
    search_fields = ["name", "locality", "slug"]
    search_backend_name = None
    form_fields = ["name", "slug", "locality", "agency"]


class AgencyIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(active_staff=Count("staff", filter=Q(staff__active=True)))


class AgencyViewSet(ModelViewSet):
    model = Agency
    delete_view_class = ProtectedDeleteView
    name = "people_agencies"
    icon = "site"
    menu_label = "Agencies"
    url_prefix = "people/agencies"
    index_view_class = AgencyIndexView
    copy_view_enabled = False
    list_display = [
        "name",
        "kind",
        "email_domain",
        Column("active_staff", label="Active staff", sort_key="active_staff"),
    ]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "email_domain"]
    search_backend_name = None
    form_fields = ["name", "slug", "kind", "email_domain"]


class StaffImportMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_import_staff(request.user)


class StaffImportViewSet(ViewSet):
    """The HR export upload, as a ViewSet so it sits in the People menu."""

    name = "people_staff_import"
    icon = "upload"
    menu_label = "Import staff"
    url_prefix = "people/import"
    menu_item_class = StaffImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", StaffImportView.as_view(), name="index"),
            path("jobs/<int:pk>/", StaffImportJobView.as_view(), name="job"),
            path("jobs/<int:pk>/progress/", StaffImportJobProgressView.as_view(), name="job_progress"),
        ]


class PeopleViewSetGroup(ViewSetGroup):
    menu_label = "People"
    menu_icon = "group"
    menu_order = 250
    items = (StaffProfileViewSet, TeamViewSet, AgencyViewSet, StaffImportViewSet)


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
            .filter(Q(is_superuser=True) | Q(groups__name__in=roles.LD_GROUPS))
            .distinct()
        )


register_permission_policy(Invitation, InvitationPermissionPolicy(Invitation))


class InvitationCreateView(generic.CreateView):
    page_title = "Invite someone"
    success_message = "Invitation sent to %(object)s. The link works once and lasts 14 days."

    def save_instance(self):
        sent = services.invitation_send(email=self.form.cleaned_data["email"], invited_by=self.request.user)
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
