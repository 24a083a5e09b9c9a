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


# L&D's practice week menu: (label, URL name, icon, order).
LD_MENU = (
    ("Day by team", "practiceweek_admin:grid_current", "table", 100),
    ("Weeks", "practiceweek_week:index", "date", 200),
    ("Slots", "practiceweek_slot:index", "group", 300),
    ("Slots to approve", "practiceweek_admin:proposals", "tick", 400),
    ("Upload slots", "practiceweek_admin:upload", "upload", 500),
    ("Bookings", "practiceweek_booking:index", "list-ul", 600),
    ("Attendance", "practiceweek_admin:attendance", "tick-inverse", 700),
)


def _ld_menu_item(label: str, url_name: str, icon: str, order: int):
    def menu_item():
        return LDMenuItem(label, reverse(url_name), icon_name=icon, order=order)

    return menu_item


for _entry in LD_MENU:
    hooks.register("register_practiceweek_menu_item", _ld_menu_item(*_entry))


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
