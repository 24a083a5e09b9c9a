"""Sending, run by the Celery worker: loads the booking, builds the email and the .ics, and
queues each email on Celery so one failing recipient is retried on its own."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.email import absolute_url
from practiceweek.ics import booking_ics_attachment
from practiceweek.models import Booking
from practiceweek.notifications.common import (
    my_bookings_action,
    offer_token,
    send_to_user,
    slot_action,
    slot_details,
    when_text,
)
from practiceweek.selectors import waitlist_position


def booking_notice_send(*, kind: str, booking_id: int, details: dict) -> bool:
    """Build and queue the emails for one booking change. False when the booking is gone."""
    booking = (
        Booking.objects.select_related("user", "agency", "slot", "slot__host_team", "slot__week")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return False
    sender = _SENDERS.get(kind)
    if sender is None:
        raise ValueError(f"unknown practice week notice {kind!r}")
    sender(booking, details)
    return True


def _confirmed_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    send_to_user(
        user=booking.user,
        subject=f"Confirmed: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            "Your practice week place is confirmed. The calendar invitation is attached.",
            "Please keep to the confidentiality agreement you accepted: nothing you see or hear "
            "about families leaves the visit.",
        ],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[slot_action(slot), my_bookings_action()],
        attachments=[
            booking_ics_attachment(booking=booking, method="REQUEST", sequence=details.get("sequence"))
        ],
    )
    _hosts_told(booking=booking, joined=True)


def _waitlisted_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    position = waitlist_position(booking=booking)
    send_to_user(
        user=booking.user,
        subject=f"On the waitlist: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            f"This slot is full, so you are number {position} on its waitlist."
            if position
            else "This slot is full, so you are on its waitlist.",
            "If a place frees up we will email you an offer to accept or decline within a set time.",
        ],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[slot_action(slot), my_bookings_action()],
    )


def _requested_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    closes = slot.week.ballot_closes_at
    when = f"after {date_format(timezone.localtime(closes), 'l j F, g:i A')}" if closes else "soon"
    send_to_user(
        user=booking.user,
        subject=f"Ballot request received: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[f"We have your request. Places are drawn by ballot {when}; we will email you the result."],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[my_bookings_action()],
    )


def _cancelled_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    was_confirmed = details.get("previous_status") == Booking.Status.CONFIRMED
    lines = [
        "Your place has been cancelled by the Learning and Development team."
        if details.get("by_ld")
        else "You have cancelled this practice week booking.",
    ]
    if was_confirmed:
        lines.append("The attached cancellation removes it from your calendar.")
    attachments = []
    if was_confirmed:
        attachments.append(
            booking_ics_attachment(booking=booking, method="CANCEL", sequence=details.get("sequence"))
        )
    send_to_user(
        user=booking.user,
        subject=f"Cancelled: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=lines,
        slot=slot_details(slot=slot, confirmed=False),
        actions=[my_bookings_action()],
        attachments=attachments,
    )
    if was_confirmed:
        _hosts_told(booking=booking, joined=False)


def _updated_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    send_to_user(
        user=booking.user,
        subject=f"Changed: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            "The time or place of your practice week visit has changed. "
            "The attached update replaces it in your calendar."
        ],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[slot_action(slot)],
        attachments=[
            booking_ics_attachment(booking=booking, method="REQUEST", sequence=details.get("sequence"))
        ],
    )


def _offer_made_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    token = offer_token(booking=booking, offer_round=details.get("offer_round"))
    url = absolute_url(reverse("practiceweek:offer", args=[token]))
    expires_text = details.get("expires_at")
    expires = dt.datetime.fromisoformat(expires_text) if expires_text else booking.offer_expires_at
    deadline = (
        f"Accept or decline by {date_format(timezone.localtime(expires), 'l j F, g:i A')}. "
        if expires
        else "Accept or decline soon. "
    )
    send_to_user(
        user=booking.user,
        subject=f"A place is free: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            "A place has come free on a slot you are waiting for, and it is yours if you want it.",
            deadline + "After that the offer moves to the next person on the waitlist.",
        ],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[{"label": "Accept or decline the place", "url": url}],
    )


def _offer_expired_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    send_to_user(
        user=booking.user,
        subject=f"Offer expired: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=["The place we offered you was not accepted in time, so it has moved to the next person."],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[my_bookings_action()],
    )


def _hosts_told(*, booking: Booking, joined: bool) -> None:
    slot = booking.slot
    visitor = booking.user
    profile = getattr(visitor, "profile", None)
    who = visitor.get_full_name() or visitor.email
    role = profile.role.name if profile is not None and profile.role is not None else "no role recorded"
    agency = booking.agency.name if booking.agency is not None else "no agency recorded"
    for host in slot.hosts.all():
        send_to_user(
            user=host,
            subject=f"{'New visitor' if joined else 'Visitor cancelled'}: {slot.get_activity_display()}, "
            f"{date_format(timezone.localtime(slot.starts_at), 'D j M')}",
            lines=[
                f"{who} ({role}, {agency}) "
                + (
                    "is coming to shadow you. They have accepted the confidentiality agreement."
                    if joined
                    else "is no longer coming."
                ),
            ],
            slot=slot_details(slot=slot, confirmed=True),
            actions=[
                {"label": "Who is coming to your slots", "url": absolute_url(reverse("practiceweek:hosting"))}
            ],
        )


_SENDERS = {
    "confirmed": _confirmed_send,
    "waitlisted": _waitlisted_send,
    "requested": _requested_send,
    "cancelled": _cancelled_send,
    "updated": _updated_send,
    "offer_made": _offer_made_send,
    "offer_expired": _offer_expired_send,
}


def reminder(*, booking: Booking) -> None:
    """Sent by the reminder task (already in a worker)."""
    slot = booking.slot
    send_to_user(
        user=booking.user,
        subject=f"Reminder: {slot.get_activity_display()} with {slot.host_team.name} is coming up",
        lines=["Your practice week visit is in the next two days. Here are the details again."],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[slot_action(slot)],
    )


def ballot_result_send(*, user_id: int, confirmed: list[list[int]], waitlisted: list[int]) -> None:
    """The person's ballot result: places given (with invites) and waitlists joined."""
    sequences = {int(booking_id): int(sequence) for booking_id, sequence in confirmed}
    bookings = {
        booking.pk: booking
        for booking in Booking.objects.filter(
            user_id=user_id, pk__in=[*sequences, *waitlisted]
        ).select_related("user", "slot", "slot__host_team")
    }
    won = [bookings[booking_id] for booking_id in sequences if booking_id in bookings]
    waiting = [bookings[booking_id] for booking_id in waitlisted if booking_id in bookings]
    if not (won or waiting):
        return
    user = (won or waiting)[0].user
    lines = []
    if won:
        lines.append(
            "The ballot gave you: "
            + "; ".join(
                f"{b.slot.get_activity_display()} with {b.slot.host_team.name}, "
                f"{when_text(starts_at=b.slot.starts_at, ends_at=b.slot.ends_at)}"
                for b in won
            )
            + ". Calendar invitations are attached."
        )
    else:
        lines.append("The ballot did not give you a place this time.")
    if waiting:
        lines.append(
            f"You are on the waitlist for {len(waiting)} other slot{'' if len(waiting) == 1 else 's'}; "
            "we will email you if a place frees."
        )
    send_to_user(
        user=user,
        subject="Your practice week ballot result",
        lines=lines,
        actions=[my_bookings_action()],
        attachments=[
            booking_ics_attachment(booking=b, method="REQUEST", sequence=sequences[b.pk]) for b in won
        ],
    )
