"""Records of MI scenario practice: each attempt, and every choice made in it.

A choice keeps a copy of what was said and the feedback given, so a learner's record
still reads true after the scenario is edited or deleted.
"""

from django.db import models

from cms.core.models import optional_link, person_link


class ScenarioAttempt(models.Model):
    """One run through a scenario by one learner, on the revision that was live when it started."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        BELOW_MINIMUM = "below_minimum", "Finished below the minimum profile"
        RESTARTED = "restarted", "Closed when the learner started again"

    FINISHED = (Status.COMPLETED, Status.BELOW_MINIMUM)

    user = person_link(related_name="scenario_attempts")
    scenario = models.ForeignKey(
        "modules.Scenario", on_delete=models.SET_NULL, null=True, related_name="attempts"
    )
    scenario_title = models.CharField(max_length=120)
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lesson = optional_link("modules.LessonPage")
    block_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    opening_text = models.TextField(blank=True)
    current_node = models.CharField(max_length=40)
    end_node = models.CharField(max_length=40, blank=True)
    step_count = models.PositiveIntegerField(default=0)
    readiness = models.SmallIntegerField()
    openness = models.SmallIntegerField()
    # Running totals, kept with each step so profiles and team figures need no recount.
    responses = models.PositiveIntegerField(default=0)
    mi_consistent = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    reflections = models.PositiveIntegerField(default=0)
    complex_reflections = models.PositiveIntegerField(default=0)
    change_talk = models.PositiveIntegerField(default=0)
    sustain_talk = models.PositiveIntegerField(default=0)
    counted_for_lesson = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "scenario", "started_at"]),
            models.Index(fields=["scenario", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.scenario_title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ScenarioChoice(models.Model):
    """One response the learner chose, when, and what came of it."""

    attempt = models.ForeignKey(ScenarioAttempt, on_delete=models.CASCADE, related_name="choices")
    sequence = models.PositiveIntegerField()
    node_key = models.CharField(max_length=40)
    response_id = models.CharField(max_length=64)
    response_text = models.TextField()
    code = models.CharField(max_length=40)
    mi_consistent = models.BooleanField()
    feedback = models.TextField()
    next_node = models.CharField(max_length=40)
    reply_text = models.TextField(blank=True)
    reply_talk_type = models.CharField(max_length=10, blank=True)
    reply_change_kind = models.CharField(max_length=20, blank=True)
    readiness_after = models.SmallIntegerField()
    openness_after = models.SmallIntegerField()
    chosen_at = models.DateTimeField()

    class Meta:
        ordering = ["attempt", "sequence"]
        constraints = [
            # One choice per step: a replayed form or a second tab can never record twice.
            models.UniqueConstraint(
                fields=["attempt", "sequence"], name="learning_scenario_choice_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"Step {self.sequence} of attempt {self.attempt_id}: {self.code}"
