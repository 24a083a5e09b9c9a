"""L&D screens in the Wagtail admin: day-by-team grid, slot roster with overrides, proposals,
bulk slot upload, attendance report and the ballot. Every view requires L&D (selectors.user_is_ld).
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from cms.core.spreadsheets import SafeSpreadsheetExportMixin
from cms.people.selectors import person_by_email
from practiceweek import conf, selectors, services
from practiceweek.models import PracticeWeek, Slot

app_name = "practiceweek_admin"


def ld_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.user_is_ld(user=request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template: str, context: dict, *, title: str, status: int = 200):
    crumbs = [
        {"url": reverse("wagtailadmin_home"), "label": "Home"},
        {"url": reverse("practiceweek_admin:grid_current"), "label": "Practice week"},
        {"url": "", "label": title},
    ]
    return TemplateResponse(
        request,
        template,
        {
            **context,
            "page_title": title,
            "header_title": title,
            "breadcrumbs_items": crumbs,
            "header_icon": "date",
        },
        status=status,
    )


def _missing(request, what: str):
    return _render(request, "practiceweek/admin/missing.html", {"what": what}, title="Not found", status=404)


def _week_or_current(week_id: int | None) -> PracticeWeek | None:
    if week_id is not None:
        return PracticeWeek.objects.filter(pk=week_id).first()
    return selectors.week_current()


@ld_required
def grid_current(request):
    week = selectors.week_current()
    if week is None:
        messages.info(request, "There is no practice week yet: add one first.")
        return redirect("practiceweek_week:add")
    return redirect("practiceweek_admin:grid", week_id=week.pk)


@ld_required
def grid(request, week_id: int):
    week = _week_or_current(week_id)
    if week is None:
        return _render(
            request,
            "practiceweek/admin/missing.html",
            {"what": "practice week"},
            title="Not found",
            status=404,
        )
    return _render(
        request,
        "practiceweek/admin/grid.html",
        {
            "week": week,
            "weeks": PracticeWeek.objects.all(),
            "grid": selectors.grid_by_day_and_team(week=week),
            "state": selectors.signup_state(week=week),
            "proposed": Slot.objects.filter(week=week, status=Slot.Status.PROPOSED).count(),
        },
        title=f"{week.name}: day by team",
    )


class AllocateForm(forms.Form):
    email = forms.EmailField(label="Person's email address")
    note = forms.CharField(label="Why (recorded)", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class BookingActionForm(forms.Form):
    booking = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("cancel", "Cancel"), ("confirm", "Confirm"), ("front", "Move to front")]
    )
    note = forms.CharField(label="Why (recorded)", max_length=500)


@ld_required
def roster(request, slot_id: int):
    """Every booking on a slot in waitlist order, its history, and L&D's overrides."""
    slot = selectors.slot_roster(slot_id=slot_id)
    if slot is None:
        return _render(
            request, "practiceweek/admin/missing.html", {"what": "slot"}, title="Not found", status=404
        )
    allocate_form = AllocateForm(prefix="allocate")
    errors: list[str] = []
    if request.method == "POST":
        try:
            if "allocate-email" in request.POST:
                allocate_form = AllocateForm(request.POST, prefix="allocate")
                if not allocate_form.is_valid():
                    raise services.BookingRefused("invalid", "Give the person's email address and a reason.")
                person = person_by_email(email=allocate_form.cleaned_data["email"])
                if person is None:
                    raise services.BookingRefused("invalid", "Nobody has that email address.")
                services.booking_allocate(
                    actor=request.user, user=person, slot_id=slot.pk, note=allocate_form.cleaned_data["note"]
                )
                messages.success(request, f"{person} now has a confirmed place.")
            else:
                action_form = BookingActionForm(request.POST)
                if not action_form.is_valid():
                    raise services.BookingRefused("invalid", "Choose an action and say why: it is recorded.")
                booking = selectors.booking_on_slot(slot=slot, booking_id=action_form.cleaned_data["booking"])
                if booking is None:
                    raise services.BookingRefused("invalid", "That booking is not on this slot.")
                note = action_form.cleaned_data["note"]
                action = action_form.cleaned_data["action"]
                if action == "cancel":
                    services.booking_cancel(
                        booking_id=booking.pk, user=request.user, override=True, note=note
                    )
                    messages.success(request, f"{booking.user}'s booking is cancelled.")
                elif action == "confirm":
                    services.booking_allocate(
                        actor=request.user, user=booking.user, slot_id=slot.pk, note=note
                    )
                    messages.success(request, f"{booking.user} now has a confirmed place.")
                else:
                    services.booking_waitlist_move_to_front(
                        actor=request.user, booking_id=booking.pk, note=note
                    )
                    messages.success(request, f"{booking.user} is now first on the waitlist.")
        except services.BookingRefused as refusal:
            errors.append(refusal.message)
        else:
            return redirect("practiceweek_admin:roster", slot_id=slot.pk)
        slot = selectors.slot_roster(slot_id=slot_id)
    return _render(
        request,
        "practiceweek/admin/roster.html",
        {"slot": slot, "allocate_form": allocate_form, "errors": errors},
        title=f"Roster: {slot}",
        status=409 if errors else 200,
    )


