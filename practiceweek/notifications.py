"""The messages practice week sends, all built and sent by Celery after the change commits.

Two halves:

- Queueing (`booking_confirmed`, `booking_cancelled`, `offer_made`, ...): called by
  practiceweek.services inside the transaction that made the change. Each queues
  `practiceweek.tasks.send_booking_notice` after commit (cms.core.queue.task_queue_after_commit)
  with the booking's id and the few facts that must be as they were at the change (the
  calendar SEQUENCE, the offer round and expiry, the previous status). Nothing is built
  in the web request while the broker answers, nothing runs while the slot row is
  locked, and a rolled-back change queues nothing.
- Sending (`booking_notice_send`, run by the worker): loads the booking, builds the
  email and the .ics, and queues each email on Celery (cms.core.queue), so one failing
  recipient is retried on its own.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.email import absolute_url, email_send_after_commit
from cms.core.queue import task_queue_after_commit
from practiceweek.ics import booking_ics_attachment
from practiceweek.models import Booking, Slot
from practiceweek.selectors import waitlist_position

TEMPLATE = "practiceweek/email/notice"
OFFER_TOKEN_SALT = "practiceweek.offer"  # noqa: S105 - a signing namespace, not a secret


def offer_token(*, booking: Booking, offer_round: int | None = None) -> str:
    """A signed link token naming the booking and the offer round (a newer offer voids older links)."""
    round_number = booking.offer_round if offer_round is None else offer_round
    return signing.dumps({"b": booking.pk, "r": round_number}, salt=OFFER_TOKEN_SALT, compress=True)


def offer_token_read(*, token: str) -> tuple[int, int] | None:
    """(booking id, offer round) from a genuine token; None for anything forged or mangled."""
    try:
        data = signing.loads(token, salt=OFFER_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("b"), int) or not isinstance(data.get("r"), int):
        return None
    return data["b"], data["r"]


def when_text(*, starts_at, ends_at) -> str:
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    return f"{date_format(start, 'l j F Y')}, {date_format(start, 'g:i A')} to {date_format(end, 'g:i A')}"


def slot_details(*, slot: Slot, confirmed: bool) -> dict:
    return {
        "activity": slot.get_activity_display(),
        "team": slot.host_team.name,
        "when": when_text(starts_at=slot.starts_at, ends_at=slot.ends_at),
        "locality": slot.locality,
        "meeting_point": slot.meeting_point if confirmed else "",
        "access_notes": slot.access_notes if confirmed else "",
    }


def _greeting(user) -> str:
    return f"Dear {user.first_name or user.get_full_name() or user.email},"


def _slot_action(slot: Slot) -> dict:
    return {"label": "View the slot", "url": absolute_url(reverse("practiceweek:slot", args=[slot.pk]))}


def _my_bookings_action() -> dict:
    return {"label": "Your practice week bookings", "url": absolute_url(reverse("practiceweek:my_bookings"))}


def _send_to_user(*, user, subject: str, lines: list[str], slot=None, actions=(), attachments=()):
    if not user.email:
        return
    email_send_after_commit(
        to=[user.email],
        template=TEMPLATE,
        context={
            "subject": subject,
            "greeting": _greeting(user),
            "lines": lines,
            "slot": slot,
            "actions": list(actions),
        },
        attachments=attachments,
    )


# --- queueing: called inside the transaction that made the change --------------------------


def _queue(kind: str, booking: Booking, **details) -> None:
    task_queue_after_commit(
        "practiceweek.tasks.send_booking_notice", kind=kind, booking_id=booking.pk, details=details
    )


def booking_confirmed(*, booking: Booking) -> None:
    """Confirmation with an .ics REQUEST to the person; the hosts are told who is coming."""
    _queue("confirmed", booking, sequence=booking.ics_sequence)


def booking_waitlisted(*, booking: Booking) -> None:
    _queue("waitlisted", booking)


def booking_requested(*, booking: Booking) -> None:
    _queue("requested", booking)


def booking_cancelled(*, booking: Booking, previous_status: str, by_ld: bool) -> None:
    """Cancellation (an .ics CANCEL if the place was confirmed); the hosts are told."""
    _queue("cancelled", booking, sequence=booking.ics_sequence, previous_status=previous_status, by_ld=by_ld)


def booking_updated(*, booking: Booking) -> None:
    """The slot's time or place changed: an .ics REQUEST with the same UID and a higher SEQUENCE."""
    _queue("updated", booking, sequence=booking.ics_sequence)


def offer_made(*, booking: Booking) -> None:
    _queue(
        "offer_made",
        booking,
        offer_round=booking.offer_round,
        expires_at=booking.offer_expires_at.isoformat() if booking.offer_expires_at else None,
    )


def offer_expired(*, booking: Booking) -> None:
    _queue("offer_expired", booking)


