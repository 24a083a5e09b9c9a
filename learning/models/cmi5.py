"""Launches of xAPI (Tin Can) and cmi5 packages: registrations and launch sessions.

A registration is one learner's enrolment in one package version placed in one lesson
block: its UUID is the xAPI registration every statement of theirs carries, kept across
launches as cmi5 requires (a new package version starts a new one). A session is one
launch of one assignable unit (AU): its id is the cmi5 session id, and it holds the
hashes of the one-time fetch secret and of the restricted credential the content uses.
"""

import uuid

from django.db import models

from learning.models.links import lesson_block_keys


class Cmi5Registration(models.Model):
    user, lesson, block_id = lesson_block_keys(related_name="cmi5_registrations")
    package_version = models.ForeignKey(
        "modules.XapiPackageVersion", on_delete=models.PROTECT, related_name="registrations"
    )
    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    au_results = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per AU id: completed, passed, failed, satisfied (moveOn met), as the AU reported them.",
    )
    satisfied_ids = models.JSONField(
        default=list, blank=True, help_text="The blocks and course the LMS has issued 'satisfied' for."
    )
    completed_activity = models.BooleanField(default=False, help_text="The lesson block's rule is met.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id", "package_version"],
                name="learning_cmi5_registration_once",
            )
        ]
        verbose_name = "xAPI / cmi5 registration"

    def __str__(self) -> str:
        return f"{self.registration} ({self.user_id})"


class Cmi5Session(models.Model):
    registration = models.ForeignKey(Cmi5Registration, on_delete=models.CASCADE, related_name="sessions")
    session_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    au_id = models.CharField(max_length=1024, help_text="The AU's publisher id from the course structure.")
    activity_id = models.CharField(
        max_length=2048, help_text="The activity id the content was launched with."
    )
    fetch_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the one-time fetch secret."
    )
    fetched_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the launch credential's secret."
    )
    launch_mode = models.CharField(
        max_length=10,
        default="Normal",
        help_text="cmi5 launchMode: Normal, or Review for an AU already satisfied (only initialized "
        "and terminated count then).",
    )
    launched_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    initialized_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    last_statement_at = models.DateTimeField(null=True, blank=True)
    statement_count = models.PositiveIntegerField(default=0)
    defined_verbs = models.JSONField(
        default=list, blank=True, help_text="The cmi5 defined verbs the AU has sent in this session."
    )

    class Meta:
        ordering = ["-launched_at"]
        indexes = [models.Index(fields=["registration", "terminated_at", "abandoned_at"])]
        verbose_name = "xAPI / cmi5 launch session"

    def __str__(self) -> str:
        return str(self.session_id)
