"""The messages practice week sends. Each is queued on Celery after the current transaction commits.

Called by practiceweek.services inside the transaction that made the change, so a
rolled-back change never sends anything. Contexts are plain strings (JSON for Celery).
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.email import absolute_url, email_send_after_commit
from practiceweek.ics import booking_ics_attachment
from practiceweek.models import Booking, Slot

TEMPLATE = "practiceweek/email/notice"
OFFER_TOKEN_SALT = "practiceweek.offer"  # noqa: S105 - a signing namespace, not a secret


def offer_token(*, booking: Booking) -> str:
    """A signed link token naming the booking and the offer round (a newer offer voids older links)."""
    return signing.dumps({"b": booking.pk, "r": booking.offer_round}, salt=OFFER_TOKEN_SALT, compress=True)


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


def booking_confirmed(*, booking: Booking) -> None:
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
        attachments=[booking_ics_attachment(booking=booking, method="REQUEST")],
    )
    _hosts_told(booking=booking, joined=True)


def booking_waitlisted(*, booking: Booking, position: int) -> None:
    slot = booking.slot
    _send_to_user(
        user=booking.user,
        subject=f"On the waitlist: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            f"This slot is full, so you are number {position} on its waitlist.",
            "If a place frees up we will email you an offer to accept or decline within a set time.",
        ],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_slot_action(slot), _my_bookings_action()],
    )


def booking_requested(*, booking: Booking) -> None:
    slot = booking.slot
    closes = timezone.localtime(slot.week.ballot_closes_at)
    _send_to_user(
        user=booking.user,
        subject=f"Ballot request received: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            f"We have your request. Places are drawn by ballot after {date_format(closes, 'l j F, g:i A')}; "
            "we will email you the result.",
        ],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_my_bookings_action()],
    )


def booking_cancelled(*, booking: Booking, previous_status: str, by_ld: bool) -> None:
    slot = booking.slot
    was_confirmed = previous_status == Booking.Status.CONFIRMED
    lines = [
        "Your place has been cancelled by the Learning and Development team."
        if by_ld
        else "You have cancelled this practice week booking.",
    ]
    if was_confirmed:
        lines.append("The attached cancellation removes it from your calendar.")
    _send_to_user(
        user=booking.user,
        subject=f"Cancelled: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=lines,
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_my_bookings_action()],
        attachments=[booking_ics_attachment(booking=booking, method="CANCEL")] if was_confirmed else [],
    )
    if was_confirmed:
        _hosts_told(booking=booking, joined=False)


def booking_updated(*, booking: Booking) -> None:
    slot = booking.slot
    _send_to_user(
        user=booking.user,
        subject=f"Changed: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            "The details of your practice week visit have changed. "
            "The attached update replaces it in your calendar."
        ],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[_slot_action(slot)],
        attachments=[booking_ics_attachment(booking=booking, method="REQUEST")],
    )


def offer_made(*, booking: Booking) -> None:
    slot = booking.slot
    url = absolute_url(reverse("practiceweek:offer", args=[offer_token(booking=booking)]))
    expires = timezone.localtime(booking.offer_expires_at)
    _send_to_user(
        user=booking.user,
        subject=f"A place is free: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=[
            "A place has come free on a slot you are waiting for, and it is yours if you want it.",
            f"Accept or decline by {date_format(expires, 'l j F, g:i A')}. "
            "After that the offer moves to the next person on the waitlist.",
        ],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[{"label": "Accept or decline the place", "url": url}],
    )


def offer_expired(*, booking: Booking) -> None:
    slot = booking.slot
    _send_to_user(
        user=booking.user,
        subject=f"Offer expired: {slot.get_activity_display()} with {slot.host_team.name}",
        lines=["The place we offered you was not accepted in time, so it has moved to the next person."],
        slot=slot_details(slot=slot, confirmed=False),
        actions=[_my_bookings_action()],
    )


def reminder(*, booking: Booking) -> None:
    slot = booking.slot
    _send_to_user(
        user=booking.user,
        subject=f"Reminder: {slot.get_activity_display()} with {slot.host_team.name} is coming up",
        lines=["Your practice week visit is in the next two days. Here are the details again."],
        slot=slot_details(slot=slot, confirmed=True),
        actions=[_slot_action(slot)],
    )


def ballot_result(*, user, confirmed: list[Booking], waitlisted: list[Booking]) -> None:
    lines = []
    if confirmed:
        lines.append(
            "The ballot gave you: "
            + "; ".join(
                f"{b.slot.get_activity_display()} with {b.slot.host_team.name}, "
                f"{when_text(starts_at=b.slot.starts_at, ends_at=b.slot.ends_at)}"
                for b in confirmed
            )
            + ". Calendar invitations are attached."
        )
    else:
        lines.append("The ballot did not give you a place this time.")
    if waitlisted:
        lines.append(
            f"You are on the waitlist for {len(waitlisted)} other slot(s); "
            "we will email you if a place frees."
        )
    _send_to_user(
        user=user,
        subject="Your practice week ballot result",
        lines=lines,
        actions=[_my_bookings_action()],
        attachments=[booking_ics_attachment(booking=b, method="REQUEST") for b in confirmed],
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


def ld_digest(*, to: list[str], context: dict) -> None:
    if to:
        email_send_after_commit(to=to, template="practiceweek/email/ld_digest", context=context)
