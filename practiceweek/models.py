"""Practice week: the week, its slots, bookings (with waitlist and offers), and what follows.

Integrity lives in the database as well as in `practiceweek.services`:

- `Slot.places_held` counts confirmed bookings plus outstanding offers. It only
  changes inside a transaction that holds the slot row lock, and a CHECK
  constraint keeps it between 0 and the capacity: an overbooking or a second
  offer for one freed place would violate it and roll the transaction back.
- A partial unique constraint allows one active booking (requested, confirmed,
  waitlisted or offered) per person and slot.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


def _ballot_seed() -> str:
    return secrets.token_hex(8)


class PracticeWeek(ClusterableModel):
    """A week in which senior managers shadow frontline teams."""

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", "First come, first served"
        BALLOT = "ballot", "Ballot"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    signup_opens_at = models.DateTimeField(help_text="When booking (or ballot requests) opens.")
    signup_closes_at = models.DateTimeField(help_text="After this, nobody can book or join a waitlist.")
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=48,
        help_text="People may cancel a confirmed place until this many hours before the slot starts.",
    )
    max_bookings_per_person = models.PositiveSmallIntegerField(
        default=2, help_text="Most confirmed places (and offers) one person may hold in the week."
    )
    offer_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How long a waitlist offer stays open before it moves on."
    )
    prerequisite_module = models.ForeignKey(
        "modules.ModulePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A module people must complete before booking (e.g. confidentiality on home visits).",
    )
    confidentiality_agreement = models.TextField(
        help_text="What people agree to before booking. Shown on every slot page."
    )
    allocation = models.CharField(max_length=20, choices=Allocation.choices, default=Allocation.FIRST_COME)
    ballot_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Ballot only: requests are collected until this time, then drawn."
    )
    ballot_seed = models.CharField(
        max_length=64,
        default=_ballot_seed,
        help_text="Ballot only: the lottery's seed. The same seed and requests give the same result.",
    )
    ballot_drawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("slug"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            ],
            heading="The week",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signup_opens_at"), FieldPanel("signup_closes_at")]),
                FieldPanel("cancellation_cutoff_hours"),
                FieldPanel("max_bookings_per_person"),
                FieldPanel("offer_hours"),
                FieldPanel("prerequisite_module"),
                FieldPanel("confidentiality_agreement"),
            ],
            heading="Booking rules",
        ),
        MultiFieldPanel(
            [FieldPanel("allocation"), FieldPanel("ballot_closes_at"), FieldPanel("ballot_seed")],
            heading="Allocation",
        ),
        InlinePanel("quotas", heading="Agency quotas", label="Quota"),
    ]

    class Meta:
        ordering = ["-starts_on"]
        permissions = [("run_practice_week", "Can run practice week (allocate, override, reports)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="practiceweek_week_ends_after_start",
                violation_error_message="The week cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(signup_closes_at__gt=F("signup_opens_at")),
                name="practiceweek_signup_closes_after_opening",
                violation_error_message="Sign-up must close after it opens.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.allocation == self.Allocation.BALLOT:
            if not self.ballot_closes_at:
                raise ValidationError({"ballot_closes_at": "A ballot needs a closing time."})
            if self.signup_closes_at and self.ballot_closes_at > self.signup_closes_at:
                raise ValidationError({"ballot_closes_at": "The ballot must close before sign-up closes."})

    @property
    def is_ballot(self) -> bool:
        return self.allocation == self.Allocation.BALLOT


class AgencyQuota(Orderable):
    """At most `max_places` places in the week for people of one agency."""

    week = ParentalKey(PracticeWeek, on_delete=models.CASCADE, related_name="quotas")
    agency = models.ForeignKey("people.Agency", on_delete=models.CASCADE, related_name="+")
    max_places = models.PositiveSmallIntegerField()

    panels = [FieldPanel("agency"), FieldPanel("max_places")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["week", "agency"], name="practiceweek_one_quota_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.max_places}"


class Activity(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    GROUP_SUPERVISION = "group_supervision", "Group case supervision"
    CP_CONFERENCE = "cp_conference", "Child protection conference"
    TEAM_MEETING = "team_meeting", "Team meeting"
    COURT = "court", "Court"
    DUTY_DESK = "duty_desk", "Duty desk"
    FAMILY_MEETING = "family_meeting", "Family group meeting"
    OTHER = "other", "Other"


class Slot(models.Model):
    """A shadowing opportunity hosted by a team at a time and place."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed by host (awaiting L&D)"
        APPROVED = "approved", "Open"
        DECLINED = "declined", "Declined by L&D"
        WITHDRAWN = "withdrawn", "Withdrawn"

    week = models.ForeignKey(PracticeWeek, on_delete=models.CASCADE, related_name="slots")
    host_team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="practice_slots")
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="hosted_practice_slots",
        help_text="Practitioners being shadowed. They are told who is coming and mark attendance.",
    )
    activity = models.CharField(max_length=30, choices=Activity.choices)
    description = models.TextField(blank=True, help_text="What the visitor will see and do.")
    locality = models.CharField(max_length=80)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(default=1)
    places_held = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Confirmed bookings plus outstanding offers."
    )
    meeting_point = models.TextField(help_text="Shown only to people with a confirmed place.")
    access_notes = models.TextField(blank=True, help_text="Parking, accessibility, what to bring.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPROVED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("week"),
        FieldPanel("status"),
        MultiFieldPanel(
            [FieldPanel("host_team"), FieldPanel("hosts"), FieldPanel("activity"), FieldPanel("description")],
            heading="What and who",
        ),
        MultiFieldPanel(
            [
                FieldPanel("locality"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("capacity"),
                FieldPanel("meeting_point"),
                FieldPanel("access_notes"),
            ],
            heading="When and where",
        ),
    ]

    class Meta:
        ordering = ["starts_at", "host_team__name"]
        indexes = [models.Index(fields=["week", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_held__lte=F("capacity")),
                name="practiceweek_slot_never_overbooked",
                violation_error_message="Capacity cannot be below the places already taken or offered.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="practiceweek_slot_capacity_positive",
                violation_error_message="A slot needs at least one place.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="practiceweek_slot_ends_after_start",
                violation_error_message="A slot must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} with {self.host_team} ({self.starts_at:%a %d %b %H:%M})"

    def save(self, *args, **kwargs):
        # places_held is written only by practiceweek.services under the row lock;
        # an edit form holding a stale copy must never overwrite it.
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "places_held"
            ]
        super().save(*args, **kwargs)

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.places_held, 0)


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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_bookings"
    )
    agency = models.ForeignKey(
        "people.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person's agency when they booked (quotas count this).",
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
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    by_ld = models.BooleanField(default=False, help_text="An L&D allocation or override.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} → {self.to_status or '-'}"


class Reflection(models.Model):
    """What a shadower took from a visit. Private; L&D see only anonymised themes, if agreed."""

    class Theme(models.TextChoices):
        WHOLE_FAMILY = "whole_family", "Working with the whole family"
        MOTIVATIONAL_INTERVIEWING = "mi", "Motivational interviewing in practice"
        MULTI_AGENCY = "multi_agency", "Working across agencies"
        GROUP_SUPERVISION = "group_supervision", "Group case supervision"
        CHILDS_VOICE = "childs_voice", "The child's voice and experience"
        RISK = "risk", "Risk, safety and good authority"
        WORKLOAD = "workload", "Workload and pressure on practitioners"
        SYSTEMS = "systems", "Recording, systems and processes"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="reflection")
    text = models.TextField()
    themes = models.JSONField(default=list, blank=True)
    share_themes = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reflection on {self.booking_id}"
