"""Hosts' side (proposals, L&D's review, attendance) and the visitor's reflection afterwards."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cms.people.models import Team, User
from practiceweek import notifications
from practiceweek.models import (
    Booking,
    PracticeWeek,
    Reflection,
    Slot,
)
from practiceweek.selectors import (
    user_home_team,
    user_hosts_slot,
    user_is_ld,
)
from practiceweek.services.rules import (
    BookingRefused,
    _record,
    _slot_locked,
)

# --- proposals -------------------------------------------------------------------------


def slot_propose(
    *,
    user: User,
    week: PracticeWeek,
    team: Team,
    activity: str,
    description: str,
    locality: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    meeting_point: str,
    access_notes: str = "",
) -> Slot:
    """A host offers a slot for their own team; it opens once L&D approve it."""
    home_team = user_home_team(user=user)
    if not (user_is_ld(user=user) or (home_team is not None and home_team.pk == team.pk)):
        raise BookingRefused("not_allowed", "You can only propose slots for your own team.")
    if ends_at <= starts_at:
        raise BookingRefused("times", "The slot must end after it starts.")
    if not (week.starts_on <= timezone.localtime(starts_at).date() <= week.ends_on):
        raise BookingRefused("times", f"The slot must fall within {week.name}.")
    with transaction.atomic():
        slot = Slot.objects.create(
            week=week,
            host_team=team,
            activity=activity,
            description=description,
            locality=locality or team.locality,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            meeting_point=meeting_point,
            access_notes=access_notes,
            status=Slot.Status.PROPOSED,
            proposed_by=user,
        )
        slot.hosts.add(user)
    return slot


def slot_review(*, slot_id: int, actor: User, approve: bool, note: str = "") -> Slot:
    """L&D approve (open for booking) or decline a host's proposed slot."""
    if not user_is_ld(user=actor):
        raise BookingRefused("not_allowed", "Only the L&D team can approve slots.")
    with transaction.atomic():
        slot = _slot_locked(slot_id)
        if slot is None or slot.status != Slot.Status.PROPOSED:
            raise BookingRefused("not_found", "That slot is not awaiting approval.")
        slot.status = Slot.Status.APPROVED if approve else Slot.Status.DECLINED
        slot.save(update_fields=["status", "updated_at"])
        notifications.slot_review(slot=slot, approved=approve, note=note)
    return slot


# --- hosts and afterwards ------------------------------------------------------------------


def attendance_record(
    *, slot_id: int, actor: User, marks: dict[int, str], now: dt.datetime | None = None
) -> int:
    """A host (or L&D) records who attended a slot that has started. Returns how many changed."""
    now = now or timezone.now()
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None or not (user_hosts_slot(user=actor, slot=slot) or user_is_ld(user=actor)):
        raise BookingRefused("not_found", "We could not find that slot among the ones you host.")
    if slot.starts_at > now:
        raise BookingRefused("too_early", "Attendance can be recorded once the slot has started.")
    allowed = {value for value, _ in Booking.Attendance.choices}
    changed = 0
    with transaction.atomic():
        bookings = {
            b.pk: b
            for b in Booking.objects.select_for_update().filter(slot=slot, status=Booking.Status.CONFIRMED)
        }
        for booking_id, attendance in marks.items():
            booking = bookings.get(booking_id)
            if booking is None or attendance not in allowed:
                raise BookingRefused("invalid", "That attendance record does not match this slot's visitors.")
            if booking.attendance == attendance:
                continue
            booking.attendance = attendance
            booking.attendance_marked_by = actor
            booking.attendance_marked_at = now
            booking.save(
                update_fields=["attendance", "attendance_marked_by", "attendance_marked_at", "updated_at"]
            )
            _record(
                booking,
                action=f"attendance: {booking.get_attendance_display().lower()}",
                from_status=booking.status,
                actor=actor,
                at=now,
            )
            changed += 1
    return changed


def reflection_save(
    *,
    booking_id: int,
    user: User,
    text: str,
    themes: list[str],
    share_themes: bool,
    now: dt.datetime | None = None,
) -> Reflection:
    """The shadower's private reflection on a visit that has taken place."""
    now = now or timezone.now()
    booking = Booking.objects.select_related("slot").filter(pk=booking_id, user_id=user.pk).first()
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        raise BookingRefused("not_found", "We could not find that visit among your bookings.")
    if booking.slot.starts_at > now:
        raise BookingRefused("too_early", "You can write your reflection once the visit has taken place.")
    if booking.attendance == Booking.Attendance.ABSENT:
        raise BookingRefused("absent", "The host recorded that you did not attend this visit.")
    valid = {value for value, _ in Reflection.Theme.choices}
    if not set(themes) <= valid:
        raise BookingRefused("invalid", "Choose themes from the list.")
    if not text.strip():
        raise BookingRefused("empty", "Write your reflection.")
    reflection, _ = Reflection.objects.update_or_create(
        booking=booking,
        defaults={"text": text.strip(), "themes": sorted(set(themes)), "share_themes": share_themes},
    )
    return reflection
