"""Reads for practice week: who may do what, what there is to book, and the L&D figures."""

from practiceweek.selectors.access import (
    hosted_slots,
    user_agency_id,
    user_can_book,
    user_home_team,
    user_hosts_slot,
    user_is_host,
    user_is_ld,
)
from practiceweek.selectors.bookings import (
    booking_active_for,
    booking_of,
    booking_on_slot,
    bookings_of,
    host_slots_with_visitors,
    learning_record_visits,
    waitlist_position,
)
from practiceweek.selectors.reports import (
    THEMES_MIN_GROUP,
    Grid,
    GridCell,
    attendance_rows,
    attendance_summary,
    grid_by_day_and_team,
    reflection_themes,
    slot_roster,
)
from practiceweek.selectors.slots import (
    SlotFilters,
    slot_activities,
    slot_for_booking,
    slot_localities,
    slots_browse,
    slots_by_day,
)
from practiceweek.selectors.weeks import signup_state, week_current, week_days

__all__ = [
    "THEMES_MIN_GROUP",
    "Grid",
    "GridCell",
    "SlotFilters",
    "attendance_rows",
    "attendance_summary",
    "booking_active_for",
    "booking_of",
    "booking_on_slot",
    "bookings_of",
    "grid_by_day_and_team",
    "host_slots_with_visitors",
    "hosted_slots",
    "learning_record_visits",
    "reflection_themes",
    "signup_state",
    "slot_activities",
    "slot_for_booking",
    "slot_localities",
    "slot_roster",
    "slots_browse",
    "slots_by_day",
    "user_agency_id",
    "user_can_book",
    "user_home_team",
    "user_hosts_slot",
    "user_is_host",
    "user_is_ld",
    "waitlist_position",
    "week_current",
    "week_days",
]