def ballot_result(*, user, confirmed: list[Booking], waitlisted: list[Booking]) -> None:
    user_id = user.pk
    won = [[booking.pk, booking.ics_sequence] for booking in confirmed]
    waiting = [booking.pk for booking in waitlisted]
    task_queue_after_commit(
        "practiceweek.tasks.send_ballot_result", user_id=user_id, confirmed=won, waitlisted=waiting
    )


# --- sending: run by the Celery worker ------------------------------------------------------


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
    _send_to_user(
        user=booking.user,
        subject=f"Confirmed: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            "Your practice week place is confirmed. The calendar invitation is attached.",
            "Please keep to the confidentiality agreement you accepted: nothing you see or hear "
            "about families leaves the visit.",
        ],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[_slot_action(slot), _my_bookings_action()],
        attachments=[
            booking_ics_attachment(booking=booking, method="REQUEST", sequence=details.get("sequence"))
        ],
    )
    _hosts_told(booking=booking, joined=True)


def _waitlisted_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    position = waitlist_position(booking=booking)
    _send_to_user(
        user=booking.user,
        subject=f"On the waitlist: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            f"This slot is full, so you are number {position} on its waitlist."
            if position
            else "This slot is full, so you are on its waitlist.",
            "If a place frees up we will email you an offer to accept or decline within a set time.",
        ],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_slot_action(slot), _my_bookings_action()],
    )


def _requested_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    closes = slot.week.ballot_closes_at
    when = f"after {date_format(timezone.localtime(closes), 'l j F, g:i A')}" if closes else "soon"
    _send_to_user(
        user=booking.user,
        subject=f"Ballot request received: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[f"We have your request. Places are drawn by ballot {when}; we will email you the result."],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_my_bookings_action()],
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
    _send_to_user(
        user=booking.user,
        subject=f"Cancelled: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=lines,
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_my_bookings_action()],
        attachments=attachments,
    )
    if was_confirmed:
        _hosts_told(booking=booking, joined=False)


def _updated_send(booking: Booking, details: dict) -> None:
    slot = booking.slot
    _send_to_user(
        user=booking.user,
        subject=f"Changed: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            "The time or place of your practice week visit has changed. "
            "The attached update replaces it in your calendar."
        ],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[_slot_action(slot)],
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
    _send_to_user(
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
    _send_to_user(
        user=booking.user,
        subject=f"Offer expired: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=["The place we offered you was not accepted in time, so it has moved to the next person."],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_my_bookings_action()],
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
    _send_to_user(
        user=booking.user,
        subject=f"Reminder: {slot.get_activity_display()} with {slot.host_team.name} is coming up",
        lines=["Your practice week visit is in the next two days. Here are the details again."],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[_slot_action(slot)],
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
    _send_to_user(
        user=user,
        subject="Your practice week ballot result",
        lines=lines,
        actions=[_my_bookings_action()],
        attachments=[
            booking_ics_attachment(booking=b, method="REQUEST", sequence=sequences[b.pk]) for b in won
        ],
    )


def slot_review(*, slot: Slot, approved: bool, note: str) -> None:
    if slot.proposed_by is None:
        return
    lines = [
        "Your proposed practice week slot is now open for booking."
        if approved
        else "The Learning and Development team could not use your proposed slot this time."
    ]
    if note:
        lines.append(note)
    _send_to_user(
        user=slot.proposed_by,
        subject=f"Your proposed slot was {'approved' if approved else 'declined'}",
        lines=lines,
        slot=slot_details(slot=slot, confirmed=True),
        actions=[{"label": "Your hosted slots", "url": absolute_url(reverse("practiceweek:hosting"))}],
    )


def _hosts_told(*, booking: Booking, joined: bool) -> None:
    slot = booking.slot
    visitor = booking.user
    profile = getattr(visitor, "profile", None)
    who = visitor.get_full_name() or visitor.email
    role = profile.role.name if profile is not None and profile.role is not None else "no role recorded"
    agency = booking.agency.name if booking.agency is not None else "no agency recorded"
    for host in slot.hosts.all():
        _send_to_user(
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


def slot_changed_for_host(*, user, slot: Slot, changes: list[str]) -> None:
    """A host's slot has a new time or place (practiceweek.services.slot_change_hosts_tell)."""
    _send_to_user(
        user=user,
        subject=f"Changed: {slot.get_activity_display()} you host, "
        f"{date_format(timezone.localtime(slot.starts_at), 'D j M')}",
        lines=[
            f"The Learning and Development team changed the {' and '.join(changes)} of a practice week "
            "slot you host. Your visitors have been sent the change. The slot is now:"
        ],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[
            {"label": "Your practice week visitors", "url": absolute_url(reverse("practiceweek:hosting"))}
        ],
    )


def ld_digest(*, to: list[str], context: dict) -> None:
    if to:
        email_send_after_commit(to=to, template="practiceweek/email/ld_digest", context=context)
