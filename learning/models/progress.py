"""Records of learning."""

from django.conf import settings
from django.db import models


class ModuleCompletion(models.Model):
    """One immutable record that a person completed a module, per cycle.

    A recertification opens a new cycle; earlier completions are never changed.
    """

    class Source(models.TextChoices):
        ONLINE = "online", "Completed online"
        OFFLINE = "offline", "Recorded offline training"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
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
