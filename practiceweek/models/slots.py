"""Slots: a team's offer of a visit, with its places."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from cms.core.models import after_check, optional_link
from practiceweek.models.weeks import PracticeWeek


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
    proposed_by = optional_link(settings.AUTH_USER_MODEL)
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
            after_check(
                earlier="starts_at",
                later="ends_at",
                name="practiceweek_slot_ends_after_start",
                message="A slot must end after it starts.",
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
