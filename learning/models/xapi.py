"""xAPI records: the one statement store (H5P players and LRS clients), H5P attempts, player state."""

from django.db import models
from django.utils import timezone

from cms.core.models import optional_link, person_link
from learning.models.links import lesson_block_keys, lesson_link


class XAPIStatement(models.Model):
    """Every stored statement, once (by its id), whichever way it came.

    H5P players post through the session (``source`` h5p: the actor is the signed-in person,
    ``payload`` is the statement without an actor, lesson and block are known); LRS clients
    post standard statements to ``/xapi`` (``source`` lrs: ``payload`` is the statement as
    stored, with ``stored``, ``authority`` and ``version``). ``user`` links either kind to the
    platform person the actor names. The index columns serve the LRS's queries, which compare
    them whole: their PostgreSQL prefix (``_like``) indexes are dropped (migration 0003), as no
    query reads them and every INSERT paid for them.
    """

    class Source(models.TextChoices):
        H5P = "h5p", "H5P player"
        LRS = "lrs", "xAPI client"

    statement_id = models.UUIDField(unique=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.H5P)
    # No index of its own: the (user, lesson, block_id) index below starts with it.
    user = person_link(related_name="xapi_statements", optional=True, db_index=False)
    lesson = lesson_link(related_name="xapi_statements", optional=True)
    block_id = models.CharField(max_length=64, blank=True, default="")
    package_version = optional_link("modules.H5PPackageVersion")
    verb = models.CharField(max_length=2048, help_text="The verb IRI.")
    top_level = models.BooleanField(default=True, help_text="False for statements about a sub-activity.")
    payload = models.JSONField(help_text="The statement as stored (H5P's without its actor).")
    stored_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_activity = models.BooleanField(default=False)
    actor_key = models.CharField(max_length=600, blank=True, default="", db_index=True)
    activity_id = models.CharField(max_length=2048, blank=True, default="", db_index=True)
    object_agent_key = models.CharField(max_length=600, blank=True, default="", db_index=True)
    registration = models.UUIDField(null=True, blank=True, db_index=True)
    related_agents = models.TextField(blank=True, default="", help_text="|key|key| of every agent in it.")
    related_activities = models.TextField(blank=True, default="", help_text="|id|id| of every activity.")
    voided = models.BooleanField(default=False)
    voids = models.UUIDField(null=True, blank=True, help_text="The statement this one voids.")
    references = models.UUIDField(null=True, blank=True, help_text="The statement its StatementRef names.")
    credential = optional_link("learning.LrsCredential")

    class Meta:
        ordering = ["-stored_at"]
        indexes = [models.Index(fields=["user", "lesson", "block_id"])]
        verbose_name = "xAPI statement"

    def __str__(self) -> str:
        return f"{self.verb} by {self.user_id or self.actor_key} ({self.statement_id})"


class H5PAttempt(models.Model):
    """One result from an H5P activity (a top-level answered, completed, passed or failed)."""

    user, lesson, block_id = lesson_block_keys(related_name="h5p_attempts")
    package_version = models.ForeignKey(
        "modules.H5PPackageVersion", on_delete=models.PROTECT, related_name="attempts"
    )
    statement = models.OneToOneField(XAPIStatement, on_delete=models.CASCADE, related_name="attempt")
    verb = models.CharField(max_length=40)
    score_raw = models.FloatField(null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    completion = models.BooleanField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    completed_activity = models.BooleanField(default=False, help_text="This result met the block's rule.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "lesson", "block_id", "created_at"])]
        verbose_name = "H5P attempt"

    def __str__(self) -> str:
        return f"{self.verb} {self.score_raw}/{self.score_max} by {self.user_id}"


class H5PPlayerState(models.Model):
    """Where a learner left an H5P activity, so the player resumes there."""

    user, lesson, block_id = lesson_block_keys(related_name="h5p_states")
    package_version = optional_link("modules.H5PPackageVersion")
    data = models.TextField(help_text="The player's state, a JSON string H5P gives back on resume.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="learning_h5p_state_once")
        ]
        verbose_name = "H5P player state"

    def __str__(self) -> str:
        return f"State of {self.block_id} for {self.user_id}"
