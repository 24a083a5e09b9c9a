"""SCORM records: a person's attempts at each SCO of a lesson block's package version, with the CMI data.

A person has one current attempt per lesson block, package version and SCO (the highest
``number``). A new one starts only when the current one is finished and the rule allows it
(learning.selectors.scorm.scorm_new_attempt_due): on a new recertification cycle, or when the
finished attempt did not meet the block's rule (a failed test may be taken again)."""

from django.db import models

from learning.models.links import lesson_block_keys


class ScormAttempt(models.Model):
    """Where a learner is in one SCO and what it reported (the SCORM run-time data model).

    The columns hold what reports and completion read; ``cmi`` keeps every validated
    element the SCO set (interactions, objectives, preferences, comments) as sent.
    """

    user, lesson, block_id = lesson_block_keys(related_name="scorm_attempts")
    package_version = models.ForeignKey(
        "modules.ScormPackageVersion", on_delete=models.PROTECT, related_name="attempts"
    )
    sco = models.CharField(max_length=255, help_text="The item's identifier in the manifest.")
    number = models.PositiveIntegerField(
        default=1, help_text="1 for the first attempt at this SCO, then 2, 3 ..."
    )
    cycle = models.PositiveIntegerField(
        default=1, help_text="The person's module cycle the attempt counts for."
    )
    completion_status = models.CharField(
        max_length=20, blank=True, help_text="1.2: cmi.core.lesson_status; 2004: cmi.completion_status."
    )
    success_status = models.CharField(max_length=10, blank=True, help_text="passed, failed or unknown.")
    score_raw = models.FloatField(null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)
    exit = models.CharField(max_length=20, blank=True)
    session_seconds = models.FloatField(default=0)
    total_seconds = models.FloatField(default=0)
    total_before_session = models.FloatField(default=0)
    session_key = models.CharField(
        max_length=64, blank=True, help_text="The page session of the last commit."
    )
    commit_seq = models.PositiveIntegerField(default=0, help_text="The last commit's number in that session.")
    cmi = models.JSONField(default=dict, blank=True)
    completed_activity = models.BooleanField(default=False, help_text="This SCO met the block's rule.")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id", "package_version", "sco", "number"],
                name="learning_scorm_attempt_numbered",
            )
        ]
        verbose_name = "SCORM attempt"

    def __str__(self) -> str:
        return (
            f"{self.sco} attempt {self.number} by {self.user_id}: {self.completion_status or 'not attempted'}"
        )