@ld_required
def proposals(request):
    """Host-proposed slots awaiting approval."""
    if request.method == "POST":
        try:
            slot_id = int(request.POST.get("slot", ""))
        except ValueError:
            slot_id = 0
        approve = request.POST.get("decision") == "approve"
        try:
            slot = services.slot_review(
                slot_id=slot_id, actor=request.user, approve=approve, note=request.POST.get("note", "")[:500]
            )
        except services.BookingRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"{slot} {'is open for booking' if approve else 'was declined'}.")
        return redirect("practiceweek_admin:proposals")
    pending = (
        Slot.objects.filter(status=Slot.Status.PROPOSED)
        .select_related("week", "host_team", "proposed_by")
        .order_by("starts_at")
    )
    return _render(request, "practiceweek/admin/proposals.html", {"slots": pending}, title="Slots to approve")


class SlotUploadForm(forms.Form):
    week = forms.ModelChoiceField(queryset=PracticeWeek.objects.all(), label="Practice week")
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV; see the columns below.")


@ld_required
def upload(request):
    """Bulk-create slots from CSV: all or nothing, every bad line reported."""
    form = SlotUploadForm(
        request.POST or None, request.FILES or None, initial={"week": selectors.week_current()}
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > conf.CSV_MAX_BYTES:
            errors = [f"The file is too large (the limit is {conf.CSV_MAX_BYTES // 1024} KB)."]
        else:
            try:
                created = services.slots_import_csv(
                    week=form.cleaned_data["week"], data=upload_file.read(), actor=request.user
                )
            except services.SlotImportError as error:
                errors = error.errors
            else:
                messages.success(request, f"{len(created)} slots created.")
                return redirect("practiceweek_admin:grid", week_id=form.cleaned_data["week"].pk)
    return _render(
        request,
        "practiceweek/admin/upload.html",
        {
            "form": form,
            "errors": errors,
            "columns": services.SLOT_CSV_COLUMNS,
            "optional": services.SLOT_CSV_OPTIONAL,
        },
        title="Upload slots from CSV",
        status=400 if errors else 200,
    )


@ld_required
def ballot(request, week_id: int):
    if request.method != "POST":
        return redirect("practiceweek_admin:grid", week_id=week_id)
    try:
        outcome = services.ballot_draw(week_id=week_id, actor=request.user)
    except services.BookingRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            f"Ballot drawn: {len(outcome.confirmed)} places given, "
            f"{len(outcome.waitlist)} requests waitlisted. Everyone has been emailed their result.",
        )
    return redirect("practiceweek_admin:grid", week_id=week_id)


class AttendanceReportView(SafeSpreadsheetExportMixin, ReportView):
    """Confirmed places on slots that have started: attended, did not attend, not recorded."""

    page_title = "Practice week attendance"
    header_icon = "tick"
    index_url_name = "practiceweek_admin:attendance"
    index_results_url_name = "practiceweek_admin:attendance_results"
    results_template_name = "practiceweek/admin/attendance_results.html"
    template_name = "practiceweek/admin/attendance.html"
    export_filename = "practice-week-attendance"
    paginate_by = 100
    list_export = [
        "user.get_full_name",
        "user.email",
        "agency.name",
        "slot.get_activity_display",
        "slot.host_team.name",
        "slot.starts_at",
        "get_attendance_display",
    ]
    export_headings = {
        "user.get_full_name": "Name",
        "user.email": "Email",
        "agency.name": "Agency",
        "slot.get_activity_display": "Activity",
        "slot.host_team.name": "Team",
        "slot.starts_at": "Starts",
        "get_attendance_display": "Attendance",
    }
    columns = [
        Column("user", label="Person"),
        Column("agency", label="Agency"),
        Column("slot", label="Slot"),
        DateColumn("slot_start", label="Date", accessor="slot.starts_at"),
        Column("attendance", label="Attendance", accessor="get_attendance_display"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not selectors.user_is_ld(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_week(self) -> PracticeWeek | None:
        week_id = self.request.GET.get("week", "")
        if week_id.isdigit():
            return PracticeWeek.objects.filter(pk=int(week_id)).first()
        return selectors.week_current()

    def get_queryset(self):
        return selectors.attendance_rows(week=self.get_week())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        week = self.get_week()
        context.update(
            week=week,
            weeks=PracticeWeek.objects.all(),
            summary=selectors.attendance_summary(week=week),
            themes=selectors.reflection_themes(week=week),
            now=timezone.now(),
        )
        return context


urlpatterns = [
    path("", grid_current, name="grid_current"),
    path("weeks/<int:week_id>/grid/", grid, name="grid"),
    path("weeks/<int:week_id>/ballot/", ballot, name="ballot"),
    path("slots/<int:slot_id>/roster/", roster, name="roster"),
    path("proposals/", proposals, name="proposals"),
    path("upload/", upload, name="upload"),
    path("attendance/", AttendanceReportView.as_view(), name="attendance"),
    path("attendance/results/", AttendanceReportView.as_view(results_only=True), name="attendance_results"),
]
