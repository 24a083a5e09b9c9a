"""Records of learning: progress through modules, completions and certificates.

Progress is kept per cycle. A module's first cycle is 1; a recertification opens a
new cycle (``ModuleProgress.cycle`` goes up) and the earlier cycle's completions,
completion record and certificate all stay. Rows are denormalised so that a lesson
page, a module page and My learning read progress in a fixed number of queries.
"""

from django.db import models

from cms.core.models import optional_link, person_link
from learning.models.links import lesson_block_keys, lesson_link


class ModuleCompletion(models.Model):
    """One immutable record that a person completed a module, per cycle.

    A recertification opens a new cycle; earlier completions are never changed.
    """

    class Source(models.TextChoices):
        ONLINE = "online", "Completed online"
        OFFLINE = "offline", "Recorded offline training"

    user = person_link(related_name="module_completions")
    module = models.ForeignKey("modules.ModulePage", on_delete=models.PROTECT, related_name="completions")
    cycle = models.PositiveIntegerField(default=1)
    completed_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ONLINE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "cycle"], name="learning_completion_once_per_cycle"
            )
        ]
        indexes = [models.Index(fields=["module", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} completed {self.module} (cycle {self.cycle})"


def lessons_percent(*, completed: int, total: int) -> int:
    """How far through a module someone is, in whole percent (0 for a module with no lessons)."""
    if not total:
        return 0
    return min(100, round(100 * completed / total))


class ModuleProgress(models.Model):
    """Where a person is in a module: one row per person and module.

    The row is also the lock that serialises a person's completions in the module
    (``select_for_update``), so two activities finishing at once cannot both miss
    that the module is now complete.
    """

    user = person_link(related_name="module_progress")
    module = models.ForeignKey("modules.ModulePage", on_delete=models.CASCADE, related_name="progress")
    cycle = models.PositiveIntegerField(default=1)
    lessons_completed = models.PositiveIntegerField(default=0)
    lessons_total = models.PositiveIntegerField(
        default=0, help_text="Live lessons when progress last changed (for lists; pages recount)."
    )
    last_lesson = optional_link("modules.LessonPage")
    lesson_states = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per lesson of the current cycle: {lesson id: {status, done: [block ids]}}. "
        "A copy of LessonProgress and ActivityCompletion kept for one-query pages.",
    )
    prerequisites_met = models.BooleanField(
        default=False, help_text="Prerequisites were complete when checked; never re-locks."
    )
    started_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "module progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="learning_module_progress_once")
        ]
        indexes = [models.Index(fields=["module", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.module}: {self.lessons_completed}/{self.lessons_total}"

    @property
    def percent(self) -> int:
        return lessons_percent(completed=self.lessons_completed, total=self.lessons_total)

    def lesson_state(self, lesson_id: int) -> dict:
        """A copy of one lesson's state: {"status", "done": [block ids], "checks": {block id: latest}}."""
        return dict(self.lesson_states.get(str(lesson_id)) or {"status": "", "done": []})


class LessonProgress(models.Model):
    """A person's progress through one lesson in one cycle."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    user = person_link(related_name="lesson_progress")
    lesson = lesson_link(related_name="progress")
    module = models.ForeignKey("modules.ModulePage", on_delete=models.CASCADE, related_name="lesson_progress")
    cycle = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    required_completed = models.PositiveIntegerField(default=0)
    required_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "cycle"], name="learning_lesson_progress_once")
        ]
        indexes = [models.Index(fields=["user", "module", "cycle"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.lesson}: {self.get_status_display()}"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class ActivityCompletion(models.Model):
    """A required activity (a lesson block, by its StreamField id) completed in a cycle.

    Written once; a later, better attempt may raise the score but never removes the row.
    """

    user, lesson, block_id = lesson_block_keys(related_name="activity_completions")
    cycle = models.PositiveIntegerField(default=1)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id", "cycle"], name="learning_activity_completed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.block_id} in {self.lesson}"


class KnowledgeCheckAttempt(models.Model):
    """Every answer a person submits to a knowledge check, kept."""

    user, lesson, block_id = lesson_block_keys(related_name="knowledge_check_attempts")
    cycle = models.PositiveIntegerField(default=1)
    selected_option_ids = models.JSONField(default=list)
    score_percent = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "lesson", "block_id"])]

    def __str__(self) -> str:
        return f"{self.user} scored {self.score_percent}% on {self.block_id}"


class Reflection(models.Model):
    """A person's private answer to a reflection prompt. Only its author sees it."""

    user, lesson, block_id = lesson_block_keys(related_name="reflections")
    text = models.TextField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="learning_reflection_once")
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.user} on {self.lesson}"


def certificate_upload_to(instance: "Certificate", filename: str) -> str:
    return f"certificates/{instance.code}/{filename}"


class Certificate(models.Model):
    """The certificate for one module completion, with a public verification code.

    The name and title are kept as they were on the day, so a renamed module or a
    changed surname never alters an issued certificate. The files are rendered by
    a Celery task after the completion commits.
    """

    completion = models.OneToOneField(ModuleCompletion, on_delete=models.PROTECT, related_name="certificate")
    user = person_link(related_name="certificates")
    module = models.ForeignKey("modules.ModulePage", on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(max_length=20, unique=True)
    learner_name = models.CharField(max_length=300)
    module_title = models.CharField(max_length=255)
    completed_on = models.DateField()
    png = models.FileField(upload_to=certificate_upload_to, blank=True)
    pdf = models.FileField(upload_to=certificate_upload_to, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"Certificate {self.code}: {self.learner_name}, {self.module_title}"

    @property
    def is_rendered(self) -> bool:
        return bool(self.rendered_at and self.png and self.pdf)
