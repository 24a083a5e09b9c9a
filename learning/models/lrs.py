"""The xAPI learning record store's own records: client credentials, documents and attachments.

Statements themselves live in the one statement store (``XAPIStatement``, learning/models/xapi.py).
"""

from django.conf import settings
from django.db import models

from cms.core.models import NamedModel, optional_link


class LrsCredential(NamedModel):
    """HTTP basic credentials an xAPI client uses at /xapi, with what it may do there.

    The secret is shown once, when it is made or rotated; only its SHA-256 is kept (it is
    random and long, so a slow password hash adds nothing but latency on every request).
    """

    class Scope(models.TextChoices):
        STATEMENTS_WRITE = "statements/write", "Write statements"
        STATEMENTS_READ_MINE = "statements/read/mine", "Read the statements it wrote"
        ALL_READ = "all/read", "Read everything"
        STATE = "state", "Read and write state and profiles"

    name = models.CharField(max_length=100, unique=True, help_text="Who uses it, e.g. 'Storyline courses'.")
    key = models.CharField(max_length=40, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text="What the client may do.")
    authority = models.JSONField(
        null=True,
        blank=True,
        help_text="A fixed xAPI agent recorded as every statement's authority (else the credential's own).",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    created_by = optional_link(settings.AUTH_USER_MODEL)

    class Meta(NamedModel.Meta):
        verbose_name = "LRS credential"


class LrsDocument(models.Model):
    """A state, activity profile or agent profile document, stored as the client sent it."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        ACTIVITY_PROFILE = "activity_profile", "Activity profile"
        AGENT_PROFILE = "agent_profile", "Agent profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    scope_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of kind and every key.")
    activity_id = models.CharField(max_length=2048, blank=True, default="")
    agent_key = models.CharField(max_length=600, blank=True, default="", db_index=True)
    registration = models.CharField(max_length=36, blank=True, default="")
    document_id = models.CharField(max_length=2048)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "activity_id", "agent_key"])]
        verbose_name = "LRS document"

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class LrsAttachment(models.Model):
    """An attachment's bytes, kept once by their SHA-256 and shared by every statement naming it."""

    sha2 = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=255)
    length = models.PositiveBigIntegerField()
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "LRS attachment"

    def __str__(self) -> str:
        return self.sha2
