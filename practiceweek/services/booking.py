"""Booking, cancelling, and L&D's allocations and waitlist moves."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.people.models import User
from learning.selectors import module_completed
from practiceweek import notifications
from practiceweek.models import (
    Booking,
    Slot,
)
from practiceweek.selectors import (
    signup_state,
    user_agency_id,
    user_can_book,
    user_is_ld,
)
from practiceweek.services.rules import (
    BookingRefused,
    _bookings_of_person,
    _clash_refusal,
    _fmt,
    _free_place,
    _person_refusal,
    _quotas_locked,
    _record,
    _signup_refusal,
    _slot_locked,
    _slot_locked_for_booking,
    _take_place,
    _users_locked,
)
from practiceweek.services.waitlist import _offer_free_places

# --- booking ------------------------------------------------------------------------


def booking_create(*, user: User, slot_id: int, agreed: bool, now: dt.datetime | None = None) -> Booking:
    """Book a place: confirmed when one is free, waitlisted when full, a request in ballot mode.

    Refuses (BookingRefused) with a reason: not allowed, missing slot, sign-up not open or
    closed, ballot being drawn, slot started, agreement not accepted, prerequisite not
    complete, already booked, time clash, per-person limit, agency quota.

    The hot path of practice week's opening minutes, so it stays lean: one transaction of
    a handful of statements (lock the slot, lock the person, read the person's active
    bookings once for the duplicate, clash and limit rules, the agency quota only when the
    week has one, a conditional UPDATE of the slot's count, two INSERTs). Emails and the
    .ics are built by a worker after commit (practiceweek.notifications).
    """
    now = now or timezone.now()
    if not user_can_book(user=user):
        raise BookingRefused(
            "not_allowed",
            "Only senior managers of the council and its partner agencies can book practice week slots.",
        )
    if not agreed:
        raise BookingRefused("agreement", "Accept the confidentiality agreement to book this slot.")
    agency_id = user_agency_id(user=user)
    try:
        with transaction.atomic():
            slot = _slot_locked_for_booking(slot_id, agency_id=agency_id)
            if slot is None or slot.status != Slot.Status.APPROVED:
                raise BookingRefused("not_found", "That slot does not exist or is not open for booking.")
            week = slot.week
            if slot.starts_at <= now:
                raise BookingRefused("slot_started", "This slot has already started.")
            refusal = _signup_refusal(week, now)
            if refusal:
                raise refusal
            module = week.prerequisite_module if week.prerequisite_module_id else None
            if module is not None and not module_completed(user=user, module_id=module.pk):
                raise BookingRefused(
                    "prerequisite",
                    f"Complete the module “{module.title}” before booking a practice week slot.",
                )
            _users_locked([user.pk])
            active = _bookings_of_person(user.pk, statuses=Booking.ACTIVE)
            existing = next((booking for booking in active if booking.slot_id == slot.pk), None)
            if existing is not None:
                raise BookingRefused(
                    "duplicate",
                    "You already have a booking for this slot "
                    f"({Booking.Status(existing.status).label.lower()}).",
                )
            held = [booking for booking in active if booking.status in Booking.HELD]
            ballot = signup_state(week=week, now=now) == "ballot"
            if ballot:
                # Requests may overlap each other (the draw resolves that); places already held clash.
                refusal = _clash_refusal(held=held, slot=slot)
            else:
                has_quota = agency_id is not None and getattr(slot, "agency_quota", None) is not None
                quotas = _quotas_locked(week, [agency_id]) if has_quota else {}
                refusal = _person_refusal(
                    user_id=user.pk, agency_id=agency_id, slot=slot, quotas=quotas, held=held
                )
            if refusal:
                raise refusal
            if ballot:
                status = Booking.Status.REQUESTED
            elif slot.places_held < slot.capacity:
                _take_place(slot)
                status = Booking.Status.CONFIRMED
            else:
                status = Booking.Status.WAITLISTED
            booking = Booking.objects.create(
                slot=slot, user=user, agency_id=agency_id, status=status, queued_at=now, agreed_at=now
            )
            _record(booking, action="booked", from_status="", actor=user, at=now)
            if status == Booking.Status.CONFIRMED:
                notifications.booking_confirmed(booking=booking)
            elif status == Booking.Status.WAITLISTED:
                notifications.booking_waitlisted(booking=booking)
            else:
                notifications.booking_requested(booking=booking)
    except IntegrityError as error:
        # The checks under the locks make these unreachable; the constraints are the last line.
        if "never_overbooked" in str(error):
            raise BookingRefused("full", "There are no places left on this slot.") from error
        raise BookingRefused("duplicate", "You already have a booking for this slot.") from error
    return booking


def cancellation_deadline(*, slot: Slot) -> dt.datetime:
    return slot.starts_at - dt.timedelta(hours=slot.week.cancellation_cutoff_hours)


def booking_cancel(
    *, booking_id: int, user: User, override: bool = False, note: str = "", now: dt.datetime | None = None
) -> Booking:
    """Cancel a booking (or leave a waitlist); a freed place is offered to the waitlist.

    The owner may cancel a confirmed place until the week's cut-off. L&D may cancel
    anyone's booking at any time with `override=True`; that is recorded with the note.
    """
    now = now or timezone.now()
    ld = override and user_is_ld(user=user)
    if override and not ld:
        raise BookingRefused("not_allowed", "Only the L&D team can cancel other people's bookings.")
    slot_id = Booking.objects.filter(pk=booking_id).values_list("slot_id", flat=True).first()
    with transaction.atomic():
        slot = _slot_locked(slot_id) if slot_id else None
        booking = (
            Booking.objects.select_related("user", "agency", "slot", "slot__host_team", "slot__week")
            .filter(pk=booking_id)
            .first()
        )
        if slot is None or booking is None or (booking.user_id != user.pk and not ld):
            raise BookingRefused("not_found", "We could not find that booking.")
        booking.slot = slot
        if booking.status not in Booking.ACTIVE:
            raise BookingRefused("not_active", "This booking is already cancelled.")
        if booking.status == Booking.Status.CONFIRMED and not ld:
            deadline = cancellation_deadline(slot=slot)
            if now >= deadline:
                raise BookingRefused(
                    "cutoff",
                    f"Places can only be cancelled up to {slot.week.cancellation_cutoff_hours} hours "
                    f"before the visit (by {_fmt(deadline)}). Please contact the L&D team.",
                )
        previous = booking.status
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.offer_expires_at = None
        if previous in Booking.HELD:
            _free_place(slot)
        if previous == Booking.Status.CONFIRMED:
            booking.ics_sequence += 1
        booking.save()
        _record(booking, action="cancelled", from_status=previous, actor=user, by_ld=ld, note=note, at=now)
        notifications.booking_cancelled(booking=booking, previous_status=previous, by_ld=ld)
        if previous in Booking.HELD:
            _offer_free_places(slot=slot, now=now)
    return booking


# --- L&D allocation and overrides ---------------------------------------------------------


def booking_allocate(
    *, actor: User, user: User, slot_id: int, note: str, now: dt.datetime | None = None
) -> Booking:
    """L&D give a person a confirmed place, overriding the person rules (recorded).

    Capacity is never overridden: raise the slot's capacity first if it is full.
    An existing request, waitlist entry or offer for the slot becomes the confirmed place.
    """
    now = now or timezone.now()
    if not user_is_ld(user=actor):
        raise BookingRefused("not_allowed", "Only the L&D team can allocate places.")
    if not note.strip():
        raise BookingRefused("note", "Say why you are allocating this place: it is recorded.")
    agency_id = user_agency_id(user=user)
    with transaction.atomic():
        slot = _slot_locked(slot_id)
        if slot is None or slot.status != Slot.Status.APPROVED:
            raise BookingRefused("not_found", "That slot does not exist or is not open.")
        _users_locked([user.pk])
        quotas = _quotas_locked(slot.week, [agency_id])
        existing = Booking.objects.filter(slot=slot, user=user, status__in=Booking.ACTIVE).first()
        if existing is not None and existing.status == Booking.Status.CONFIRMED:
            raise BookingRefused("duplicate", f"{user} already has a confirmed place on this slot.")
        overridden = _person_refusal(
            user_id=user.pk,
            agency_id=agency_id,
            slot=slot,
            quotas=quotas,
            exclude_booking_id=existing.pk if existing else None,
        )
        if existing is None or existing.status != Booking.Status.OFFERED:
            _take_place(slot)
        full_note = note.strip() + (f" (overrode: {overridden.message})" if overridden else "")
        if existing is None:
            booking = Booking.objects.create(
                slot=slot, user=user, agency_id=agency_id, status=Booking.Status.CONFIRMED, queued_at=now
            )
            previous = ""
        else:
            booking = existing
            previous = existing.status
            booking.status = Booking.Status.CONFIRMED
            booking.offer_expires_at = None
            booking.save()
        booking.slot = slot
        _record(
            booking,
            action="allocated by L&D",
            from_status=previous,
            actor=actor,
            by_ld=True,
            note=full_note,
            at=now,
        )
        notifications.booking_confirmed(booking=booking)
    return booking


def booking_waitlist_move_to_front(
    *, actor: User, booking_id: int, note: str, now: dt.datetime | None = None
) -> Booking:
    """L&D put a waitlisted person first in the queue (recorded)."""
    now = now or timezone.now()
    if not user_is_ld(user=actor):
        raise BookingRefused("not_allowed", "Only the L&D team can reorder a waitlist.")
    if not note.strip():
        raise BookingRefused("note", "Say why you are moving this person: it is recorded.")
    slot_id = Booking.objects.filter(pk=booking_id).values_list("slot_id", flat=True).first()
    with transaction.atomic():
        slot = _slot_locked(slot_id) if slot_id else None
        booking = Booking.objects.filter(pk=booking_id, status=Booking.Status.WAITLISTED).first()
        if slot is None or booking is None:
            raise BookingRefused("not_found", "That person is not on a waitlist.")
        first = (
            Booking.objects.filter(slot=slot, status=Booking.Status.WAITLISTED)
            .order_by("queued_at", "pk")
            .first()
        )
        if first is not None and first.pk != booking.pk:
            booking.queued_at = first.queued_at - dt.timedelta(seconds=1)
            booking.save(update_fields=["queued_at", "updated_at"])
        _record(
            booking,
            action="moved to front of waitlist",
            from_status=booking.status,
            actor=actor,
            by_ld=True,
            note=note.strip(),
            at=now,
        )
    return booking
