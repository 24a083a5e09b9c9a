"""Wagtail admin for practice week: weeks, slots and (read-only) bookings.

Bookings change only through practiceweek.services (the roster screen in
views/admin.py), so their listing offers filters and exports but no add or edit.
"""

from django.urls import reverse
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.core.admin_views import ProtectedDeleteView
from cms.core.spreadsheets import SafeSpreadsheetExportMixin
from practiceweek import services
from practiceweek.models import Booking, PracticeWeek, Slot


class PracticeWeekViewSet(ModelViewSet):
    model = PracticeWeek
    delete_view_class = ProtectedDeleteView
    icon = "date"
    menu_label = "Weeks"
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["name", "starts_on", "ends_on", "allocation", "signup_opens_at", "signup_closes_at"]
    search_fields = ["name"]


class SlotEditView(generic.EditView):
    """After an edit: a new time or place sends updated invites; withdrawing cancels; new places go to
    the waitlist."""

    def form_valid(self, form):
        before = (
            Slot.objects.filter(pk=self.object.pk)
            .values("starts_at", "ends_at", "status", "meeting_point", "locality")
            .first()
        )
        response = super().form_valid(form)
        if before is not None and form.is_valid():
            services.slot_changed(
                slot_id=self.object.pk,
                actor=self.request.user,
                old_starts_at=before["starts_at"],
                old_ends_at=before["ends_at"],
                old_status=before["status"],
                old_meeting_point=before["meeting_point"],
                old_locality=before["locality"],
            )
        return response


class SlotIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("week", "host_team")


# Which slot a row is about, in the slots' export and (through ``slot.``) the bookings'.
SLOT_EXPORT_HEADINGS = {"week.name": "Week", "get_activity_display": "Activity", "host_team.name": "Team"}


class SlotViewSet(ModelViewSet):
    model = Slot
    delete_view_class = ProtectedDeleteView
    index_view_class = SlotIndexView
    icon = "group"
    menu_label = "Slots"
    add_to_admin_menu = False
    edit_view_class = SlotEditView
    list_per_page = 50
    list_display = [
        TitleColumn("__str__", label="Slot", url_name="practiceweek_slot:edit"),
        "host_team",
        "locality",
        "capacity",
        Column("places_held", label="Taken or offered"),
        "status",
        TitleColumn(
            "roster",
            label="Bookings",
            accessor=lambda slot: "Roster and waitlist",
            get_url=lambda slot: reverse("practiceweek_admin:roster", args=[slot.pk]),
        ),
    ]
    list_filter = ["week", "status", "activity", "host_team", "locality"]
    search_fields = ["locality", "description", "host_team__name"]
    list_export = [
        *SLOT_EXPORT_HEADINGS,
        "locality",
        "starts_at",
        "ends_at",
        "capacity",
        "places_held",
        "get_status_display",
    ]
    export_headings = {
        **SLOT_EXPORT_HEADINGS,
        "get_status_display": "Status",
        "places_held": "Taken or offered",
    }
    export_filename = "practice-week-slots"


class BookingPermissionPolicy(ModelPermissionPolicy):
    """View only: bookings change through the roster screen's services, never a raw form."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Booking, BookingPermissionPolicy(Booking))


class BookingIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("user", "agency", "slot", "slot__week", "slot__host_team")
        )


class BookingViewSet(ModelViewSet):
    model = Booking
    icon = "list-ul"
    menu_label = "Bookings"
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = BookingIndexView
    # Bookings reference nothing an editor would look up, and are saved under the slot lock:
    # keep Wagtail's reference index out of that transaction.
    add_to_reference_index = False
    # Never editable (see BookingPermissionPolicy); ModelViewSet needs a form all the same.
    form_fields = ["attendance"]
    list_per_page = 50
    list_display = [
        TitleColumn(
            "user",
            label="Person",
            get_url=lambda booking: reverse("practiceweek_admin:roster", args=[booking.slot_id]),
        ),
        "slot",
        "agency",
        "status",
        "attendance",
        DateColumn("created_at", label="Booked"),
    ]
    list_filter = ["status", "slot__week", "slot__activity", "agency", "attendance"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_export = [
        "user.get_full_name",
        "user.email",
        "agency.name",
        *(f"slot.{column}" for column in SLOT_EXPORT_HEADINGS),
        "slot.locality",
        "slot.starts_at",
        "get_status_display",
        "get_attendance_display",
        "created_at",
    ]
    export_headings = {
        "user.get_full_name": "Name",
        "user.email": "Email",
        "agency.name": "Agency",
        **{f"slot.{column}": heading for column, heading in SLOT_EXPORT_HEADINGS.items()},
        "slot.locality": "Locality",
        "slot.starts_at": "Starts",
        "get_status_display": "Status",
        "get_attendance_display": "Attendance",
        "created_at": "Booked at",
    }
    export_filename = "practice-week-bookings"


practice_week_viewset = PracticeWeekViewSet("practiceweek_week", url_prefix="practice-week/weeks")
slot_viewset = SlotViewSet("practiceweek_slot", url_prefix="practice-week/slots")
booking_viewset = BookingViewSet("practiceweek_booking", url_prefix="practice-week/bookings")
