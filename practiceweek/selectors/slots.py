"""What there is to book: open slots, filtered, by day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from practiceweek.models import Activity, Booking, PracticeWeek, Slot
from practiceweek.selectors.weeks import week_days


@dataclass
class SlotFilters:
    day: dt.date | None = None
    locality: str = ""
    activity: str = ""
    availability: str = ""  # "", "places" (places left) or "full" (waitlist only)


def slots_browse(*, week: PracticeWeek, filters: SlotFilters | None = None) -> list[Slot]:
    """Open slots of the week, filtered, in time order, with the waitlist length."""
    filters = filters or SlotFilters()
    slots = (
        Slot.objects.filter(week=week, status=Slot.Status.APPROVED)
        .select_related("host_team")
        .annotate(waitlist_length=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)))
        .order_by("starts_at", "host_team__name", "pk")
    )
    if filters.locality:
        slots = slots.filter(locality=filters.locality)
    if filters.activity:
        slots = slots.filter(activity=filters.activity)
    result: list[Slot] = list(slots)
    if filters.day:
        result = [slot for slot in result if timezone.localtime(slot.starts_at).date() == filters.day]
    if filters.availability == "places":
        result = [slot for slot in result if slot.places_left > 0]
    elif filters.availability == "full":
        result = [slot for slot in result if slot.places_left == 0]
    return result


def slot_localities(*, week: PracticeWeek) -> list[str]:
    return list(
        Slot.objects.filter(week=week, status=Slot.Status.APPROVED)
        .order_by("locality")
        .values_list("locality", flat=True)
        .distinct()
    )


def slot_activities(*, week: PracticeWeek) -> list[tuple[str, str]]:
    present = set(
        Slot.objects.filter(week=week, status=Slot.Status.APPROVED)
        .values_list("activity", flat=True)
        .distinct()
    )
    return [(value, label) for value, label in Activity.choices if value in present]


def slots_by_day(*, week: PracticeWeek, slots: list[Slot]) -> list[tuple[dt.date, list[Slot]]]:
    grouped: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in slots:
        grouped[timezone.localtime(slot.starts_at).date()].append(slot)
    return [(day, grouped.get(day, [])) for day in week_days(week=week)]


def slot_for_booking(*, slot_id: int) -> Slot | None:
    """An open slot, or None (a forged or unpublished id reads as missing)."""
    return (
        Slot.objects.filter(pk=slot_id, status=Slot.Status.APPROVED)
        .select_related("week", "host_team", "host_team__agency", "week__prerequisite_module")
        .annotate(waitlist_length=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)))
        .first()
    )
