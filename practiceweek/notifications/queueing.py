"""Queueing, inside the transaction that made the change: each call queues the worker's
send after commit with the booking's id and the facts that must be as they were."""

from __future__ import annotations

from cms.core.queue import task_queue_after_commit
from practiceweek.models import Booking
from practiceweek.notifications.common import notice_queue


def booking_confirmed(*, booking: Booking) -> None:
    """Confirmation with an .ics REQUEST to the person; the hosts are told who is coming."""
    notice_queue("confirmed", booking, sequence=booking.ics_sequence)


def booking_waitlisted(*, booking: Booking) -> None:
    notice_queue("waitlisted", booking)


def booking_requested(*, booking: Booking) -> None:
    notice_queue("requested", booking)


def booking_cancelled(*, booking: Booking, previous_status: str, by_ld: bool) -> None:
    """Cancellation (an .ics CANCEL if the place was confirmed); the hosts are told."""
    notice_queue(
        "cancelled", booking, sequence=booking.ics_sequence, previous_status=previous_status, by_ld=by_ld
    )


def booking_updated(*, booking: Booking) -> None:
    """The slot's time or place changed: an .ics REQUEST with the same UID and a higher SEQUENCE."""
    notice_queue("updated", booking, sequence=booking.ics_sequence)


def offer_made(*, booking: Booking) -> None:
    notice_queue(
        "offer_made",
        booking,
        offer_round=booking.offer_round,
        expires_at=booking.offer_expires_at.isoformat() if booking.offer_expires_at else None,
    )


def offer_expired(*, booking: Booking) -> None:
    notice_queue("offer_expired", booking)


def ballot_result(*, user, confirmed: list[Booking], waitlisted: list[Booking]) -> None:
    user_id = user.pk
    won = [[booking.pk, booking.ics_sequence] for booking in confirmed]
    waiting = [booking.pk for booking in waitlisted]
    task_queue_after_commit(
        "practiceweek.tasks.send_ballot_result", user_id=user_id, confirmed=won, waitlisted=waiting
    )
