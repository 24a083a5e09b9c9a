"""Personal data in practice week, declared to the registry (cms.core.personal_data)."""

from django.db.models import Q, QuerySet

from cms.core.personal_data import Erasure, register
from practiceweek.models import Booking, BookingEvent, Reflection, Slot

register(
    Booking,
    section="practice_week_bookings",
    rows=lambda user: Booking.objects.filter(user=user).select_related("slot__week", "slot__host_team"),
    export=lambda b: {
        "week": b.slot.week.name,
        "activity": b.slot.get_activity_display(),
        "host_team": str(b.slot.host_team),
        "starts_at": b.slot.starts_at,
        "status": b.status,
        "agreed_at": b.agreed_at,
        "attendance": b.attendance,
        "created_at": b.created_at,
        "cancelled_at": b.cancelled_at,
    },
    erasure=Erasure.KEEP,
    reason="Places taken and attended stay so the week's figures and quotas stay true; once the "
    "account is anonymised they identify nobody.",
)


def _notes_clear(rows: QuerySet, user) -> None:
    rows.update(note="")


register(
    BookingEvent,
    section="practice_week_booking_history",
    rows=lambda user: BookingEvent.objects.filter(booking__user=user).select_related("booking__slot"),
    export=lambda e: {
        "slot_starts_at": e.booking.slot.starts_at,
        "action": e.action,
        "from": e.from_status,
        "to": e.to_status,
        "at": e.at,
        "note": e.note,
    },
    erasure=Erasure.ANONYMISE,
    erase=_notes_clear,
    reason="The history of each booking stays with it; free-text notes, which may name the person, go.",
)
register(
    Reflection,
    section="practice_week_reflections",
    rows=lambda user: Reflection.objects.filter(booking__user=user).select_related("booking__slot"),
    export=lambda r: {
        "slot_starts_at": r.booking.slot.starts_at,
        "text": r.text,
        "themes": r.themes,
        "share_themes": r.share_themes,
        "updated_at": r.updated_at,
    },
    erasure=Erasure.DELETE,
)
register(
    Slot,
    section="practice_week_slots_hosted",
    rows=lambda user: (
        Slot.objects.filter(Q(hosts=user) | Q(proposed_by=user)).distinct().select_related("week")
    ),
    export=lambda s: {
        "week": s.week.name,
        "activity": s.get_activity_display(),
        "starts_at": s.starts_at,
        "status": s.status,
    },
    erasure=Erasure.KEEP,
    reason="Slots belong to the host team; the person named as a host or proposer is the "
    "anonymised account after erasure.",
)
