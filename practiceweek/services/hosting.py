"""Hosts' side (proposals, L&D's review, attendance) and the visitor's reflection afterwards."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

from cms.core.ledger import message_claim
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


# --- telling hosts a slot moved --------------------------------------------------------


def slot_change_stamp(*, slot: Slot) -> str:
    """A short fingerprint of a slot's time and place: one message per host per version of them."""
    facts = "|".join(
        [slot.starts_at.isoformat(), slot.ends_at.isoformat(), slot.meeting_point, slot.locality]
    )
    return hashlib.sha256(facts.encode()).hexdigest()[:16]


def slot_change_hosts_tell(*, slot_id: int, changes: list[str]) -> int:
    """Email the slot's named hosts (and whoever proposed it) that its time or place changed.

    Bookers get an updated invitation (services.slots.slot_changed); hosts need to know as
    much. Each host is told once per version of the slot's time and place (a key in the
    send-once ledger), so a retried task or a second worker sends nothing twice, and a later
    change is told again. A slot withdrawn or moved again since the change is told as it now is.
    """
    slot = (
        Slot.objects.select_related("host_team", "proposed_by")
        .prefetch_related("hosts")
        .filter(pk=slot_id, status=Slot.Status.APPROVED)
        .first()
    )
    if slot is None:
        return 0
    stamp = slot_change_stamp(slot=slot)
    recipients = {host.pk: host for host in slot.hosts.all() if host.is_active}
    if slot.proposed_by is not None and slot.proposed_by.is_active:
        recipients.setdefault(slot.proposed_by.pk, slot.proposed_by)
    told = 0
    for user in recipients.values():
        if message_claim(key=f"slot-changed:{slot.pk}:{stamp}:{user.pk}", user_id=user.pk):
            notifications.slot_changed_for_host(user=user, slot=slot, changes=changes)
            told += 1
    return told
