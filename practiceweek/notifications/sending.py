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


def _send_to_booker(
    booking: Booking, about: str, *, confirmed: bool, lines: list[str], actions=(), attachments=()
) -> None:
    """Email the person who booked, the subject naming what happened (`about`) and the slot."""
    slot = booking.slot
    send_to_user(
        user=booking.user,
        subject=f"{about}: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=lines,
        slot=slot_details(slot=slot, confirmed=confirmed),
        actions=actions,
        attachments=attachments,
    )


def _calendar(booking: Booking, method: str, details: dict):
    """The booking's .ics: REQUEST adds or updates it in a calendar, CANCEL removes it."""
    return booking_ics_attachment(booking=booking, method=method, sequence=details.get("sequence"))


def _confirmed_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    _send_to_booker(
        booking,
        "Confirmed",
        confirmed=True,
        lines=[
            "Your practice week place is confirmed. The calendar invitation is attached.",
            "Please keep to the confidentiality agreement you accepted: nothing you see or hear "
            "about families leaves the visit.",
        ],
        actions=[slot_action(slot), my_bookings_action()],
        attachments=[_calendar(booking, "REQUEST", details)],
    )
    _hosts_told(booking=booking, joined=True)


def _waitlisted_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    position = waitlist_position(booking=booking)
    _send_to_booker(
        booking,
        "On the waitlist",
        confirmed=False,
        lines=[
            f"This slot is full, so you are number {position} on its waitlist."
            if position
            else "This slot is full, so you are on its waitlist.",
            "If a place frees up we will email you an offer to accept or decline within a set time.",
        ],
        actions=[slot_action(slot), my_bookings_action()],
    )


def _requested_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    closes = slot.week.ballot_closes_at
    when = f"after {date_format(timezone.localtime(closes), 'l j F, g:i A')}" if closes else "soon"
    _send_to_booker(
        booking,
        "Ballot request received",
        confirmed=False,
        lines=[f"We have your request. Places are drawn by ballot {when}; we will email you the result."],
        actions=[my_bookings_action()],
    )


def _cancelled_send(booking: Booking, details: dict) -> None:
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
        attachments.append(_calendar(booking, "CANCEL", details))
    _send_to_booker(
        booking,
        "Cancelled",
        confirmed=False,
        lines=lines,
        actions=[my_bookings_action()],
        attachments=attachments,
    )
    if was_confirmed:
        _hosts_told(booking=booking, joined=False)


def _updated_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    _send_to_booker(
        booking,
        "Changed",
        confirmed=True,
        lines=[
            "The time or place of your practice week visit has changed. "
            "The attached update replaces it in your calendar."
        ],
        actions=[slot_action(slot)],
        attachments=[_calendar(booking, "REQUEST", details)],
    )


def _offer_made_send(booking: Booking, details: dict) -> None:
    token = offer_token(booking=booking, offer_round=details.get("offer_round"))
    url = absolute_url(reverse("practiceweek:offer", args=[token]))
    expires_text = details.get("expires_at")
    expires = dt.datetime.fromisoformat(expires_text) if expires_text else booking.offer_expires_at
    deadline = (
        f"Accept or decline by {date_format(timezone.localtime(expires), 'l j F, g:i A')}. "
        if expires
        else "Accept or decline soon. "
    )
    _send_to_booker(
        booking,
        "A place is free",
        confirmed=False,
        lines=[
            "A place has come free on a slot you are waiting for, and it is yours if you want it.",
            deadline + "After that the offer moves to the next person on the waitlist.",
        ],
        actions=[{"label": "Accept or decline the place", "url": url}],
    )


def _offer_expired_send(booking: Booking, details: dict) -> None:
    _send_to_booker(
        booking,
        "Offer expired",
        confirmed=False,
        lines=["The place we offered you was not accepted in time, so it has moved to the next person."],
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
