"""xAPI records from H5P players: the statement log, attempts and saved player state."""

from django.conf import settings
from django.db import models


class XAPIStatement(models.Model):
    """Every accepted statement, once (by its id), with the actor taken from the session."""

    statement_id = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xapi_statements"
    )
    lesson = models.ForeignKey("modules.LessonPage", on_delete=models.CASCADE, related_name="xapi_statements")
    block_id = models.CharField(max_length=64)
    package_version = models.ForeignKey(
        "modules.H5PPackageVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=255, help_text="The verb IRI.")
    top_level = models.BooleanField(default=True, help_text="False for statements about a sub-activity.")
    payload = models.JSONField(help_text="The statement as received (any actor in it is ignored).")
    stored_at = models.DateTimeField(auto_now_add=True)
    completed_activity = models.BooleanField(default=False)

    class Meta:
        ordering = ["-stored_at"]
        indexes = [models.Index(fields=["user", "lesson", "block_id"])]
        verbose_name = "xAPI statement"

    def __str__(self) -> str:
        return f"{self.verb} by {self.user_id} ({self.statement_id})"


class H5PAttempt(models.Model):
    """One result from an H5P activity (a top-level answered, completed, passed or failed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_attempts")
    lesson = models.ForeignKey("modules.LessonPage", on_delete=models.CASCADE, related_name="h5p_attempts")
    block_id = models.CharField(max_length=64)
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_states")
    lesson = models.ForeignKey("modules.LessonPage", on_delete=models.CASCADE, related_name="h5p_states")
    block_id = models.CharField(max_length=64)
    package_version = models.ForeignKey(
        "modules.H5PPackageVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.TextField(help_text="The player's state, a JSON string H5P gives back on resume.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="learning_h5p_state_once")
        ]
        verbose_name = "H5P player state"

    def __str__(self) -> str:
        return f"State of {self.block_id} for {self.user_id}"
