"""Forwarding stored statements to other learning record stores (the council's LRS).

A ``LrsForwardingTarget`` is another LRS that L&D configure; every statement stored that
matches an active target gets a ``LrsOutbox`` row in the transaction that stores it, and a
Celery task sends pending rows in batches (learning/services/lrs/forwarding.py).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cms.core.models import NamedModel, optional_link


class LrsForwardingTarget(NamedModel):
    """Another LRS that receives copies of our statements, with what to send it."""

    class Version(models.TextChoices):
        V1_0_3 = "1.0.3", "1.0.3"
        V2_0_0 = "2.0.0", "2.0.0"

    name = models.CharField(max_length=100, unique=True, help_text="Who it is, e.g. 'Council LRS'.")
    endpoint = models.URLField(
        max_length=500, help_text="The LRS's xAPI base URL; statements go to <endpoint>/statements."
    )
    version = models.CharField(
        max_length=5,
        choices=Version.choices,
        default=Version.V1_0_3,
        help_text="Sent as X-Experience-API-Version.",
    )
    credentials_env = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text="Name of an environment variable holding key:secret (so the secret need not be stored).",
    )
    username = models.CharField(max_length=200, blank=True, default="", help_text="Or a key entered here.")
    password = models.CharField(max_length=500, blank=True, default="", help_text="Never shown back.")
    is_active = models.BooleanField(default=True)
    verbs = models.JSONField(
        default=list, blank=True, help_text="Only statements with one of these verb IRIs (none: every verb)."
    )
    activity_prefix = models.CharField(
        max_length=500, blank=True, default="", help_text="Only statements whose activity id starts so."
    )
    programme = optional_link(
        "learning.Programme", help_text="Only statements about lessons of modules this programme assigns."
    )
    batch_size = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A statement not delivered after this many tries becomes a dead letter.",
    )
    failing_since = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the current run of failures began."
    )
    last_error = models.TextField(blank=True, default="", editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(NamedModel.Meta):
        verbose_name = "LRS forwarding target"


class LrsOutbox(models.Model):
    """One statement waiting for (or done with) one target."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        DEAD = "dead", "Dead letter"

    target = models.ForeignKey(LrsForwardingTarget, on_delete=models.CASCADE, related_name="outbox")
    statement = models.ForeignKey("learning.XAPIStatement", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True, default="")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "statement"], name="learning_outbox_once_per_target")
        ]
        indexes = [
            models.Index(fields=["target", "status", "next_attempt_at"]),
            # The nightly prune's scan: delivered rows by when they were sent.
            models.Index(
                fields=["last_attempt_at"],
                condition=models.Q(status="delivered"),
                name="learning_outbox_delivered_at",
            ),
        ]
        verbose_name = "LRS outbox row"

    def __str__(self) -> str:
        return f"{self.statement_id} to {self.target_id} ({self.status})"
