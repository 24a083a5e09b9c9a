"""Messages to hosts and L&D: a proposed slot reviewed, a slot's time or place changed, the
L&D digest."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.email import absolute_url, email_send_after_commit
from practiceweek.models import Slot
from practiceweek.notifications.common import send_to_user, slot_details


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
    send_to_user(
        user=slot.proposed_by,
        subject=f"Your proposed slot was {'approved' if approved else 'declined'}",
        lines=lines,
        slot=slot_details(slot=slot, confirmed=True),
        actions=[{"label": "Your hosted slots", "url": absolute_url(reverse("practiceweek:hosting"))}],
    )


def slot_changed_for_host(*, user, slot: Slot, changes: list[str]) -> None:
    """A host's slot has a new time or place (practiceweek.services.slot_change_hosts_tell)."""
    send_to_user(
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
