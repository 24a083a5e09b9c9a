"""Waitlist offers: made when a place frees, accepted, declined or expired."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cms.core.ledger import message_claim
from cms.people.models import User
from practiceweek import notifications
from practiceweek.models import (
    Booking,
    Slot,
)
from practiceweek.services.rules import (
    BookingRefused,
    _fmt,
    _free_place,
    _person_refusal,
    _quotas_locked,
    _record,
    _slot_locked_or_missing,
    _take_place,
    _users_locked,
)


def _offer_free_places(*, slot: Slot, now: dt.datetime) -> list[Booking]:
    """Offer free places to the waitlist in order, skipping people a rule would refuse.

    The caller holds the slot lock. Each offer holds a place (places_held + 1).
    """
    if slot.status != Slot.Status.APPROVED or slot.starts_at <= now or slot.places_held >= slot.capacity:
        return []
    waiting = list(
        Booking.objects.filter(slot=slot, status=Booking.Status.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "pk")
    )
    if not waiting:
        return []
    _users_locked(b.user_id for b in waiting)
    quotas = _quotas_locked(slot.week, (b.agency_id for b in waiting))
    offered: list[Booking] = []
    for booking in waiting:
        if slot.places_held >= slot.capacity:
            break
        refusal = _person_refusal(
            user_id=booking.user_id,
            agency_id=booking.agency_id,
            slot=slot,
            quotas=quotas,
            exclude_booking_id=booking.pk,
        )
        if refusal is not None:
            continue
        _take_place(slot)
        booking.status = Booking.Status.OFFERED
        booking.offer_round += 1
        booking.offer_expires_at = min(now + dt.timedelta(hours=slot.week.offer_hours), slot.starts_at)
        booking.slot = slot
        booking.save()
        _record(booking, action="offered", from_status=Booking.Status.WAITLISTED, at=now)
        notifications.offer_made(booking=booking)
        offered.append(booking)
    return offered


def offer_respond(
    *, booking_id: int, offer_round: int, user: User, accept: bool, now: dt.datetime | None = None
) -> Booking:
    """Accept (confirmed, with an invite) or decline (the place moves on) a waitlist offer."""
    now = now or timezone.now()
    slot_id = Booking.objects.filter(pk=booking_id, user_id=user.pk).values_list("slot_id", flat=True).first()
    if slot_id is None:
        raise BookingRefused("offer_invalid", "This offer link is not valid for your account.")
    with transaction.atomic():
        slot = _slot_locked_or_missing(slot_id)
        booking = Booking.objects.select_related("user", "agency").get(pk=booking_id)
        booking.slot = slot
        expires_at = booking.offer_expires_at
        if (
            booking.status != Booking.Status.OFFERED
            or booking.offer_round != offer_round
            or expires_at is None
        ):
            raise BookingRefused("offer_closed", "This offer is no longer open.")
        expired = expires_at <= now
        previous = booking.status
        if expired:
            # Committed before refusing: the place moves on to the next person.
            _offer_expire(booking=booking, slot=slot, now=now)
        elif accept:
            booking.status = Booking.Status.CONFIRMED
            booking.offer_expires_at = None
            booking.save()
            _record(booking, action="offer accepted", from_status=previous, actor=user, at=now)
            notifications.booking_confirmed(booking=booking)
        else:
            booking.status = Booking.Status.DECLINED
            booking.offer_expires_at = None
            booking.cancelled_at = now
            booking.save()
            _free_place(slot)
            _record(booking, action="offer declined", from_status=previous, actor=user, at=now)
            _offer_free_places(slot=slot, now=now)
    if expired:
        raise BookingRefused("offer_expired", f"This offer expired on {_fmt(expires_at)}.")
    return booking


def _offer_expire(*, booking: Booking, slot: Slot, now: dt.datetime) -> None:
    booking.status = Booking.Status.EXPIRED
    booking.save(update_fields=["status", "updated_at"])
    _free_place(slot)
    _record(booking, action="offer expired", from_status=Booking.Status.OFFERED, at=now)
    key = f"offer-expired:{booking.pk}:{booking.offer_round}"
    if message_claim(key=key):
        notifications.offer_expired(booking=booking)
    _offer_free_places(slot=slot, now=now)


def offers_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire offers past their time and move each place on. Safe to run repeatedly or concurrently."""
    now = now or timezone.now()
    due = list(
        Booking.objects.filter(status=Booking.Status.OFFERED, offer_expires_at__lte=now).values_list(
            "pk", "slot_id"
        )
    )
    expired = 0
    for booking_id, slot_id in due:
        with transaction.atomic():
            slot = _slot_locked_or_missing(slot_id)
            booking = Booking.objects.select_related("user").filter(pk=booking_id).first()
            if (
                booking is None
                or booking.status != Booking.Status.OFFERED
                or booking.offer_expires_at is None
                or booking.offer_expires_at > now
            ):
                continue
            booking.slot = slot
            _offer_expire(booking=booking, slot=slot, now=now)
            expired += 1
    return expired
