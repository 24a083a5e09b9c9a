"""The practice week itself and its agency quotas."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from cms.core.models import after_check, optional_link


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
    prerequisite_module = optional_link(
        "modules.ModulePage",
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
            after_check(
                earlier="starts_on",
                later="ends_on",
                or_equal=True,
                name="practiceweek_week_ends_after_start",
                message="The week cannot end before it starts.",
            ),
            after_check(
                earlier="signup_opens_at",
                later="signup_closes_at",
                name="practiceweek_signup_closes_after_opening",
                message="Sign-up must close after it opens.",
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
