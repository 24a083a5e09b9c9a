"""Admin registration (menu, viewsets, L&D screens) and the learning-record section."""

from django.urls import include, path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from practiceweek import selectors
from practiceweek.models import Booking
from practiceweek.views import admin as admin_views
from practiceweek.viewsets import booking_viewset, practice_week_viewset, slot_viewset


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [practice_week_viewset, slot_viewset, booking_viewset]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("practice-week/manage/", include((admin_views.urlpatterns, admin_views.app_name)))]


class LDMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.user_is_ld(user=request.user)


practice_week_menu = Menu(register_hook_name="register_practiceweek_menu_item", construct_hook_name=None)


@hooks.register("register_admin_menu_item")
def register_practice_week_menu():
    return SubmenuMenuItem(
        "Practice week", practice_week_menu, icon_name="date", name="practice-week", order=450
    )


@hooks.register("register_practiceweek_menu_item")
def menu_grid():
    return LDMenuItem("Day by team", reverse("practiceweek_admin:grid_current"), icon_name="table", order=100)


@hooks.register("register_practiceweek_menu_item")
def menu_weeks():
    return LDMenuItem("Weeks", reverse("practiceweek_week:index"), icon_name="date", order=200)


@hooks.register("register_practiceweek_menu_item")
def menu_slots():
    return LDMenuItem("Slots", reverse("practiceweek_slot:index"), icon_name="group", order=300)


@hooks.register("register_practiceweek_menu_item")
def menu_proposals():
    return LDMenuItem(
        "Slots to approve", reverse("practiceweek_admin:proposals"), icon_name="tick", order=400
    )


@hooks.register("register_practiceweek_menu_item")
def menu_upload():
    return LDMenuItem("Upload slots", reverse("practiceweek_admin:upload"), icon_name="upload", order=500)


@hooks.register("register_practiceweek_menu_item")
def menu_bookings():
    return LDMenuItem("Bookings", reverse("practiceweek_booking:index"), icon_name="list-ul", order=600)


@hooks.register("register_practiceweek_menu_item")
def menu_attendance():
    return LDMenuItem(
        "Attendance", reverse("practiceweek_admin:attendance"), icon_name="tick-inverse", order=700
    )


def practice_week_record_sections(user) -> list[dict]:
    """Practice week in the person's learning record: each visit, attendance, and a link to the reflection.

    The reflection's text is not copied here: it stays on its own private page.
    """
    visits = selectors.learning_record_visits(user=user)
    if not visits:
        return []
    now = timezone.now()
    rows = []
    for booking in visits:
        slot = booking.slot
        started = slot.starts_at <= now
        has_reflection = hasattr(booking, "reflection")
        rows.append(
            {
                "activity": slot.get_activity_display(),
                "team": slot.host_team.name,
                "starts_at": slot.starts_at,
                "attendance": booking.get_attendance_display()
                if booking.attendance
                else ("Not recorded yet" if started else "Booked"),
                "has_reflection": has_reflection,
                "reflection_url": reverse("practiceweek:reflection", args=[booking.pk])
                if started and booking.attendance != Booking.Attendance.ABSENT
                else "",
            }
        )
    return [
        {
            "title": "Practice week",
            "template": "practiceweek/learning_record_section.html",
            "context": {"visits": rows},
        }
    ]


@hooks.register("learning_record_sections")
def register_learning_record_sections():
    return practice_week_record_sections
