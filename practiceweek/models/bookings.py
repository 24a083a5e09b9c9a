"""Bookings (with waitlist and offers) and their history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from cms.core.models import optional_link, person_link
from practiceweek.models.slots import Slot


class Booking(models.Model):
    """One person's place, request, waitlist entry or offer on one slot."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Ballot request"
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waitlist"
        OFFERED = "offered", "Offered a place"
        CANCELLED = "cancelled", "Cancelled"
        DECLINED = "declined", "Offer declined"
        EXPIRED = "expired", "Offer expired"

    ACTIVE = (Status.REQUESTED, Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED)
    HELD = (Status.CONFIRMED, Status.OFFERED)

    class Attendance(models.TextChoices):
        NOT_RECORDED = "", "Not recorded"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    user = person_link(related_name="practice_bookings")
    agency = optional_link(
        "people.Agency", help_text="The person's agency when they booked (quotas count this)."
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    queued_at = models.DateTimeField(help_text="Waitlist order: earliest first.")
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    offer_round = models.PositiveIntegerField(
        default=0, help_text="Bumped with each offer; old links stop working."
    )
    agreed_at = models.DateTimeField(
        null=True, blank=True, help_text="When they accepted the confidentiality agreement."
    )
    ics_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ics_sequence = models.PositiveIntegerField(default=0)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True, default="")
    attendance_marked_by = optional_link(settings.AUTH_USER_MODEL)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at", "queued_at", "pk"]
        indexes = [
            models.Index(fields=["slot", "status", "queued_at"]),
            models.Index(fields=["user", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(status__in=["requested", "confirmed", "waitlisted", "offered"]),
                name="practiceweek_one_active_booking_per_person_and_slot",
                violation_error_message="You already have a booking for this slot.",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="practiceweek_offer_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.slot} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class BookingEvent(models.Model):
    """Every change to a booking: who, when, from which status to which, and why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = optional_link(settings.AUTH_USER_MODEL)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    by_ld = models.BooleanField(default=False, help_text="An L&D allocation or override.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} → {self.to_status or '-'}"
