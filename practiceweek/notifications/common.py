"""What every practice-week message shares: the signed offer link, how a slot is described,
the one way a message is sent to a person, and queueing a booking notice after commit."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.email import absolute_url, email_send_after_commit
from cms.core.queue import task_queue_after_commit
from practiceweek.models import Booking, Slot

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


def greeting(user) -> str:
    return f"Dear {user.first_name or user.get_full_name() or user.email},"


def slot_action(slot: Slot) -> dict:
    return {"label": "View the slot", "url": absolute_url(reverse("practiceweek:slot", args=[slot.pk]))}


def my_bookings_action() -> dict:
    return {"label": "Your practice week bookings", "url": absolute_url(reverse("practiceweek:my_bookings"))}


def send_to_user(*, user, subject: str, lines: list[str], slot=None, actions=(), attachments=()):
    if not user.email:
        return
    email_send_after_commit(
        to=[user.email],
        template=TEMPLATE,
        context={
            "subject": subject,
            "greeting": greeting(user),
            "lines": lines,
            "slot": slot,
            "actions": list(actions),
        },
        attachments=attachments,
    )


def notice_queue(kind: str, booking: Booking, **details) -> None:
    task_queue_after_commit(
        "practiceweek.tasks.send_booking_notice", kind=kind, booking_id=booking.pk, details=details
    )
