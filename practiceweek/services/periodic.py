"""Periodic messages: visit reminders and L&D's daily digest, each sent once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.email import absolute_url
from cms.core.ledger import message_claim
from cms.people import roles
from cms.people.models import User
from practiceweek import conf, notifications
from practiceweek.models import (
    Booking,
    BookingEvent,
    PracticeWeek,
    Slot,
)
from practiceweek.selectors import grid_by_day_and_team

# --- periodic messages ----------------------------------------------------------------------


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Remind people of visits starting in the next 48 hours, once per booking and start time."""
    now = now or timezone.now()
    window_end = now + dt.timedelta(hours=conf.REMINDER_HOURS)
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        slot__status=Slot.Status.APPROVED,
        slot__starts_at__gt=now,
        slot__starts_at__lte=window_end,
    ).select_related("user", "slot", "slot__host_team")
    sent = 0
    for booking in due:
        key = f"reminder:{booking.pk}:{booking.slot.starts_at:%Y%m%dT%H%M%z}"
        with transaction.atomic():
            # Checked again at send time: a cancellation since the query wins.
            if not Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).exists():
                continue
            if message_claim(key=key):
                notifications.reminder(booking=booking)
                sent += 1
    return sent


def ld_digest_send(*, now: dt.datetime | None = None) -> int:
    """Once a day per running week, tell L&D what changed and how full the week is."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    recipients = sorted(
        set(
            User.objects.filter(is_active=True, groups__name__in=roles.LD_GROUPS)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    sent = 0
    for week in PracticeWeek.objects.filter(signup_opens_at__lte=now, ends_on__gte=today):
        since = now - dt.timedelta(hours=24)
        events = BookingEvent.objects.filter(booking__slot__week=week, at__gt=since)
        grid = grid_by_day_and_team(week=week)
        slots = [slot for cell in grid.totals for slot in cell.slots]
        figures = {
            "new_confirmed": events.filter(to_status=Booking.Status.CONFIRMED).count(),
            "new_waitlisted": events.filter(to_status=Booking.Status.WAITLISTED).count(),
            "cancelled": events.filter(to_status=Booking.Status.CANCELLED).count(),
            "offers_expired": events.filter(to_status=Booking.Status.EXPIRED).count(),
            "confirmed": sum(cell.confirmed for cell in grid.totals),
            "capacity": sum(cell.capacity for cell in grid.totals),
            "offered": sum(cell.offered for cell in grid.totals),
            "waitlisted": sum(cell.waitlisted for cell in grid.totals),
            "proposed": Slot.objects.filter(week=week, status=Slot.Status.PROPOSED).count(),
            "full_slots": sum(1 for slot in slots if slot.places_held >= slot.capacity),
            "slots": len(slots),
        }
        context = {
            "week": {"name": week.name},
            "date": date_format(today, "l j F Y"),
            "figures": figures,
            "days": [
                {
                    "day": date_format(day, "l j F"),
                    "confirmed": cell.confirmed,
                    "capacity": cell.capacity,
                    "waitlisted": cell.waitlisted,
                }
                for day, cell in zip(grid.days, grid.totals, strict=True)
            ],
            "grid_url": absolute_url(reverse("practiceweek_admin:grid", args=[week.pk])),
        }
        with transaction.atomic():
            if recipients and message_claim(key=f"ld-digest:{week.pk}:{today:%Y-%m-%d}"):
                notifications.ld_digest(to=recipients, context=context)
                sent += 1
    return sent
